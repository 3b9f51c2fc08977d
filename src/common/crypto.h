// Cryptographic primitives the system needs, each defined once: SHA-256
// (audit chain, token hashes), HMAC-SHA256 (webhook signatures), random
// identifiers and secrets (libsodium's CSPRNG).
//
// Thread behaviour: every function is thread-safe. InitCrypto() must run
// once before the first call (main and test mains do it).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace infrashare {

void InitCrypto();

// Lower-case hex SHA-256 of the bytes.
std::string Sha256Hex(std::string_view bytes);
// Lower-case hex HMAC-SHA256.
std::string HmacSha256Hex(std::string_view key, std::string_view message);
// `bytes` random bytes, lower-case hex (2*bytes characters).
std::string RandomHex(size_t bytes);
// A uniformly random 64-bit number (for jitter; not for secrets).
uint64_t RandomU64();
// A new identifier: prefix, '_', the creation time in microseconds (14 hex
// digits, so ids sort by creation) and 12 random hex digits
// ("rpt_0644a1b2c3d4e5f1a2b3c4d5e6"). Not a secret: never use it as one.
std::string NewId(std::string_view prefix);
// Constant-time comparison of two strings of possibly different length.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace infrashare
