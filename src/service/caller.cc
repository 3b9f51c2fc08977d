#include "service/caller.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

namespace infrashare {

Result<void> Caller::RequireAuthenticated() const {
  if (!principal) return MakeError(ErrorCode::kUnauthenticated, "a bearer token is required");
  return {};
}

Result<void> Caller::Require(Role role) const { return RequireAny(std::span<const Role>(&role, 1)); }

Result<void> Caller::RequireAny(std::span<const Role> roles) const {
  INFRASHARE_TRY(RequireAuthenticated());
  std::vector<std::string> names;
  for (Role role : roles) {
    if (principal->HasRole(role)) return {};
    names.push_back(fmt::format("'{}'", NameOf(kRoleNames, role)));
  }
  return Forbidden(fmt::format("this action needs the {} role", fmt::join(names, " or ")));
}

Result<void> Caller::RequirePlatformAdmin() const {
  if (auto r = Require(Role::kAdmin); !r) return r;
  if (organization == nullptr || organization->kind != OrgKind::kCoordinationCenter)
    return Forbidden("only the platform's administrators (NISC) may do this");
  return {};
}

Result<void> Caller::RequireAdminOf(std::string_view org) const {
  if (auto r = Require(Role::kAdmin); !r) return r;
  if (organization != nullptr && (organization->id == org || organization->kind == OrgKind::kCoordinationCenter))
    return {};
  return Forbidden("an administrator may administer only its own organization");
}

Result<void> Caller::RequireAdminOfRecord(std::string_view org, const std::unexpected<Error>& missing) const {
  INFRASHARE_TRY(Require(Role::kAdmin));
  if (RequireAdminOf(org)) return {};
  return missing;
}

Caller SystemCaller(std::shared_ptr<const Registry> registry) {
  Caller c;
  Principal p;
  p.id = "system";
  p.name = "command line";
  p.roles = {Role::kAdmin, Role::kAnalyst, Role::kDutyOfficer};
  const Organization* nisc = registry->CoordinationCenter();
  p.organization = nisc ? nisc->id : "";
  c.organization = nisc;
  c.principal = std::move(p);
  c.registry = std::move(registry);
  return c;
}

}  // namespace infrashare
