#include "service/assessment_service.h"

#include <fmt/format.h>

#include "common/input_limits.h"
#include "domain/severity/assess.h"
#include "domain/severity/facts.h"
#include "domain/severity/response.h"
#include "service/report_tx.h"

namespace infrashare {

namespace {

// Sectors named in the facts must exist (the facts parser checks only their form).
Result<void> CheckSectors(const ImpactFacts& facts, const Registry& registry) {
  if (!facts.other_sectors) return {};
  for (size_t i = 0; i < facts.other_sectors->size(); ++i)
    if (registry.FindSector((*facts.other_sectors)[i]) == nullptr)
      return InvalidArgument(IndexPath("facts.other_sectors", i),
                             fmt::format("unknown sector '{}'", (*facts.other_sectors)[i]));
  return {};
}

}  // namespace

std::string AssessmentSector(const Report& report, const Registry& registry) {
  if (!report.content.sectors.empty()) return report.content.sectors.front();
  if (const Organization* org = registry.FindOrganization(report.submitter_org); org && !org->sectors.empty())
    return org->sectors.front();
  return "";
}

AssessmentService::AssessmentService(Store* store, const Clock& clock, std::vector<Policy> policies,
                                     std::string active)
    : store_(store), clock_(clock), policies_(std::move(policies)) {
  for (size_t i = 0; i < policies_.size(); ++i)
    if (policies_[i].id == active) active_ = i;
}

Result<std::vector<Policy>> AssessmentService::LoadPolicies(
    const std::vector<std::pair<std::string, std::string>>& files, const Registry& registry) {
  std::vector<Policy> out;
  for (const auto& [name, text] : files) {
    auto policy = INFRASHARE_TRY(ParsePolicy(text, name));
    INFRASHARE_TRY(ValidatePolicySectors(policy, registry));
    for (const auto& p : out)
      if (p.id == policy.id)
        return InvalidArgument("policy", fmt::format("{}: policy id '{}' is used twice", name, policy.id));
    out.push_back(std::move(policy));
  }
  if (out.empty()) return InvalidArgument("policy", "no severity policy was loaded");
  return out;
}

const Policy& AssessmentService::active() const { return policies_[active_]; }

std::vector<const Policy*> AssessmentService::policies() const {
  std::vector<const Policy*> out;
  for (const auto& p : policies_) out.push_back(&p);
  return out;
}

const Policy* AssessmentService::Find(std::string_view id) const {
  for (const auto& p : policies_)
    if (p.id == id) return &p;
  return nullptr;
}

Result<std::optional<ReportAssessment>> AssessmentService::AssessReport(const Report& report,
                                                                       const Registry& registry) const {
  if (report.content.facts.empty()) return std::nullopt;
  auto facts = INFRASHARE_TRY(ParseFacts(report.content.facts));
  INFRASHARE_TRY(CheckSectors(facts, registry));
  const Policy& policy = active();
  const std::string sector = AssessmentSector(report, registry);
  Assessment a = Assess(facts, policy, sector);
  ReportAssessment out{.automatic = {.level = a.level, .rendered = AssessmentToJson(a)}, .level = a.level};
  // An analyst's review stays in force across revisions; the automatic
  // assessment beside it is always the latest.
  if (report.assessment && report.assessment->review) {
    out.review = report.assessment->review;
    a.level = std::clamp(out.review->level, policy.scale_min, policy.scale_max);
    out.level = a.level;
  }
  ResponseContext context{.sector_id = sector,
                          .registry = registry,
                          .dependent_sectors = facts.other_sectors.value_or(std::vector<std::string>{})};
  out.response_plan = PlanResponse(a, policy, context);
  return out;
}

Result<Json> AssessmentService::Preview(const Caller& caller, const Json& body) const {
  INFRASHARE_TRY(caller.RequireAuthenticated());
  ObjectReader in(body, "");
  const Json* facts_json = in.Raw("facts");
  if (facts_json == nullptr) return InvalidArgument("facts", "is required");
  auto sector = INFRASHARE_TRY(in.OptionalString("sector", kIdLimits));
  auto policy_id = INFRASHARE_TRY(in.OptionalString("policy", kIdLimits));
  INFRASHARE_TRY(in.Finish());
  const Policy* policy = policy_id.has_value() ? Find(*policy_id) : &active();
  if (policy == nullptr) {
    std::string names;
    for (const auto& p : policies_) names += (names.empty() ? "" : ", ") + std::string(p.id);
    return InvalidArgument("policy", "must be one of: " + names);
  }
  const Registry& registry = *caller.registry;
  std::string sector_id = sector.value_or("");
  if (sector_id.empty() && caller.organization && !caller.organization->sectors.empty())
    sector_id = caller.organization->sectors.front();
  if (!sector_id.empty() && registry.FindSector(sector_id) == nullptr)
    return InvalidArgument("sector", fmt::format("unknown sector '{}'", sector_id));
  auto facts = INFRASHARE_TRY(ParseFacts(*facts_json));
  INFRASHARE_TRY(CheckSectors(facts, registry));
  const Assessment a = Assess(facts, *policy, sector_id);
  ResponseContext context{.sector_id = sector_id,
                          .registry = registry,
                          .dependent_sectors = facts.other_sectors.value_or(std::vector<std::string>{})};
  return Json{{"assessment", AssessmentToJson(a)},
              {"response_plan", ResponsePlanToJson(PlanResponse(a, *policy, context))}};
}

Result<Report> AssessmentService::Review(const Caller& caller, const std::string& report_id, const Json& body) {
  INFRASHARE_TRY(caller.Require(Role::kAnalyst));
  const OrgKind kind = caller.organization->kind;
  if (kind != OrgKind::kCoordinationCenter && kind != OrgKind::kMinistry)
    return Forbidden("only analysts of NISC or a ministry confirm or override a severity assessment");
  ObjectReader in(body, "");
  auto action_text = INFRASHARE_TRY(in.String("action", kIdLimits));
  const auto action = ParseName(kReviewActionNames, action_text);
  if (!action) return InvalidArgument("action", "must be one of: confirm, override");
  std::optional<int64_t> level;
  if (*action == ReviewAction::kOverride) {
    auto l = INFRASHARE_TRY(in.Int("level", active().scale_min, active().scale_max));
    level = l;
  } else if (in.Has("level")) {
    return InvalidArgument("level", "only an override sets a level");
  }
  auto justification = INFRASHARE_TRY(in.String("justification", kJustificationLimits));
  INFRASHARE_TRY(in.Finish());

  if (store_ == nullptr) return Unavailable("reviews need the server's database");
  const Registry& registry = *caller.registry;
  return ChangeReport(*store_, caller, report_id, [&](Report& report, View) -> Result<ReportChange> {
    if (!report.assessment)
      return Conflict("this report has no impact facts to assess; add facts first", "facts");
    const int automatic = report.assessment->automatic.level;
    const int in_force = level ? int(*level) : automatic;
    const Timestamp now = clock_.Now();
    report.assessment->review = AssessmentReview{.action = *action,
                                                 .level = in_force,
                                                 .justification = justification,
                                                 .by_organization = caller.organization->id,
                                                 .by_principal = caller.principal->id,
                                                 .at = now};
    auto reassessed = INFRASHARE_TRY(AssessReport(report, registry));  // the plan for the level now in force
    report.assessment = std::move(reassessed);
    report.updated_at = now;
    const std::string action_name(NameOf(kReviewActionNames, *action));
    return ReportChange{.note = fmt::format("severity {}: level {}", action_name, in_force),
                        .action = "report.assessment." + action_name,
                        .event_type = "report.updated",
                        .audit_detail = {{"level", in_force}, {"automatic_level", automatic}}};
  });
}

}  // namespace infrashare
