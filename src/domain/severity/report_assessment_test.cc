#include "domain/severity/report_assessment.h"

#include <gtest/gtest.h>

#include "domain/report/report_json.h"
#include "domain/severity/severity_testing.h"

namespace infrashare {
namespace {

using testing::Plan4;

// The assessment document exactly as the services built it before the
// assessment was typed (service/assessment_service.cc, AssessReport and
// Review): the form every stored document and API body has.
Json TodaysDocument(bool reviewed) {
  const Registry registry = testing::TestRegistry();
  ImpactFacts f;
  f.safety.deaths = 1;
  f.other_sectors = std::vector<std::string>{"finance"};
  Assessment a = Assess(f, Plan4(), "electric_power");
  Json out{{"automatic", AssessmentToJson(a)}, {"level", a.level}};
  if (reviewed) {
    out["review"] = {{"action", "override"},
                     {"level", 3},
                     {"justification", "contained before it reached finance"},
                     {"by_organization", "nisc"},
                     {"by_principal", "prn_analyst"},
                     {"at", "2026-12-04T02:10:00.123456Z"}};
    a.level = 3;
    out["level"] = 3;
  }
  ResponseContext context{.sector_id = "electric_power", .registry = registry, .dependent_sectors = {"finance"}};
  out["response_plan"] = ResponsePlanToJson(PlanResponse(a, Plan4(), context));
  return out;
}

TEST(ReportAssessmentJson, RoundTripsTodaysDocumentByteForByte) {
  for (bool reviewed : {false, true}) {
    const Json today = TodaysDocument(reviewed);
    auto typed = ReportAssessmentFromJson(today);
    ASSERT_TRUE(typed) << typed.error().field << ": " << typed.error().message;
    EXPECT_EQ(ToJson(*typed).dump(), today.dump()) << "reviewed=" << reviewed;
    EXPECT_EQ(typed->review.has_value(), reviewed);
    EXPECT_EQ(typed->automatic.level, 5);
    EXPECT_EQ(typed->level, reviewed ? 3 : 5);
    EXPECT_EQ(typed->response_plan.level, typed->level);
    EXPECT_FALSE(typed->response_plan.actions.empty());
  }
}

TEST(ReportAssessmentJson, ReadsTheTypedValues) {
  auto typed = ReportAssessmentFromJson(TodaysDocument(true));
  ASSERT_TRUE(typed);
  EXPECT_EQ(typed->automatic.level, 5);
  ASSERT_TRUE(typed->review);
  EXPECT_EQ(typed->review->action, ReviewAction::kOverride);
  EXPECT_EQ(typed->review->level, 3);
  EXPECT_EQ(typed->review->by_organization, "nisc");
  EXPECT_EQ(FormatRfc3339(typed->review->at), "2026-12-04T02:10:00.123456Z");
  auto automatic = ReportAssessmentFromJson(TodaysDocument(false));
  ASSERT_TRUE(automatic);
  const ResponseAction& hotline = automatic->response_plan.actions.at(1);
  EXPECT_EQ(hotline.channel, Channel::kHotline);
  EXPECT_EQ(hotline.deadline_minutes, 15);
  EXPECT_EQ(hotline.notify.at(1).organization, "meti");
  EXPECT_EQ(hotline.notify.at(1).role, RecipientRole::kSectorMinistry);
  EXPECT_EQ(hotline.notify.at(1).sector, "electric_power");
  EXPECT_EQ(hotline.acknowledge, (std::vector<std::string>{"nisc", "meti", "je_isac"}));
}

TEST(ReportAssessmentJson, RejectsWhatItWouldDropNamingTheField) {
  Json extra = TodaysDocument(false);
  extra["response_plan"]["actions"][0]["colour"] = "red";
  auto e = ReportAssessmentFromJson(extra);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.error().field, "assessment.response_plan.actions[0].colour");

  Json bad_role = TodaysDocument(false);
  bad_role["response_plan"]["actions"][0]["notify"][0]["role"] = "mayor";
  e = ReportAssessmentFromJson(bad_role);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().field, "assessment.response_plan.actions[0].notify[0].role");

  Json no_level = TodaysDocument(false);
  no_level["automatic"].erase("level");
  e = ReportAssessmentFromJson(no_level);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().field, "assessment.automatic.level");
}

// A stored report head and revision as written before the assessment was
// typed: read and written again, they are the same document.
TEST(ReportAssessmentJson, StoredReportAndRevisionRoundTrip) {
  Json head = Json::parse(R"({
    "id": "rpt_1", "space": "live", "revision": 2, "kind": "service_outage", "title": "Grid down",
    "text": "Substation fault", "sectors": ["electric_power"], "services": ["power supply"],
    "systems": ["ot"], "facts": {"safety": {"deaths": 1}}, "indicators": [], "tlp": "amber",
    "audience": {"everyone": false, "sectors": [], "ceptoars": [], "groups": [], "organizations": []},
    "route": "direct", "anonymized": false, "submitter_organization": "tepco",
    "submitter_principal": "prn_1", "released": true,
    "deliveries": [{"organization": "meti", "role": "ministry", "at": "2026-12-04T01:00:00.000000Z"}],
    "created_at": "2026-12-04T01:00:00.000000Z", "updated_at": "2026-12-04T02:10:00.123456Z",
    "released_at": "2026-12-04T01:00:00.000000Z"})");
  head["assessment"] = TodaysDocument(true);
  auto report = ReportFromJson(head);
  ASSERT_TRUE(report) << report.error().field << ": " << report.error().message;
  ASSERT_TRUE(report->assessment);
  EXPECT_EQ(report->assessment->level, 3);
  EXPECT_EQ(ToJson(*report).dump(), head.dump());

  Json revision{{"report_id", "rpt_1"}, {"number", 2},      {"content", ToJson(report->content)},
                {"note", "severity override: level 3"}, {"at", "2026-12-04T02:10:00.123456Z"},
                {"author_principal", "prn_analyst"},     {"author_organization", "nisc"},
                {"assessment", TodaysDocument(true)}};
  auto rev = RevisionFromJson(revision);
  ASSERT_TRUE(rev) << rev.error().field << ": " << rev.error().message;
  EXPECT_EQ(ToJson(*rev).dump(), revision.dump());

  head.erase("assessment");  // a report without impact facts has none
  auto plain = ReportFromJson(head);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->assessment);
  EXPECT_EQ(ToJson(*plain).dump(), head.dump());
}

}  // namespace
}  // namespace infrashare
