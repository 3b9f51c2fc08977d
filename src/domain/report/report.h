// The report: the central record. A report is versioned — every change is a
// new revision, nothing is overwritten or deleted in place. `Report` is the
// head (the latest revision's content plus routing state); `Revision` is one
// immutable version of the content.
//
// Thread behaviour: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/enum_names.h"
#include "common/json.h"
#include "common/time.h"
#include "domain/report/system_kind.h"
#include "domain/report/tlp.h"
#include "domain/space/space.h"
#include "domain/severity/report_assessment.h"

namespace infrashare {

enum class ReportKind {
  kServiceOutage,       // サービス障害等 (legally reportable)
  kPrecursor,           // 予兆
  kNearMiss,            // ヒヤリハット
  kAttackInfo,          // 障害・攻撃情報
  kEarlyWarning,        // 早期警戒情報
  kRecoveryMethod,      // 復旧手法情報
  kAttackMethod,        // 攻撃手法情報
  kCrimeReport,         // 犯罪被害等の通報
  kCoordinationRequest, // 連携要請
};

inline constexpr std::array kReportKindNames{
    EnumName<ReportKind>{ReportKind::kServiceOutage, "service_outage"},
    EnumName<ReportKind>{ReportKind::kPrecursor, "precursor"},
    EnumName<ReportKind>{ReportKind::kNearMiss, "near_miss"},
    EnumName<ReportKind>{ReportKind::kAttackInfo, "attack_info"},
    EnumName<ReportKind>{ReportKind::kEarlyWarning, "early_warning"},
    EnumName<ReportKind>{ReportKind::kRecoveryMethod, "recovery_method"},
    EnumName<ReportKind>{ReportKind::kAttackMethod, "attack_method"},
    EnumName<ReportKind>{ReportKind::kCrimeReport, "crime_report"},
    EnumName<ReportKind>{ReportKind::kCoordinationRequest, "coordination_request"},
};

// 連絡形態: how a report travels from its submitter.
enum class Route {
  kDirect,      // operator -> its sector ministry -> NISC
  kViaCeptoar,  // -> the CEPTOAR secretariat, which relays
  kViaAgency,   // -> a security agency (JPCERT/CC, IPA, NICT), which relays
};

inline constexpr std::array kRouteNames{
    EnumName<Route>{Route::kDirect, "direct"},
    EnumName<Route>{Route::kViaCeptoar, "via_ceptoar"},
    EnumName<Route>{Route::kViaAgency, "via_agency"},
};

// Who the submitter (or the relay) wants to reach. TLP caps it.
struct Audience {
  bool everyone = false;
  std::vector<std::string> sectors;        // sector ids: every organization in the sector
  std::vector<std::string> ceptoars;       // CEPTOAR ids: members and secretariat
  std::vector<std::string> groups;         // sharing group ids: members
  std::vector<std::string> organizations;  // organization ids, named
  bool operator==(const Audience&) const = default;
};

struct Indicator {  // an observable: type ("ipv4-addr", "domain-name", "file:hashes.SHA-256", ...) and value
  std::string type;
  std::string value;
  bool operator==(const Indicator&) const = default;
};

// What a reporter writes; one revision's body.
struct ReportContent {
  ReportKind kind = ReportKind::kAttackInfo;
  std::string title;
  std::string text;
  std::vector<std::string> sectors;   // affected sector ids
  std::vector<std::string> services;  // affected services, free words ("power supply", "ATM")
  std::vector<SystemKind> systems;
  Json facts = Json::object();        // structured impact facts (see domain/severity)
  std::vector<Indicator> indicators;
  Tlp tlp = Tlp::kAmber;
  Audience audience;
  bool operator==(const ReportContent&) const = default;
};

// Why an organization received a report: one line of the delivery trail.
enum class DeliveryRole {
  kRelay,               // the CEPTOAR secretariat or agency the route passes through
  kMinistry,            // the sector ministry (direct route)
  kCoordinationCenter,  // NISC
  kIncidentAgency,      // crime reports
};

inline constexpr std::array kDeliveryRoleNames{
    EnumName<DeliveryRole>{DeliveryRole::kRelay, "relay"},
    EnumName<DeliveryRole>{DeliveryRole::kMinistry, "ministry"},
    EnumName<DeliveryRole>{DeliveryRole::kCoordinationCenter, "coordination_center"},
    EnumName<DeliveryRole>{DeliveryRole::kIncidentAgency, "incident_agency"},
};

struct Delivery {
  std::string organization;
  DeliveryRole role = DeliveryRole::kRelay;
  Timestamp at;
  bool operator==(const Delivery&) const = default;
};

struct Report {
  std::string id;            // "rpt_…"
  int64_t seq = 0;           // store-assigned order of creation; the list cursor
  Space space;
  int revision = 1;          // number of the latest revision
  ReportContent content;
  Route route = Route::kDirect;
  bool anonymized = false;   // 連絡元の匿名化: hide the source from all but submitter and relay
  std::string submitter_org;        // hidden in views where the source is hidden
  std::string submitter_principal;  // hidden in views where the source is hidden
  std::string relay_org;     // the secretariat or agency a relayed route passes through; empty for direct
  std::string via_ceptoar;   // the CEPTOAR of a via_ceptoar route
  bool released = false;     // direct: at submit; relayed routes: once relayed
  std::vector<Delivery> deliveries;  // the delivery trail, in order
  std::optional<ReportAssessment> assessment;  // severity; none without impact facts
  Timestamp created_at, updated_at;
  std::optional<Timestamp> released_at;
};

struct Revision {
  std::string report_id;
  int number = 1;
  ReportContent content;
  std::optional<ReportAssessment> assessment;  // the report's as of this revision; none without facts
  std::string author_principal;  // hidden where the source is hidden and the author is the submitter's
  std::string author_org;
  std::string note;              // "submitted", "relayed", or the editor's note
  Timestamp at;
};

}  // namespace infrashare
