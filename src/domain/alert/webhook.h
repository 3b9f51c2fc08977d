// An organization's webhook endpoint and the durable log of what was POSTed
// to it. Every event of the outbox that the organization may see becomes one
// WebhookDelivery per active endpoint; a delivery is retried until the
// receiver answers 2xx (then never sent again) or the retry policy gives up.
//
// Thread behaviour: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "common/enum_names.h"
#include "common/time.h"
#include "domain/space/space.h"

namespace infrashare {

struct Webhook {
  std::string id;  // "whk_…"
  std::string organization;
  Space space;
  std::string url;     // http:// or https://
  std::string secret;  // HMAC-SHA256 key, shown once when registered
  bool active = true;
  std::string created_by;  // principal id
  Timestamp created_at;
  std::optional<Timestamp> disabled_at;
  bool operator==(const Webhook&) const = default;
};

enum class WebhookDeliveryState { kPending, kDelivered, kFailed };

inline constexpr std::array kWebhookDeliveryStateNames{
    EnumName<WebhookDeliveryState>{WebhookDeliveryState::kPending, "pending"},
    EnumName<WebhookDeliveryState>{WebhookDeliveryState::kDelivered, "delivered"},
    EnumName<WebhookDeliveryState>{WebhookDeliveryState::kFailed, "failed"},
};

struct WebhookDelivery {
  int64_t id = 0;  // store-assigned; also the receiver's idempotency key
  std::string webhook_id;
  int64_t event_seq = 0;  // the outbox event delivered
  std::string event_type;
  std::string body;       // the signed JSON, the same on every attempt
  WebhookDeliveryState state = WebhookDeliveryState::kPending;
  int attempts = 0;
  Timestamp created_at;
  Timestamp next_attempt_at;
  std::optional<Timestamp> last_attempt_at, delivered_at;
  int last_status = 0;     // HTTP status of the last attempt; 0 when none came
  std::string last_error;  // "" after a 2xx
  bool operator==(const WebhookDelivery&) const = default;
};

}  // namespace infrashare
