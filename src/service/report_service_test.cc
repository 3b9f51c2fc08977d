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

  // A near miss through the power CEPTOAR, with the source hidden, for the
  // power sector.
  static Json AnonymousNearMissBody() {
    return Json{{"kind", "near_miss"},
                {"title", "Near miss"},
                {"sectors", {"electric_power"}},
                {"tlp", "amber"},
                {"route", "via_ceptoar"},
                {"anonymized", true},
                {"audience", {{"sectors", {"electric_power"}}}}};
  }

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

// What a submission would do, with nothing stored: the assessment, the
// trail its route makes, and the audience once released.
TEST_F(ReportServiceTest, APreviewAnswersTheAssessmentAndTheRecipientsAndStoresNothing) {
  auto direct = services().reports.PreviewSubmission(Reporter(), OutageBody());
  ASSERT_TRUE(direct) << direct.error().message;
  ASSERT_TRUE(direct->report.assessment);
  EXPECT_EQ(direct->report.assessment->level, 4);
  EXPECT_FALSE(direct->report.assessment->response_plan.actions.empty());
  EXPECT_TRUE(direct->report.released);
  std::vector<std::pair<std::string, DeliveryRole>> trail;
  for (const Delivery& d : direct->report.deliveries) trail.emplace_back(d.organization, d.role);
  EXPECT_EQ(trail, (std::vector<std::pair<std::string, DeliveryRole>>{
                       {"meti", DeliveryRole::kMinistry}, {"nisc", DeliveryRole::kCoordinationCenter}}));
  EXPECT_TRUE(direct->at_relay.empty());
  EXPECT_TRUE(direct->audience.empty());  // AMBER with no audience: the trail alone

  Json relayed = AnonymousNearMissBody();
  auto via = services().reports.PreviewSubmission(Reporter(), relayed);
  ASSERT_TRUE(via) << via.error().message;
  EXPECT_FALSE(via->report.released);
  EXPECT_TRUE(via->report.anonymized);
  ASSERT_EQ(via->report.deliveries.size(), 1u);
  EXPECT_EQ(via->report.deliveries[0].organization, "eisac");
  ASSERT_EQ(via->at_relay.size(), 1u);
  EXPECT_EQ(via->at_relay[0].organization, "nisc");
  std::vector<std::string> audience;
  for (const Organization* o : via->audience) audience.push_back(o->id);
  EXPECT_EQ(audience, std::vector<std::string>{"power_b"});  // not the submitter, not the trail, not gas

  // GREEN to everyone: every other member.
  relayed["tlp"] = "green";
  relayed["audience"] = {{"everyone", true}};
  auto green = services().reports.PreviewSubmission(Reporter(), relayed);
  ASSERT_TRUE(green) << green.error().message;
  audience.clear();
  for (const Organization* o : green->audience) audience.push_back(o->id);
  EXPECT_EQ(audience, (std::vector<std::string>{"meti", "jpcert", "npa", "power_b", "gas_c"}));

  // Nothing stored, nothing raised.
  auto page = services().reports.List(Analyst(), {});
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_TRUE(page->items.empty());
  EXPECT_TRUE(Alerts().empty());
}

TEST_F(ReportServiceTest, APreviewRefusesWhatSubmitRefuses) {
  Json untitled = OutageBody();
  untitled.erase("title");
  auto missing = services().reports.PreviewSubmission(Reporter(), untitled);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().field, "title");
  auto submitted = services().reports.Submit(Reporter(), untitled);
  ASSERT_FALSE(submitted);
  EXPECT_EQ(submitted.error().message, missing.error().message);

  auto not_reporter = services().reports.PreviewSubmission(As("power_a", {Role::kAdmin}), OutageBody());
  ASSERT_FALSE(not_reporter);
  EXPECT_EQ(not_reporter.error().code, ErrorCode::kForbidden);
  Json bad_route = OutageBody();
  bad_route["route"] = "pigeon";
  auto route = services().reports.PreviewSubmission(Reporter(), bad_route);
  ASSERT_FALSE(route);
  EXPECT_EQ(route.error().field, "route");
}

// A relay may keep or add anonymity, never lift what the submitter asked for,
// and a refused relay changes nothing.
TEST_F(ReportServiceTest, ARelayCannotLiftTheSubmittersAnonymity) {
  auto report = services().reports.Submit(Reporter(), AnonymousNearMissBody());
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

TEST_F(ReportServiceTest, ARevisionIsSeenUnderItsOwnMarkingNotALaterOne) {
  // TLP:RED for power_b alone, then released to every member as GREEN.
  auto report = services().reports.Submit(
      Reporter(), Json{{"kind", "attack_info"},
                       {"title", "Red title"},
                       {"text", "the red text"},
                       {"sectors", {"electric_power"}},
                       {"tlp", "red"},
                       {"route", "direct"},
                       {"audience", {{"organizations", {"power_b"}}}}});
  ASSERT_TRUE(report) << report.error().message;
  auto revised = services().reports.Update(
      Reporter(), report->id,
      Json{{"title", "Green title"}, {"text", "the green text"}, {"tlp", "green"}, {"audience", {{"everyone", true}}}});
  ASSERT_TRUE(revised) << revised.error().message;

  auto numbers = [&](const Caller& c) {
    auto revisions = services().reports.Revisions(c, report->id);
    EXPECT_TRUE(revisions) << revisions.error().message;
    std::vector<int> out;
    std::string text;
    for (const auto& r : revisions ? *revisions : std::vector<Revision>{}) {
      out.push_back(r.number);
      text += r.content.title + r.content.text;
    }
    if (std::ranges::find(out, 1) == out.end()) {
      EXPECT_EQ(text.find("red"), std::string::npos) << text;
    }
    return out;
  };
  EXPECT_EQ(numbers(As("gas_c", {Role::kReporter})), std::vector<int>{2}) << "a member: the green revision only";
  EXPECT_EQ(numbers(As("power_b", {Role::kReporter})), (std::vector<int>{1, 2})) << "named in the red one";
  EXPECT_EQ(numbers(Reporter()), (std::vector<int>{1, 2}));
  EXPECT_EQ(numbers(As("meti", {Role::kAnalyst})), (std::vector<int>{1, 2})) << "on the delivery trail";
}

}  // namespace
}  // namespace infrashare
