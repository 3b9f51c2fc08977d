// The limits every kind of input shares, each declared once: the readers
// that enforce them (services, domain) and the schemas that publish them
// (api/schemas.cc) use these names, so the OpenAPI document cannot drift
// from what the server accepts. A concept's own limits live beside it
// (domain/report/limits.h, domain/registry/limits.h, domain/alert/limits.h).
#pragma once

#include "common/json.h"

namespace infrashare {

// An id of anything: organization, sector, CEPTOAR, group, principal,
// report, alert, policy.
inline constexpr StringLimits kIdLimits{.min = 1, .max = 64};
// A name of an organization, a principal or a contact; a title.
inline constexpr StringLimits kNameLimits{.min = 1, .max = 300};
// A note to a revision, a relay or an acknowledgement.
inline constexpr StringLimits kNoteLimits{.min = 0, .max = 2000};
// Why an analyst confirmed or overrode a severity level.
inline constexpr StringLimits kJustificationLimits{.min = 1, .max = 2000};

}  // namespace infrashare
