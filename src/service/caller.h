// Who is calling: an authenticated principal acting for its organization, or
// an unauthenticated caller (public feeds only), with the registry snapshot
// the request is judged against and the space it acts in.
//
// Thread behaviour: a Caller is a value owned by one request; the registry
// snapshot it holds is immutable and shared.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "common/error.h"
#include "domain/registry/principal.h"
#include "domain/registry/registry.h"
#include "domain/space/space.h"

namespace infrashare {

// What an authenticated caller proved who it is with: an API token (its id)
// or a browser session (the SHA-256 of its id). What it opens (an event
// stream) ends when that ends (service/credential_watch.h).
struct CredentialRef {
  enum class Kind { kToken, kSession };
  Kind kind = Kind::kToken;
  std::string id;
  bool operator==(const CredentialRef&) const = default;
};

struct Caller {
  std::optional<Principal> principal;         // nullopt: unauthenticated
  std::optional<CredentialRef> credential;    // nullopt: unauthenticated, or the command line
  std::shared_ptr<const Registry> registry;   // never null
  const Organization* organization = nullptr; // in `registry`; nullptr when unauthenticated
  Space space;  // the space every read and write of this caller is in (live by default)

  bool authenticated() const { return principal.has_value(); }

  // Succeeds when the caller is authenticated and holds `role`.
  Result<void> Require(Role role) const;
  // Succeeds when the caller is authenticated and holds one of `roles`
  // (kForbidden "this action needs the 'a' or 'b' role" otherwise).
  Result<void> RequireAny(std::span<const Role> roles) const;
  // Succeeds when the caller is authenticated.
  Result<void> RequireAuthenticated() const;
  // The platform's administration (the registry itself: organizations,
  // and any organization's principals and tokens): the admin role of NISC.
  Result<void> RequirePlatformAdmin() const;
  // An organization's own administration (its principals, tokens and
  // webhooks): its admins, or the platform's.
  Result<void> RequireAdminOf(std::string_view organization) const;
  // The same for a record of `organization` found by its id (a principal, a
  // token): to an administrator of another organization it answers
  // `missing`, as for an id that does not exist, so that no answer tells
  // which ids exist elsewhere.
  Result<void> RequireAdminOfRecord(std::string_view organization,
                                    const std::unexpected<Error>& missing) const;
};

// The command line acts as the platform itself (whoever can run it can read
// the database files): an administrator of NISC named "system".
Caller SystemCaller(std::shared_ptr<const Registry> registry);

}  // namespace infrashare
