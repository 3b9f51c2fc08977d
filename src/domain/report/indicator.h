// Indicator (observable) types the platform accepts, named as STIX 2.1
// cyber-observable types and hash paths, and a check of each value's form.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace infrashare {

// Checks that `type` is known and `value` has its form (an IPv4 address for
// ipv4-addr, 64 hex digits for file:hashes.SHA-256, ...). `path` names the
// indicator in errors ("indicators[3]").
Result<void> ValidateIndicator(std::string_view type, std::string_view value, const std::string& path);

}  // namespace infrashare
