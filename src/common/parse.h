// Parsing numbers from text that comes from outside (query strings, command
// lines), with errors that name the field.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"

namespace infrashare {

// A whole decimal integer within [min, max]; anything else is
// kInvalidArgument "must be an integer from MIN to MAX".
Result<int64_t> ParseInteger(std::string_view text, const std::string& field, int64_t min, int64_t max);

}  // namespace infrashare
