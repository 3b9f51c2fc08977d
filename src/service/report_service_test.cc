#include "service/report_service.h"

#include <gtest/gtest.h>

#include "service/report_tx.h"
#include "service/service_test_util.h"

namespace infrashare {
namespace {

using service_test::ServiceTest;

class ReportServiceTest : public ServiceTest {
 protected:
  Caller Reporter() { return As("power_a", {Role::kReporter}); }
  Caller Analyst() { return As("nisc", {Role::kAnalyst, Role::kDutyOfficer}); }

  std::vector<AlertRead> Alerts() {
    auto page = services().alerts.List(Analyst(), {});
    EXPECT_TRUE(page) << page.error().message;
    return page ? page->items : std::vector<AlertRead>{};
  }
};

TEST_F(ReportServiceTest, SubmitStoresTheTypedAssessmentAndRaisesItsResponseAlertOnce) {
  auto report = services().reports.Submit(Reporter(), OutageBody());
  ASSERT_TRUE(report) << report.error().message;
  ASSERT_TRUE(report->assessment);
  EXPECT_EQ(report->assessment->level, 4);
  EXPECT_EQ(report->assessment->automatic.level, 4);

  auto read = services().reports.Get(Analyst(), report->id);
  ASSERT_TRUE(read) << read.error().message;
  ASSERT_TRUE(read->assessment);
  EXPECT_EQ(read->assessment->level, 4);
  EXPECT_FALSE(read->assessment->response_plan.actions.empty());

  const auto alerts = Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  auto full = services().alerts.Get(Analyst(), alerts[0].alert.id);  // with every recipient
  ASSERT_TRUE(full) << full.error().message;
  const Alert& alert = full->alert;
  EXPECT_EQ(alert.kind, AlertKind::kResponse);
  EXPECT_EQ(alert.report_id, report->id);
  EXPECT_EQ(alert.level, 4);
  std::vector<std::string> orgs;
  for (const auto& r : alert.recipients) {
    orgs.push_back(r.organization);
    EXPECT_TRUE(r.must_acknowledge) << r.organization;
    ASSERT_TRUE(r.deadline);
    EXPECT_EQ(*r.deadline, report->updated_at + std::chrono::minutes(15));
  }
  EXPECT_EQ(orgs, (std::vector<std::string>{"nisc", "meti", "eisac"}));
}

// A relay may keep or add anonymity, never lift what the submitter asked for,
// and a refused relay changes nothing.
TEST_F(ReportServiceTest, ARelayCannotLiftTheSubmittersAnonymity) {
  Json body{{"kind", "near_miss"},
            {"title", "Near miss"},
            {"sectors", {"electric_power"}},
            {"tlp", "amber"},
            {"route", "via_ceptoar"},
            {"anonymized", true},
            {"audience", {{"sectors", {"electric_power"}}}}};
  auto report = services().reports.Submit(Reporter(), body);
  ASSERT_TRUE(report) << report.error().message;
  const Caller relay = As("eisac", {Role::kRelay});
  auto lifted = services().reports.Relay(relay, report->id, Json{{"anonymized", false}});
  ASSERT_FALSE(lifted);
  EXPECT_EQ(lifted.error().code, ErrorCode::kConflict);
  EXPECT_EQ(lifted.error().field, "anonymized");
  EXPECT_EQ(lifted.error().message, "the submitter asked for anonymity; a relay cannot lift it");
  auto unchanged = services().reports.Get(relay, report->id);
  ASSERT_TRUE(unchanged) << unchanged.error().message;
  EXPECT_TRUE(unchanged->anonymized);
  EXPECT_FALSE(unchanged->released);
  auto kept = services().reports.Relay(relay, report->id, Json{{"anonymized", true}});
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_TRUE(kept->anonymized);
  EXPECT_TRUE(kept->released);
}

TEST_F(ReportServiceTest, AReviewRaisingTheLevelRaisesAnotherAlertAndAConfirmDoesNot) {
  auto report = services().reports.Submit(Reporter(), OutageBody());
  ASSERT_TRUE(report);
  auto confirmed = services().assessments->Review(Analyst(), report->id,
                                                  Json{{"action", "confirm"}, {"justification", "as reported"}});
  ASSERT_TRUE(confirmed) << confirmed.error().message;
  ASSERT_TRUE(confirmed->assessment && confirmed->assessment->review);
  EXPECT_EQ(confirmed->assessment->review->action, ReviewAction::kConfirm);
  EXPECT_EQ(confirmed->revision, 2);
  EXPECT_EQ(Alerts().size(), 1u);

  auto raised = services().assessments->Review(
      Analyst(), report->id, Json{{"action", "override"}, {"level", 5}, {"justification", "spreading"}});
  ASSERT_TRUE(raised) << raised.error().message;
  EXPECT_EQ(raised->assessment->level, 5);
  EXPECT_EQ(raised->assessment->automatic.level, 4);
  EXPECT_EQ(raised->assessment->response_plan.level, 5);
  const auto alerts = Alerts();
  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].alert.level, 5);  // newest first

