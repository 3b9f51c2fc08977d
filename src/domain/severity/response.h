// Level -> response: turns an assessment into a response plan — which
// organizations must be told, by which channel, within how many minutes, and
// which of them must acknowledge — from the policy's [[responses]] table and
// the registry. The hotline executes plans; this only computes them.
//
// Roles resolve as follows (policy.h RecipientRole):
//   coordination_center   Registry::CoordinationCenter() (NISC)
//   sector_ministry       Sector::ministry of the reporter's sector
//   ceptoar_secretariats  the secretariats of every CEPTOAR of that sector
//   crisis_office         every organization of kind crisis_office
//   dependent_sectors     for each other sector expected to be affected: its
//                         ministry and its CEPTOARs' secretariats
// An organization is listed once per action (under its first role). A role
// that resolves to nobody (a sector or organization missing from the
// registry) is reported in ResponsePlan::unresolved, never dropped silently.
//
// Thread behaviour: pure functions; safe from any thread while the Registry
// is not modified.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "domain/registry/registry.h"
#include "domain/severity/assess.h"
#include "domain/severity/policy.h"

namespace infrashare {

struct ResponseContext {
  std::string_view sector_id;  // the reporter's sector
  const Registry& registry;
  std::vector<std::string> dependent_sectors;  // usually facts.other_sectors; the own sector is skipped
};

struct Recipient {
  std::string organization;  // organization id
  RecipientRole role;        // why it is told
  std::string sector;        // the sector it is told for (own or dependent); empty for NISC and crisis office
};

struct ResponseAction {
  Channel channel = Channel::kInbox;
  int64_t deadline_minutes = 0;
  std::vector<Recipient> notify;  // in the policy's role order, each organization once
  std::vector<std::string>
      acknowledge;  // organization ids that must acknowledge by the deadline (in notify order)
  std::string meaning;
  std::string meaning_ja;  // may be empty
};

struct ResponsePlan {
  std::string policy_id, policy_version;
  int level = 0;
  std::vector<ResponseAction> actions;  // the policy's responses for this level, in file order
  std::vector<std::string> unresolved;  // sentences: roles the registry could not resolve
};

// REQUIRES: `assessment` came from `policy`.
ResponsePlan PlanResponse(const Assessment& assessment, const Policy& policy, const ResponseContext& context);

// {"policy": {"id", "version"}, "level", "actions": [{"channel",
//  "deadline_minutes", "notify": [{"organization", "role", "sector"}],
//  "acknowledge": [...], "meaning", "meaning_ja" (when the policy has it)}],
//  "unresolved": [...]}. Deterministic.
Json ResponsePlanToJson(const ResponsePlan& plan);
// Reads what ResponsePlanToJson wrote; kInvalidArgument naming the field
// (below `path`) otherwise.
Result<ResponsePlan> ResponsePlanFromJson(const Json& json, const std::string& path);

}  // namespace infrashare
