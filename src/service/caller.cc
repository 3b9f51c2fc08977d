#include "service/caller.h"

#include <fmt/format.h>

namespace infrashare {

Result<void> Caller::RequireAuthenticated() const {
  if (!principal) return MakeError(ErrorCode::kUnauthenticated, "a bearer token is required");
  return {};
}

Result<void> Caller::Require(Role role) const {
  if (auto r = RequireAuthenticated(); !r) return r;
  if (!principal->HasRole(role))
    return Forbidden(fmt::format("this action needs the '{}' role", NameOf(kRoleNames, role)));
  return {};
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
