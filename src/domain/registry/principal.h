// A principal: a user or API client acting for one organization, with roles.
// Roles grant actions, never visibility: what a principal may see is decided
// by its organization (domain/sharing).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "common/enum_names.h"
#include "common/time.h"

namespace infrashare {

enum class Role { kReporter, kAnalyst, kRelay, kDutyOfficer, kAdmin };

inline constexpr std::array kRoleNames{
    EnumName<Role>{Role::kReporter, "reporter"},         EnumName<Role>{Role::kAnalyst, "analyst"},
    EnumName<Role>{Role::kRelay, "relay"},               EnumName<Role>{Role::kDutyOfficer, "duty_officer"},
    EnumName<Role>{Role::kAdmin, "admin"},
};

struct Principal {
  std::string id;
  std::string organization;  // organization id
  std::string name;
  std::vector<Role> roles;
  Timestamp created_at;

  bool HasRole(Role r) const {
    for (Role x : roles)
      if (x == r) return true;
    return false;
  }
};

// An API token. The secret is shown once at issue and stored only as its
// SHA-256; the token string is "<id>.<secret>" (the id is "tok_…").
struct ApiToken {
  std::string id;
  std::string principal;
  std::string secret_sha256;
  std::string label;
  Timestamp created_at;
  std::optional<Timestamp> revoked_at;
};

}  // namespace infrashare
