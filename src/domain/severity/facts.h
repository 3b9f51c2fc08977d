// Impact facts: what a report says about an event's effect, in structured
// form, so that the severity engine (assess.h) can judge it by rule. A report
// carries them in `ReportContent::facts`; ParseFacts validates that JSON and
// FactsToJson writes it back (ParseFacts(FactsToJson(f)) == f).
//
// Every fact is optional: an absent fact is *missing* (not known yet), never
// zero. JSON null reads as absent. The assessment lists missing facts and
// which of them could still change the level.
//
// Every enum below lists its values from the least to the most severe; rules
// compare them by that position, so "worse" always means "later in the list".
// Numbers are worse when larger, booleans when true, lists when they hold
// more. Worsening a fact never lowers a level (assess_test proves it).
//
// The facts, with their JSON paths (ParseFacts' errors name these fields,
// prefixed with the path given, "facts" by default):
//   service.state              normal | degraded | stopped — the state of the
//                              CI service the report is about
//   service.lost_percent       0–100: share of the service not provided
//                              (capacity, customers or transactions lost)
//   outage.elapsed_minutes     minutes since the service was first affected
//   outage.expected_minutes    expected total duration of the effect, from its
//                              start until recovery (>= elapsed_minutes; once
//                              recovered, the actual duration)
//   affected.people            customers or people affected (subscribers,
//                              households, passengers, patients, accounts)
//   affected.prefectures       prefectures affected, JIS X 0401 codes 1–47
//                              (13 = Tokyo); rules compare their count
//   systems.normal             normal systems (常用系): unaffected | degraded | lost
//   systems.backup             backup/emergency systems (非常用系): same values
//   systems.kinds              kinds of system affected: it, ot, iot
//   safety.injuries            people injured
//   safety.deaths              people killed
//   safety.evacuation          whether people had to be evacuated
//   safety.evacuated_people    how many (requires evacuation = true when > 0)
//   safety.hazardous_release   whether hazardous material was released
//   safety.physical_damage     whether equipment or property was damaged
//   data.kind                  the worst data compromised: none | personal |
//                              proprietary | critical_system_data |
//                              core_credentials (NCISS information impact)
//   data.records               records compromised
//   activity.stage             attacker activity observed (NCISS observed
//                              activity): none | prepare | engage | presence |
//                              effect
//   activity.location          the deepest place it was observed (NCISS
//                              location levels): none | business_dmz |
//                              business_network | business_network_management
//                              | critical_system_dmz | critical_system_management
//                              | critical_systems | safety_systems
//   attack.status              none (no attack: fault, disaster, accident) |
//                              contained | ongoing
//   attack.actor               unknown | criminal | hacktivist | insider |
//                              nation_state
//   other_sectors              sector ids expected to be affected as well (from
//                              the cascade engine, or the reporter); rules
//                              compare how many differ from the reporter's own
//
// Thread behaviour: plain values; the functions are pure and thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/enum_names.h"
#include "common/error.h"
#include "common/json.h"
#include "domain/report/system_kind.h"

