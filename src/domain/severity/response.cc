#include "domain/severity/response.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace infrashare {
namespace {

// Resolves roles to organizations for one plan, noting what it cannot find.
class Resolver {
 public:
  explicit Resolver(const ResponseContext& ctx) : ctx_(ctx) {}

  void Add(RecipientRole role, ResponseAction& action) {
    switch (role) {
      case RecipientRole::kCoordinationCenter:
        if (const Organization* nisc = ctx_.registry.CoordinationCenter())
          Push(action, nisc->id, role, "");
        else
          Note("coordination_center: the registry has no coordination center (NISC)");
        return;
      case RecipientRole::kSectorMinistry:
        AddMinistry(ctx_.sector_id, role, action);
        return;
      case RecipientRole::kCeptoarSecretariats:
        AddSecretariats(ctx_.sector_id, role, action);
        return;
      case RecipientRole::kCrisisOffice: {
        const auto offices = ctx_.registry.OrganizationsOfKind(OrgKind::kCrisisOffice);
        if (offices.empty()) Note("crisis_office: the registry has no crisis management office");
        for (const Organization* o : offices) Push(action, o->id, role, "");
        return;
      }
      case RecipientRole::kDependentSectors: {
        std::set<std::string_view> sectors(ctx_.dependent_sectors.begin(), ctx_.dependent_sectors.end());
        sectors.erase(ctx_.sector_id);
        for (std::string_view s : sectors) {
          AddMinistry(s, role, action);
          AddSecretariats(s, role, action);
        }
        return;
      }
    }
  }

  std::vector<std::string> TakeUnresolved() { return std::move(unresolved_); }

 private:
  void AddMinistry(std::string_view sector_id, RecipientRole role, ResponseAction& action) {
    const Sector* sector = ctx_.registry.FindSector(sector_id);
    if (sector == nullptr) {
      Note(fmt::format("{}: sector \"{}\" is not in the registry", NameOf(kRecipientRoleNames, role),
                       sector_id));
      return;
    }
    if (sector->ministry.empty() || ctx_.registry.FindOrganization(sector->ministry) == nullptr) {
      Note(fmt::format("{}: sector \"{}\" has no ministry in the registry", NameOf(kRecipientRoleNames, role),
                       sector_id));
      return;
    }
    Push(action, sector->ministry, role, sector_id);
  }

  void AddSecretariats(std::string_view sector_id, RecipientRole role, ResponseAction& action) {
    if (ctx_.registry.FindSector(sector_id) == nullptr) {
      Note(fmt::format("{}: sector \"{}\" is not in the registry", NameOf(kRecipientRoleNames, role),
                       sector_id));
      return;
    }
    bool any = false;
    for (const Ceptoar& c : ctx_.registry.data().ceptoars) {
      if (c.sector != sector_id) continue;
      for (const auto& secretariat : c.secretariats) {
        Push(action, secretariat, role, sector_id);
        any = true;
      }
    }
    if (!any)
      Note(fmt::format("{}: sector \"{}\" has no CEPTOAR secretariat in the registry",
                       NameOf(kRecipientRoleNames, role), sector_id));
  }

  static void Push(ResponseAction& action, std::string_view org, RecipientRole role,
                   std::string_view sector) {
    if (std::ranges::any_of(action.notify, [&](const Recipient& r) { return r.organization == org; })) return;
    action.notify.push_back({std::string(org), role, std::string(sector)});
  }

  void Note(std::string sentence) {
    if (std::ranges::find(unresolved_, sentence) == unresolved_.end())
      unresolved_.push_back(std::move(sentence));
  }

  const ResponseContext& ctx_;
  std::vector<std::string> unresolved_;
};

}  // namespace

ResponsePlan PlanResponse(const Assessment& assessment, const Policy& policy,
                          const ResponseContext& context) {
  ResponsePlan plan;
  plan.policy_id = std::string(policy.id);
  plan.policy_version = std::string(policy.version);
  plan.level = assessment.level;
  Resolver resolver(context);
  for (const ResponseRule& rule : policy.responses) {
    if (std::ranges::find(rule.levels, assessment.level) == rule.levels.end()) continue;
    ResponseAction action;
    action.channel = rule.channel;
    action.deadline_minutes = rule.deadline_minutes;
    action.meaning = rule.meaning;
    action.meaning_ja = rule.meaning_ja;
    for (RecipientRole role : rule.notify) resolver.Add(role, action);
    for (const Recipient& r : action.notify)
      if (std::ranges::find(rule.acknowledge, r.role) != rule.acknowledge.end())
        action.acknowledge.push_back(r.organization);
    plan.actions.push_back(std::move(action));
  }
  plan.unresolved = resolver.TakeUnresolved();
  return plan;
}

