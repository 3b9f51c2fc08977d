// The rules a person's new password meets: at least kMinPasswordLength
// characters (Unicode code points, so a Japanese passphrase counts as it
// reads), at most kMaxPasswordBytes bytes, and not one of the 1,000 most
// common passwords (data/passwords/common.txt, compiled in) — ignoring case,
// alone, repeated ("qwertyqwerty") or padded with digits and symbols
// ("Password2024!"), which is how the common ones reach twelve characters.
//
// Thread behaviour: pure functions.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/error.h"
#include "common/json.h"

namespace infrashare {

inline constexpr size_t kMinPasswordLength = 12;
inline constexpr size_t kMaxPasswordBytes = 1024;
// What a password (or setup code) field of a request may hold at all; the
// rules above are checked on new passwords only.
inline constexpr StringLimits kPasswordFieldLimits{.min = 1, .max = kMaxPasswordBytes};

// kInvalidArgument naming `field` and the rule broken; never echoes the
// password.
Result<void> CheckNewPassword(std::string_view password, std::string_view field);

// Whether `password` is common in the sense above (for tests and the rule).
bool IsCommonPassword(std::string_view password);

}  // namespace infrashare
