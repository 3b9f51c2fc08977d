// Every limit on the inputs of the hotline (alerts raised by hand,
// acknowledgements, webhooks), with its reason; enforced by the alert and
// webhook services and published by api/schemas. Ids, names and notes:
// common/input_limits.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/json.h"

namespace infrashare {

inline constexpr StringLimits kAlertMessageLimits{.min = 0, .max = 20000};  // read aloud or paged: short
inline constexpr size_t kMaxAlertOrganizations = 10000;  // every organization of the plan, with room
inline constexpr size_t kMaxAlertSectors = 100;
inline constexpr size_t kMaxAlertCeptoars = 100;
inline constexpr int64_t kDefaultAckMinutes = 15;
inline constexpr int64_t kMaxAckMinutes = 7 * 24 * 60;  // a week: beyond it nobody is waiting
inline constexpr int kMaxAlertLevel = 5;
inline constexpr StringLimits kWebhookUrlLimits{.min = 1, .max = 2048};  // what browsers and proxies accept

}  // namespace infrashare