Json ResponsePlanToJson(const ResponsePlan& plan) {
  Json actions = Json::array();
  for (const ResponseAction& a : plan.actions) {
    Json notify = Json::array();
    for (const Recipient& r : a.notify)
      notify.push_back({{"organization", r.organization},
                        {"role", std::string(NameOf(kRecipientRoleNames, r.role))},
                        {"sector", r.sector}});
    Json action = {{"channel", std::string(NameOf(kChannelNames, a.channel))},
                   {"deadline_minutes", a.deadline_minutes},
                   {"notify", std::move(notify)},
                   {"acknowledge", a.acknowledge},
                   {"meaning", a.meaning}};
    if (!a.meaning_ja.empty()) action["meaning_ja"] = a.meaning_ja;
    actions.push_back(std::move(action));
  }
  return {{"policy", {{"id", plan.policy_id}, {"version", plan.policy_version}}},
          {"level", plan.level},
          {"actions", std::move(actions)},
          {"unresolved", plan.unresolved}};
}

namespace {

constexpr size_t kMaxPlanItems = 100000;

// Calls `each(item, path)` for every item of the array `key` (required).
template <class Each>
Result<void> ForEachItem(ObjectReader& in, std::string_view key, const Each& each) {
  const Json* items = in.Raw(key);
  if (items == nullptr) return InvalidArgument(in.PathOf(key), "is required");
  if (!items->is_array()) return InvalidArgument(in.PathOf(key), "must be an array");
  for (size_t i = 0; i < items->size(); ++i)
    if (auto r = each((*items)[i], IndexPath(in.PathOf(key), i)); !r) return r;
  return {};
}

Result<Recipient> RecipientFromJson(const Json& j, const std::string& path) {
  ObjectReader in(j, path);
  Recipient r;
  r.organization = INFRASHARE_TRY(in.String("organization"));
  r.role = INFRASHARE_TRY(ReadEnum(in, "role", kRecipientRoleNames));
  r.sector = INFRASHARE_TRY(in.String("sector"));
  INFRASHARE_TRY(in.Finish());
  return r;
}

Result<ResponseAction> ActionFromJson(const Json& j, const std::string& path) {
  ObjectReader in(j, path);
  ResponseAction a;
  a.channel = INFRASHARE_TRY(ReadEnum(in, "channel", kChannelNames));
  a.deadline_minutes = INFRASHARE_TRY(in.Int("deadline_minutes", INT64_MIN, INT64_MAX));
  INFRASHARE_TRY(ForEachItem(in, "notify", [&](const Json& item, const std::string& at) -> Result<void> {
    auto r = INFRASHARE_TRY(RecipientFromJson(item, at));
    a.notify.push_back(std::move(r));
    return {};
  }));
  a.acknowledge = INFRASHARE_TRY(in.StringList("acknowledge", kMaxPlanItems, {}, true));
  a.meaning = INFRASHARE_TRY(in.String("meaning"));
  a.meaning_ja = INFRASHARE_TRY(in.OptionalString("meaning_ja")).value_or("");
  INFRASHARE_TRY(in.Finish());
  return a;
}

}  // namespace

Result<ResponsePlan> ResponsePlanFromJson(const Json& j, const std::string& path) {
  ObjectReader in(j, path);
  ResponsePlan plan;
  const Json* policy = in.Raw("policy");
  if (policy == nullptr) return InvalidArgument(in.PathOf("policy"), "is required");
  ObjectReader policy_in(*policy, in.PathOf("policy"));
  plan.policy_id = INFRASHARE_TRY(policy_in.String("id"));
  plan.policy_version = INFRASHARE_TRY(policy_in.String("version"));
  INFRASHARE_TRY(policy_in.Finish());
  int64_t level = 0;
  level = INFRASHARE_TRY(in.Int("level", INT32_MIN, INT32_MAX));
  plan.level = int(level);
  INFRASHARE_TRY(ForEachItem(in, "actions", [&](const Json& item, const std::string& at) -> Result<void> {
    auto a = INFRASHARE_TRY(ActionFromJson(item, at));
    plan.actions.push_back(std::move(a));
    return {};
  }));
  plan.unresolved = INFRASHARE_TRY(in.StringList("unresolved", kMaxPlanItems, {}, true));
  INFRASHARE_TRY(in.Finish());
  return plan;
}

}  // namespace infrashare
