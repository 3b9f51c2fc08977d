#include "domain/severity/report_assessment.h"

#include <limits>

namespace infrashare {

namespace {

Result<int> LevelFrom(ObjectReader& in, std::string_view key) {
  auto v = in.Int(key, std::numeric_limits<int>::min(), std::numeric_limits<int>::max());
  if (!v) return std::unexpected(v.error());
  return static_cast<int>(*v);
}

Result<AssessmentReview> ReviewFromJson(const Json& j, const std::string& path) {
  ObjectReader in(j, path);
  AssessmentReview r;
  INFRASHARE_ASSIGN_OR_RETURN(r.action, ReadEnum(in, "action", kReviewActionNames));
  INFRASHARE_ASSIGN_OR_RETURN(r.level, LevelFrom(in, "level"));
  INFRASHARE_ASSIGN_OR_RETURN(r.justification, in.String("justification"));
  INFRASHARE_ASSIGN_OR_RETURN(r.by_organization, in.String("by_organization"));
  INFRASHARE_ASSIGN_OR_RETURN(r.by_principal, in.String("by_principal"));
  std::string at;
  INFRASHARE_ASSIGN_OR_RETURN(at, in.String("at"));
  auto t = ParseRfc3339(at);
  if (!t) return InvalidArgument(in.PathOf("at"), "must be an RFC 3339 date-time");
  r.at = *t;
  if (auto f = in.Finish(); !f) return std::unexpected(f.error());
  return r;
}

Json ToJson(const AssessmentReview& r) {
  return Json{{"action", NameOf(kReviewActionNames, r.action)},
              {"level", r.level},
              {"justification", r.justification},
              {"by_organization", r.by_organization},
              {"by_principal", r.by_principal},
              {"at", FormatRfc3339(r.at)}};
}

}  // namespace

Json ToJson(const ReportAssessment& a) {
  Json j{{"automatic", a.automatic.rendered},
         {"level", a.level},
         {"response_plan", ResponsePlanToJson(a.response_plan)}};
  if (a.review) j["review"] = ToJson(*a.review);
  return j;
}

Result<ReportAssessment> ReportAssessmentFromJson(const Json& j, const std::string& path) {
  ObjectReader in(j, path);
  ReportAssessment a;
  const Json* automatic = in.Raw("automatic");
  if (automatic == nullptr) return InvalidArgument(in.PathOf("automatic"), "is required");
  ObjectReader automatic_in(*automatic, in.PathOf("automatic"));
  INFRASHARE_ASSIGN_OR_RETURN(a.automatic.level, LevelFrom(automatic_in, "level"));
  a.automatic.rendered = *automatic;
  if (const Json* review = in.Raw("review")) {
    INFRASHARE_ASSIGN_OR_RETURN(a.review, ReviewFromJson(*review, in.PathOf("review")));
  }
  INFRASHARE_ASSIGN_OR_RETURN(a.level, LevelFrom(in, "level"));
  const Json* plan = in.Raw("response_plan");
  if (plan == nullptr) return InvalidArgument(in.PathOf("response_plan"), "is required");
  INFRASHARE_ASSIGN_OR_RETURN(a.response_plan, ResponsePlanFromJson(*plan, in.PathOf("response_plan")));
  if (auto f = in.Finish(); !f) return std::unexpected(f.error());
  return a;
}

}  // namespace infrashare
