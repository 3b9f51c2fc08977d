// Authentication: turns an "Authorization: Bearer tok_….<secret>" header into
// a Caller. Tokens are stored only as SHA-256 of their secret; a verified
// token is cached for kCacheTtl so that the ingest path does not read the
// database on every request. A revocation in this process takes effect at
// once; one made by another process (a server beside it, the command line)
// when the serving process's CredentialWatch sees it (ForgetAll, within its
// poll), and at the latest after kCacheTtl.
//
// AuthenticateCached is the same answer for a caller that must not block (a
// handler on the server's network thread): it uses only the cache and the
// registry snapshot in memory, and declines when it would need the store.
//
// Thread behaviour: thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/error.h"
#include "common/time.h"
#include "service/caller.h"
#include "service/registry_service.h"
#include "store/store.h"

namespace infrashare {

class AuthService {
 public:
  static constexpr std::chrono::seconds kCacheTtl{2};

  // Registers itself with `registry` to hear of revocations.
  AuthService(Store& store, RegistryService& registry);

  // An empty header gives an unauthenticated Caller; a malformed, unknown or
  // revoked token, or one of a disabled principal, is kUnauthenticated with the same message for each, so a
  // caller cannot probe which tokens exist.
  Result<Caller> Authenticate(std::string_view authorization_header);

  // Authenticate's answer when it needs no store read: no header, a malformed
  // header, or a token in the cache (right or wrong secret). nullopt when the
  // token is not cached (or its entry expired) or the registry's version
  // check is due: call Authenticate where blocking is allowed. Never blocks
  // (the mutex is held only for a lookup).
  std::optional<Result<Caller>> AuthenticateCached(std::string_view authorization_header);

  void Forget(const std::string& token_id);
  // Forgets every cached token of the principal.
  void ForgetPrincipal(const std::string& principal_id);
  // Forgets every cached token (another process revoked something).
  void ForgetAll();

  // Whether the token `token_id` still stands: known, not revoked, of an
  // enabled principal. The rule Authenticate applies.
  static Result<bool> Stands(ReadTx& tx, const std::string& token_id);

 private:
  enum class Lookup { kCacheOrStore, kCacheOnly };

  // Both of the above; nullopt only with kCacheOnly, when the store is needed.
  std::optional<Result<Caller>> Authenticate(std::string_view authorization_header,
                                             std::shared_ptr<const Registry> registry, Lookup lookup);

  struct Cached {
    Principal principal;
    std::string secret_sha256;
    std::chrono::steady_clock::time_point expires;
  };

  Store& store_;
  RegistryService& registry_;

  // State below is protected by mutex_.
  std::mutex mutex_;
  std::unordered_map<std::string, Cached> cache_;
};

}  // namespace infrashare