namespace infrashare {

enum class ServiceState { kNormal, kDegraded, kStopped };
inline constexpr std::array kServiceStateNames{
    EnumName<ServiceState>{ServiceState::kNormal, "normal"},
    EnumName<ServiceState>{ServiceState::kDegraded, "degraded"},
    EnumName<ServiceState>{ServiceState::kStopped, "stopped"},
};

enum class SystemImpact { kUnaffected, kDegraded, kLost };
inline constexpr std::array kSystemImpactNames{
    EnumName<SystemImpact>{SystemImpact::kUnaffected, "unaffected"},
    EnumName<SystemImpact>{SystemImpact::kDegraded, "degraded"},
    EnumName<SystemImpact>{SystemImpact::kLost, "lost"},
};

enum class DataKind { kNone, kPersonal, kProprietary, kCriticalSystemData, kCoreCredentials };
inline constexpr std::array kDataKindNames{
    EnumName<DataKind>{DataKind::kNone, "none"},
    EnumName<DataKind>{DataKind::kPersonal, "personal"},
    EnumName<DataKind>{DataKind::kProprietary, "proprietary"},
    EnumName<DataKind>{DataKind::kCriticalSystemData, "critical_system_data"},
    EnumName<DataKind>{DataKind::kCoreCredentials, "core_credentials"},
};

enum class ActivityStage { kNone, kPrepare, kEngage, kPresence, kEffect };
inline constexpr std::array kActivityStageNames{
    EnumName<ActivityStage>{ActivityStage::kNone, "none"},
    EnumName<ActivityStage>{ActivityStage::kPrepare, "prepare"},
    EnumName<ActivityStage>{ActivityStage::kEngage, "engage"},
    EnumName<ActivityStage>{ActivityStage::kPresence, "presence"},
    EnumName<ActivityStage>{ActivityStage::kEffect, "effect"},
};

enum class ActivityLocation {
  kNone,
  kBusinessDmz,
  kBusinessNetwork,
  kBusinessNetworkManagement,
  kCriticalSystemDmz,
  kCriticalSystemManagement,
  kCriticalSystems,
  kSafetySystems,
};
inline constexpr std::array kActivityLocationNames{
    EnumName<ActivityLocation>{ActivityLocation::kNone, "none"},
    EnumName<ActivityLocation>{ActivityLocation::kBusinessDmz, "business_dmz"},
    EnumName<ActivityLocation>{ActivityLocation::kBusinessNetwork, "business_network"},
    EnumName<ActivityLocation>{ActivityLocation::kBusinessNetworkManagement, "business_network_management"},
    EnumName<ActivityLocation>{ActivityLocation::kCriticalSystemDmz, "critical_system_dmz"},
    EnumName<ActivityLocation>{ActivityLocation::kCriticalSystemManagement, "critical_system_management"},
    EnumName<ActivityLocation>{ActivityLocation::kCriticalSystems, "critical_systems"},
    EnumName<ActivityLocation>{ActivityLocation::kSafetySystems, "safety_systems"},
};

enum class AttackStatus { kNone, kContained, kOngoing };
inline constexpr std::array kAttackStatusNames{
    EnumName<AttackStatus>{AttackStatus::kNone, "none"},
    EnumName<AttackStatus>{AttackStatus::kContained, "contained"},
    EnumName<AttackStatus>{AttackStatus::kOngoing, "ongoing"},
};

enum class Actor { kUnknown, kCriminal, kHacktivist, kInsider, kNationState };
inline constexpr std::array kActorNames{
    EnumName<Actor>{Actor::kUnknown, "unknown"},          EnumName<Actor>{Actor::kCriminal, "criminal"},
    EnumName<Actor>{Actor::kHacktivist, "hacktivist"},    EnumName<Actor>{Actor::kInsider, "insider"},
    EnumName<Actor>{Actor::kNationState, "nation_state"},
};

// Limits of the numbers ParseFacts accepts (larger is a typing error).
inline constexpr int64_t kMaxFactMinutes = 5'256'000;     // ten years
inline constexpr int64_t kMaxFactCount = 10'000'000'000;  // people, records, accounts
inline constexpr size_t kMaxOtherSectors = 64;
inline constexpr int kPrefectureCount = 47;  // JIS X 0401 codes 1..47

struct ServiceFacts {
  std::optional<ServiceState> state;
  std::optional<int64_t> lost_percent;  // 0..100
  bool operator==(const ServiceFacts&) const = default;
};
struct OutageFacts {
  std::optional<int64_t> elapsed_minutes;
  std::optional<int64_t> expected_minutes;  // total, >= elapsed_minutes
  bool operator==(const OutageFacts&) const = default;
};
struct AffectedFacts {
  std::optional<int64_t> people;
  std::optional<std::vector<int>> prefectures;  // sorted, unique, 1..47
  bool operator==(const AffectedFacts&) const = default;
};
struct SystemsFacts {
  std::optional<SystemImpact> normal;            // 常用系
  std::optional<SystemImpact> backup;            // 非常用系
  std::optional<std::vector<SystemKind>> kinds;  // sorted, unique
  bool operator==(const SystemsFacts&) const = default;
};
struct SafetyFacts {
  std::optional<int64_t> injuries;
  std::optional<int64_t> deaths;
  std::optional<bool> evacuation;
  std::optional<int64_t> evacuated_people;
  std::optional<bool> hazardous_release;
  std::optional<bool> physical_damage;
  bool operator==(const SafetyFacts&) const = default;
};
struct DataFacts {
  std::optional<DataKind> kind;
  std::optional<int64_t> records;
  bool operator==(const DataFacts&) const = default;
};
struct ActivityFacts {
  std::optional<ActivityStage> stage;
  std::optional<ActivityLocation> location;
  bool operator==(const ActivityFacts&) const = default;
};
struct AttackFacts {
  std::optional<AttackStatus> status;
  std::optional<Actor> actor;
  bool operator==(const AttackFacts&) const = default;
};

struct ImpactFacts {
  ServiceFacts service;
  OutageFacts outage;
  AffectedFacts affected;
  SystemsFacts systems;
  SafetyFacts safety;
  DataFacts data;
  ActivityFacts activity;
  AttackFacts attack;
  std::optional<std::vector<std::string>> other_sectors;  // sector ids, sorted, unique
  bool operator==(const ImpactFacts&) const = default;
};

// Reads facts from JSON (the object documented above). Rejects unknown keys,
// wrong types, numbers out of range, unknown enum names, duplicates in lists
// and contradictions (expected < elapsed minutes, evacuated people without
// evacuation), each as kInvalidArgument with the field ("facts.outage.
// expected_minutes") in Error::field. Lists come back sorted.
Result<ImpactFacts> ParseFacts(const Json& facts, std::string_view path = "facts");

// Writes facts as JSON; absent facts are left out. Deterministic.
Json FactsToJson(const ImpactFacts& facts);

// ---------------------------------------------------------------------------
// The facts as rules see them. Each Fact has a name (the JSON path), a type
// and an integer value in which larger is worse (an enum's position, a bool
// as 0/1, a list as its size). The first kFactFieldCount are the input fields
// above; the rest are derived from them.
enum class Fact : uint8_t {
  kServiceState,
  kServiceLostPercent,
  kOutageElapsedMinutes,
  kOutageExpectedMinutes,
  kAffectedPeople,
  kAffectedPrefectures,  // how many prefectures
  kSystemsNormal,
  kSystemsBackup,
  kSystemsKinds,  // input only: rules use systems.it / systems.ot / systems.iot
  kSafetyInjuries,
  kSafetyDeaths,
  kSafetyEvacuation,
  kSafetyEvacuatedPeople,
  kSafetyHazardousRelease,
  kSafetyPhysicalDamage,
  kDataKind,
  kDataRecords,
  kActivityStage,
  kActivityLocation,
  kAttackStatus,
  kAttackActor,
  kOtherSectors,  // how many other sectors than the reporter's own
  // Derived:
  kOutageMinutes,  // the longer of elapsed and expected minutes
  kSystemsIt,      // systems.kinds holds it
  kSystemsOt,      // systems.kinds holds ot
  kSystemsIot,     // systems.kinds holds iot
};
inline constexpr size_t kFactFieldCount = 22;
inline constexpr size_t kFactCount = 26;

enum class FactType { kNumber, kBool, kEnum };

struct FactInfo {
  Fact fact;
  std::string_view name;  // "outage.minutes"
  FactType type;
  int64_t max;                              // largest value; an enum's last position
  std::span<const std::string_view> names;  // enum names by position; empty otherwise
  uint32_t sources;                         // bit per input field the value comes from
  bool usable_in_rules;
};

const FactInfo& InfoOf(Fact fact);
std::optional<Fact> FactByName(std::string_view name);
inline std::string_view FactName(Fact fact) { return InfoOf(fact).name; }
constexpr uint32_t FactBit(Fact fact) { return uint32_t{1} << static_cast<unsigned>(fact); }
inline constexpr uint32_t kFactFieldMask = (uint32_t{1} << kFactFieldCount) - 1;

// The input fields a fact's value comes from (FactInfo::sources).
constexpr uint32_t FactSources(Fact fact) {
  switch (fact) {
    case Fact::kOutageMinutes:
      return FactBit(Fact::kOutageElapsedMinutes) | FactBit(Fact::kOutageExpectedMinutes);
    case Fact::kSystemsIt:
    case Fact::kSystemsOt:
    case Fact::kSystemsIot:
      return FactBit(Fact::kSystemsKinds);
    default:
      return FactBit(fact);
  }
}

// A fact's value as JSON: a number, a bool or an enum name.
Json FactValueToJson(Fact fact, int64_t value);

// The rule view of a set of facts: one value per Fact, which are present, and
// which input fields are still open (missing, so the value could get worse
// once they are known). `own_sector` is left out of other_sectors' count.
struct FactVector {
  std::array<int64_t, kFactCount> value;
  uint32_t present = 0;  // bit per Fact
  uint32_t open = 0;     // bit per input field (Fact < kFactFieldCount) that is missing
  bool Has(Fact f) const { return present & FactBit(f); }
  // The missing input fields that, once known, could make `f` worse.
  // outage.minutes is settled once the expected total is known, whatever
  // elapsed says; every other fact is open while any of its sources is.
  uint32_t OpenSources(Fact f) const {
    if (f == Fact::kOutageMinutes && Has(Fact::kOutageExpectedMinutes)) return 0;
    return FactSources(f) & open;
  }
  int64_t operator[](Fact f) const { return value[static_cast<size_t>(f)]; }
};
FactVector ToFactVector(const ImpactFacts& facts, std::string_view own_sector);

}  // namespace infrashare
