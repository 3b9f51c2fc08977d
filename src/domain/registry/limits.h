// Every limit on the registry's inputs (organizations, principals, tokens),
// with its reason; enforced by service/registry_service and published by
// api/schemas. Ids and names: common/input_limits.h.
#pragma once

#include <cstddef>

#include "common/json.h"

namespace infrashare {

inline constexpr size_t kMaxOrganizationLinks = 100;  // sectors, CEPTOARs or groups of one organization
inline constexpr size_t kMaxContacts = 20;            // hotline contacts of one organization
inline constexpr StringLimits kEmailLimits{.min = 0, .max = 254};  // RFC 5321's longest path
inline constexpr StringLimits kPhoneLimits{.min = 0, .max = 40};   // E.164 with extension and separators
inline constexpr size_t kMaxAliases = 20;                          // other names of one organization
inline constexpr size_t kMaxDomains = 20;                          // internet domains of one organization
inline constexpr StringLimits kDomainLimits{.min = 1, .max = 253};  // RFC 1035's longest name
inline constexpr size_t kMaxRoles = 10;                            // roles of one principal
inline constexpr StringLimits kTokenLabelLimits{.min = 0, .max = 200};

}  // namespace infrashare
