#include "service/auth_service.h"

#include "common/crypto.h"

namespace infrashare {

namespace {

constexpr size_t kMaxCacheEntries = 100000;

std::unexpected<Error> BadToken() {
  return MakeError(ErrorCode::kUnauthenticated, "the bearer token is not valid (malformed, unknown or revoked)");
}

// The token and its principal, or nullopt for a token unknown or revoked,
// or of a disabled principal.
using Standing = std::optional<std::pair<ApiToken, Principal>>;
Result<Standing> StandingToken(ReadTx& tx, const std::string& id) {
  auto t = INFRASHARE_TRY(tx.GetToken(id));
  if (!t || t->revoked_at) return std::nullopt;
  auto p = INFRASHARE_TRY(tx.GetPrincipal(t->principal));
  if (!p || p->disabled_at) return std::nullopt;
  return std::pair{std::move(*t), std::move(*p)};
}

}  // namespace

Result<bool> AuthService::Stands(ReadTx& tx, const std::string& token_id) {
  return INFRASHARE_TRY(StandingToken(tx, token_id)).has_value();
}

void AuthService::ForgetAll() {
  std::lock_guard lock(mutex_);
  cache_.clear();
}

AuthService::AuthService(Store& store, RegistryService& registry) : store_(store), registry_(registry) {
  registry_.OnTokenRevoked([this](const std::string& id) { Forget(id); });
  registry_.OnPrincipalChanged([this](const std::string& id) { ForgetPrincipal(id); });
}

void AuthService::ForgetPrincipal(const std::string& principal_id) {
  std::lock_guard lock(mutex_);
  std::erase_if(cache_, [&](const auto& entry) { return entry.second.principal.id == principal_id; });
}

void AuthService::Forget(const std::string& token_id) {
  std::lock_guard lock(mutex_);
  cache_.erase(token_id);
}

Result<Caller> AuthService::Authenticate(std::string_view header) {
  return *Authenticate(header, registry_.Snapshot(), Lookup::kCacheOrStore);
}

std::optional<Result<Caller>> AuthService::AuthenticateCached(std::string_view header) {
  std::shared_ptr<const Registry> registry = registry_.CachedSnapshot();
  if (!registry) return std::nullopt;
  return Authenticate(header, std::move(registry), Lookup::kCacheOnly);
}

std::optional<Result<Caller>> AuthService::Authenticate(std::string_view header,
                                                        std::shared_ptr<const Registry> registry, Lookup lookup) {
  Caller caller;
  caller.registry = std::move(registry);
  if (header.empty()) return caller;
  constexpr std::string_view kBearer = "Bearer ";
  if (header.size() <= kBearer.size() || header.substr(0, kBearer.size()) != kBearer) return BadToken();
  const std::string_view token = header.substr(kBearer.size());
  const size_t dot = token.find('.');
  if (dot == std::string_view::npos || dot == 0 || token.size() > 200) return BadToken();
  const std::string id(token.substr(0, dot));
  const std::string secret_hash = Sha256Hex(token.substr(dot + 1));

  std::optional<Principal> principal;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(id); it != cache_.end() && it->second.expires > now) {
      if (!ConstantTimeEquals(it->second.secret_sha256, secret_hash)) return BadToken();
      principal = it->second.principal;
    }
  }
  if (!principal) {
    if (lookup == Lookup::kCacheOnly) return std::nullopt;
    auto found = store_.Read([&](ReadTx& tx) { return StandingToken(tx, id); });
    if (!found) return std::unexpected(found.error());
    if (!*found || !ConstantTimeEquals((*found)->first.secret_sha256, secret_hash)) return BadToken();
    const ApiToken* stored = &(*found)->first;
    principal = (*found)->second;
    std::lock_guard lock(mutex_);
    if (cache_.size() >= kMaxCacheEntries) cache_.clear();
    cache_[id] = Cached{*principal, stored->secret_sha256, now + kCacheTtl};
  }
  caller.organization = caller.registry->FindOrganization(principal->organization);
  if (caller.organization == nullptr) return BadToken();
  caller.principal = std::move(principal);
  caller.credential = CredentialRef{.kind = CredentialRef::Kind::kToken, .id = id};
  return caller;
}

}  // namespace infrashare