  // The review stays in force when the reporter revises the report.
  auto revised = services().reports.Update(Reporter(), report->id, Json{{"note", "more detail"}, {"text", "x"}});
  ASSERT_TRUE(revised) << revised.error().message;
  EXPECT_EQ(revised->assessment->level, 5);
  EXPECT_EQ(Alerts().size(), 2u);
  auto revisions = services().reports.Revisions(Analyst(), report->id);
  ASSERT_TRUE(revisions);
  ASSERT_EQ(revisions->size(), 4u);
  EXPECT_FALSE((*revisions)[0].assessment->review);
  EXPECT_EQ((*revisions)[2].assessment->review->level, 5);
}

TEST_F(ReportServiceTest, AChangePreparedFromAnOldRevisionStoresNothing) {
  auto report = services().reports.Submit(Reporter(), OutageBody());
  ASSERT_TRUE(report);
  const Caller analyst = Analyst();
  // Prepared from the first revision ...
  auto prepared = store().Read([&](ReadTx& tx) -> Result<PreparedReportChange> {
    auto loaded = INFRASHARE_TRY(LoadVisibleReport(tx, analyst, report->id));
    Report head = loaded.first;
    head.revision += 1;
    head.content.title = "stale";
    return PrepareReportChange(&loaded.first, std::move(head),
                               {.note = "stale", .action = "report.update", .event_type = "report.updated"},
                               *analyst.registry);
  });
  ASSERT_TRUE(prepared) << prepared.error().message;
  EXPECT_EQ(prepared->based_on_revision, 1);
  // ... while another change made the second.
  ASSERT_TRUE(services().reports.Update(Reporter(), report->id, Json{{"title", "fresh"}}));
  auto stored = store().Write([&](WriteTx& tx) { return RecordReportChange(tx, analyst, *prepared); });
  ASSERT_TRUE(stored) << stored.error().message;
  EXPECT_FALSE(*stored);
  auto now = services().reports.Get(analyst, report->id);
  ASSERT_TRUE(now);
  EXPECT_EQ(now->content.title, "fresh");
  auto revisions = services().reports.Revisions(analyst, report->id);
  ASSERT_TRUE(revisions);
  EXPECT_EQ(revisions->size(), 2u);
}

TEST_F(ReportServiceTest, OnlyTheSubmitterRevisesAndOnlyARelayRelays) {
  auto report = services().reports.Submit(Reporter(), OutageBody());
  ASSERT_TRUE(report);
  auto update = services().reports.Update(As("nisc", {Role::kReporter}), report->id, Json{{"title", "mine"}});
  ASSERT_FALSE(update);
  EXPECT_EQ(update.error().code, ErrorCode::kForbidden);
  auto relay = services().reports.Relay(As("eisac", {Role::kRelay}), report->id, Json::object());
  ASSERT_FALSE(relay);
  EXPECT_EQ(relay.error().code, ErrorCode::kNotFound);  // a direct report never reaches the secretariat
  auto missing = services().reports.Get(Analyst(), "rpt_unknown");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace infrashare
