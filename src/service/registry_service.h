// The registry as the running system sees it: an immutable snapshot loaded
// from the store, replaced after every administrative change, and the
// administrative use cases (organizations, principals, API tokens).
//
// Changes made by another process on the same database (the command line
// beside a serving process) are noticed through the stored registry version,
// checked at every poll of the serving process's CredentialWatch (Refresh),
// and otherwise at most every kVersionCheckInterval.
//
// Thread behaviour: thread-safe. Snapshot() is cheap (a shared_ptr copy
// under a mutex); writers go through the store's serialized writer.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "common/time.h"
#include "service/caller.h"
#include "store/store.h"

namespace infrashare {

struct IssuedToken {
  ApiToken token;
  std::string secret_token;  // "tok_….<secret>": shown once, never stored
};

// A sector ministry with the sectors under it: the public registry's view.
struct Ministry {
  std::string id;
  std::string name_ja;
  std::string name_en;
  std::vector<std::string> sectors;  // ids, in registry order
};

// A search of the organizations: each member as the query string gave it.
struct OrganizationQuery {
  std::optional<std::string> kind, sector, q, limit;
};

struct OrganizationPage {
  std::vector<const Organization*> items;
  size_t total = 0;  // how many match, of which items are the first
};

inline constexpr int kMaxOrganizationPage = 10000;

class RegistryService {
 public:
  static constexpr std::chrono::seconds kVersionCheckInterval{2};

  RegistryService(Store& store, const Clock& clock);

  // Loads the snapshot from the store. REQUIRES: called before Snapshot().
  Result<void> Load();
  std::shared_ptr<const Registry> Snapshot();
  // Snapshot() when it needs no store read; nullptr when the version check is
  // due (then call Snapshot() where blocking is allowed). Never blocks.
  std::shared_ptr<const Registry> CachedSnapshot();
  // The version check now, whether due or not: reloads when another process
  // (the command line, a server beside this one) changed the registry. The
  // serving process's CredentialWatch calls it at every poll, so that such a
  // change shows at once rather than after kVersionCheckInterval.
  Result<void> Refresh();

  // The ministries of the current snapshot, each with its sectors, in
  // registry order. Public: needs no caller.
  std::vector<Ministry> Ministries();

  // The organizations of the caller's registry snapshot, in registry order,
  // of `kind` (a name of kOrgKindNames), in `sector` and matching `q`
  // (Registry::SearchOrganizations) when given; the first `limit` of them
  // (1 to kMaxOrganizationPage; all when absent) and how many match.
  // REQUIRES: the caller outlives the pointers (they point into its snapshot).
  Result<OrganizationPage> ListOrganizations(const Caller& caller, const OrganizationQuery& query) const;

  // Stores the plan's registry (init). Validates it first.
  Result<void> Import(const RegistryData& data);

  // Administrative use cases; each needs the admin role and is audited.
  Result<Organization> AddOrganization(const Caller& caller, const Json& body);
  Result<Principal> AddPrincipal(const Caller& caller, const Json& body);
  // Organizations: the platform's administrators (NISC). Principals and
  // tokens: the organization's administrators, or the platform's. Listing
  // without `org`: every principal for the platform, one's own otherwise.
  Result<std::vector<Principal>> ListPrincipals(const Caller& caller, std::optional<std::string> org);
  // {"disabled"?: bool, "roles"?: [names]}: the principal's organization's
  // admins or the platform's. Disabling ends the principal's sessions and
  // refuses its tokens (kept, for when it is enabled again); an admin can
  // neither disable itself nor take its own admin role.
  Result<Principal> UpdatePrincipal(const Caller& caller, const std::string& principal_id, const Json& body);
  Result<IssuedToken> IssueToken(const Caller& caller, const std::string& principal_id, const Json& body);
  Result<void> RevokeToken(const Caller& caller, const std::string& token_id);

  // Called after a token is revoked (the auth cache forgets it).
  // REQUIRES: set once, before serving.
  void OnTokenRevoked(std::function<void(const std::string& token_id)> fn) { on_token_revoked_ = std::move(fn); }
  // Called after a principal was disabled or its roles changed (the auth
  // cache forgets its tokens). REQUIRES: set once, before serving.
  void OnPrincipalChanged(std::function<void(const std::string& principal_id)> fn) {
    on_principal_changed_ = std::move(fn);
  }

 private:
  Result<void> Reload();
  Result<void> BumpVersion(WriteTx& tx);

  Store& store_;
  const Clock& clock_;
  std::function<void(const std::string&)> on_token_revoked_;
  std::function<void(const std::string&)> on_principal_changed_;

  // State below is protected by mutex_.
  std::mutex mutex_;
  std::shared_ptr<const Registry> snapshot_;
  std::string version_;
  std::chrono::steady_clock::time_point checked_at_;
};

}  // namespace infrashare
