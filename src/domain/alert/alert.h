// The hotline's records: an Alert demands acknowledgement by a deadline from
// its recipient organizations; an AlertRecipient is one organization's copy
// with its delivery state per channel, its acknowledgement and its place in
// the escalation chain.
//
// Delivery states (DESIGN.md "Alert"): queued -> delivered -> acknowledged;
// a recipient that has not acknowledged by its deadline is escalated (its
// backup contacts are alerted, then the next organization of its chain); a
// channel that gave up is failed. Each state carries its time.
//
// Thread behaviour: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/enum_names.h"
#include "common/time.h"
#include "domain/space/space.h"

namespace infrashare {

enum class AlertKind {
  kResponse,        // raised from a report's response plan (severity)
  kEarlyWarning,    // 早期警戒情報, raised by hand
  kRecoveryMethod,  // 復旧手法情報, raised by hand
  kNotice,          // any other hotline message raised by hand
};

inline constexpr std::array kAlertKindNames{
    EnumName<AlertKind>{AlertKind::kResponse, "response"},
    EnumName<AlertKind>{AlertKind::kEarlyWarning, "early_warning"},
    EnumName<AlertKind>{AlertKind::kRecoveryMethod, "recovery_method"},
    EnumName<AlertKind>{AlertKind::kNotice, "notice"},
};

enum class DeliveryState { kQueued, kDelivered, kAcknowledged, kEscalated, kFailed };

inline constexpr std::array kDeliveryStateNames{
    EnumName<DeliveryState>{DeliveryState::kQueued, "queued"},
    EnumName<DeliveryState>{DeliveryState::kDelivered, "delivered"},
    EnumName<DeliveryState>{DeliveryState::kAcknowledged, "acknowledged"},
    EnumName<DeliveryState>{DeliveryState::kEscalated, "escalated"},
    EnumName<DeliveryState>{DeliveryState::kFailed, "failed"},
};

// Why an organization is on an alert.
enum class RecipientReason {
  kRecipient,           // named by the alert
  kSectorMinistry,      // escalated: a recipient of its sector did not acknowledge
  kCoordinationCenter,  // escalated: NISC's duty officer
};

inline constexpr std::array kRecipientReasonNames{
    EnumName<RecipientReason>{RecipientReason::kRecipient, "recipient"},
    EnumName<RecipientReason>{RecipientReason::kSectorMinistry, "sector_ministry"},
    EnumName<RecipientReason>{RecipientReason::kCoordinationCenter, "coordination_center"},
};

// One channel's delivery of an alert to one recipient: "inbox", "stream",
// or "webhook:<webhook id>".
struct ChannelDelivery {
  std::string channel;
  DeliveryState state = DeliveryState::kQueued;
  Timestamp at;        // when it entered `state`
  int attempts = 0;    // webhooks: POSTs made
  std::string detail;  // the last failure, e.g. "HTTP 500" or "timeout after 10 s"
  bool operator==(const ChannelDelivery&) const = default;
};

struct AlertRecipient {
  std::string organization;
  RecipientReason reason = RecipientReason::kRecipient;
  std::string escalated_from;  // the organization whose silence added this one; "" when named
  int step = 0;                // 0: its primary contacts; 1: also its backup contacts
  std::vector<std::string> contacts;  // the hotline contacts (names) alerted at this step
  bool must_acknowledge = true;
  // The acknowledgement deadline of the current step; nullopt once nothing is
  // due (acknowledged, escalated onward, or no acknowledgement required).
  std::optional<Timestamp> deadline;
  DeliveryState state = DeliveryState::kQueued;
  Timestamp queued_at;
  std::optional<Timestamp> delivered_at, acknowledged_at, escalated_at, failed_at;
  std::string acknowledged_by;  // principal id
  std::vector<ChannelDelivery> channels;
  bool operator==(const AlertRecipient&) const = default;
};

struct Alert {
  std::string id;  // "alt_…"
  int64_t seq = 0;  // store-assigned order of creation; the list cursor
  Space space;
  AlertKind kind = AlertKind::kNotice;
  std::string report_id;  // the report it is about; may be empty for a hand-raised alert
  int level = -1;         // severity level that raised it; -1 when none
  std::string title;
  std::string message;
  std::string raised_by_org;        // "" when raised by the system from a response plan
  std::string raised_by_principal;  // "" when raised by the system
  int64_t ack_minutes = 15;         // each step's acknowledgement window
  Timestamp created_at;
  std::vector<AlertRecipient> recipients;  // every organization on it, named first, then escalations
  bool operator==(const Alert&) const = default;
};

}  // namespace infrashare
