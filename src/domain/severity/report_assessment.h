// A report's severity as the platform keeps it (in the report's head and in
// each revision): the automatic assessment of its impact facts, an analyst's
// review when there is one, the level in force and the response plan for
// that level. One JSON form, used by the store's documents and the API:
//
//   {"automatic": AssessmentToJson(...), "review": {"action", "level",
//    "justification", "by_organization", "by_principal", "at"} (absent until
//    reviewed), "level": the level in force, "response_plan":
//    ResponsePlanToJson(...)}
//
// Thread behaviour: plain values; pure functions.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "common/enum_names.h"
#include "common/error.h"
#include "common/json.h"
#include "common/time.h"
#include "domain/severity/response.h"

namespace infrashare {

enum class ReviewAction { kConfirm, kOverride };

inline constexpr std::array kReviewActionNames{
    EnumName<ReviewAction>{ReviewAction::kConfirm, "confirm"},
    EnumName<ReviewAction>{ReviewAction::kOverride, "override"},
};

// An analyst's confirmation or override of the automatic level.
struct AssessmentReview {
  ReviewAction action = ReviewAction::kConfirm;
  int level = 0;  // the level the analyst put in force
  std::string justification;
  std::string by_organization;
  std::string by_principal;
  Timestamp at;
};

// The severity engine's judgement (assess.h). An Assessment views names its
// policy interned, so it is kept as its rendering beside the level it found;
// the rendering is shown as it is, never read by key.
struct AutomaticAssessment {
  int level = 0;
  Json rendered = Json::object();  // AssessmentToJson
};

struct ReportAssessment {
  AutomaticAssessment automatic;
  std::optional<AssessmentReview> review;  // stays in force across revisions
  int level = 0;                           // in force: the review's, else the automatic one
  ResponsePlan response_plan;              // for the level in force
};

Json ToJson(const ReportAssessment& assessment);
// Reads what ToJson wrote. kInvalidArgument naming the field at fault
// (below `path`) for anything else, so that nothing is dropped silently.
Result<ReportAssessment> ReportAssessmentFromJson(const Json& json, const std::string& path = "assessment");

}  // namespace infrashare
