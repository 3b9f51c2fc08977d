#include "domain/severity/report_assessment.h"

#include <limits>

namespace infrashare {

namespace {

Result<int> LevelFrom(ObjectReader& in, std::string_view key) {
  auto v = INFRASHARE_TRY(in.Int(key, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
  return static_cast<int>(v);
}

Result<AssessmentReview> ReviewFromJson(const Json& j, const std::string& path) {
  ObjectReader in(j, path);
  AssessmentReview r;
  r.action = INFRASHARE_TRY(ReadEnum(in, "action", kReviewActionNames));
  r.level = INFRASHARE_TRY(LevelFrom(in, "level"));
  r.justification = INFRASHARE_TRY(in.String("justification"));
  r.by_organization = INFRASHARE_TRY(in.String("by_organization"));
  r.by_principal = INFRASHARE_TRY(in.String("by_principal"));
  std::string at;
  at = INFRASHARE_TRY(in.String("at"));
  auto t = ParseRfc3339(at);
  if (!t) return InvalidArgument(in.PathOf("at"), "must be an RFC 3339 date-time");
  r.at = *t;
  INFRASHARE_TRY(in.Finish());
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
  a.automatic.level = INFRASHARE_TRY(LevelFrom(automatic_in, "level"));
  a.automatic.rendered = *automatic;
  if (const Json* review = in.Raw("review")) {
    a.review = INFRASHARE_TRY(ReviewFromJson(*review, in.PathOf("review")));
  }
  a.level = INFRASHARE_TRY(LevelFrom(in, "level"));
  const Json* plan = in.Raw("response_plan");
  if (plan == nullptr) return InvalidArgument(in.PathOf("response_plan"), "is required");
  a.response_plan = INFRASHARE_TRY(ResponsePlanFromJson(*plan, in.PathOf("response_plan")));
  INFRASHARE_TRY(in.Finish());
  return a;
}

}  // namespace infrashare
