// Cryptographic primitives the system needs, each defined once: SHA-256
// (audit chain, token hashes), HMAC-SHA256 (webhook signatures), random
// identifiers and secrets (libsodium's CSPRNG), password hashes (argon2id).
//
// Thread behaviour: every function is thread-safe. InitCrypto() must run
// once before the first call (main and test mains do it).
#pragma once

#include <cstdint>
#include <optional>
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

// An argon2id hash of `password` in libsodium's encoded form (salt and
// limits inside), at libsodium's interactive limits (64 MiB, about 0.1 s on
// a server core): computed off the network threads. nullopt when the memory
// cannot be had.
std::optional<std::string> HashPassword(std::string_view password);
// Whether `password` matches an encoded hash from HashPassword (false for a
// malformed hash). As slow as hashing.
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

}  // namespace infrashare
