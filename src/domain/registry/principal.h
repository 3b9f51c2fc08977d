// A principal: a user or API client acting for one organization, with roles.
// Roles grant actions, never visibility: what a principal may see is decided
// by its organization (domain/sharing).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
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

// The languages a person may choose for the browser UI.
inline constexpr std::array<std::string_view, 2> kLanguages{"ja", "en"};
inline bool IsLanguage(std::string_view s) { return s == kLanguages[0] || s == kLanguages[1]; }

struct Principal {
  std::string id;
  std::string organization;  // organization id
  std::string name;
  std::vector<Role> roles;
  Timestamp created_at;
  // A disabled principal signs in no more, and its tokens and sessions are
  // refused; an administrator may enable it again.
  std::optional<Timestamp> disabled_at;
  // The person's language (one of kLanguages); nullopt until chosen.
  std::optional<std::string> language;

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

// How a person signs in: a password (argon2id, common/crypto.h) and, until
// the person has chosen one, or after an administrator's reset, a one-time
// setup code (stored as its SHA-256) that is exchanged for a password.
struct Credential {
  std::string principal;
  std::optional<std::string> password_hash;      // nullopt: no password yet
  std::optional<std::string> setup_code_sha256;  // nullopt: no code outstanding
  std::optional<Timestamp> setup_code_expires_at;
  Timestamp changed_at;
};

// A signed-in browser. The cookie holds a random id that is stored only as
// its SHA-256; the CSRF token is sent back in a header with every change.
struct WebSession {
  std::string id_sha256;
  std::string principal;
  std::string csrf_token;
  Timestamp created_at;
  Timestamp last_seen_at;  // the idle timeout counts from here
  Timestamp expires_at;    // the absolute lifetime
  std::optional<Timestamp> revoked_at;
};

}  // namespace infrashare
