// A record written in one space is invisible from another on every read
// path: report list, get, revisions, text search, the event feed (stream
// rendering), webhook dispatch, alerts (get and list) and the audit view.
// Each check has its positive control in the writing space.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "service/event_feed.h"
#include "service/service_test_util.h"
#include "service/webhook_dispatcher.h"

namespace infrashare {
namespace {

using service_test::ServiceTest;

class SpaceIsolationTest : public ServiceTest {
 protected:
  void SetUp() override {
    const Space exercise = Exercise();
    // NISC sees every released report and every alert: if anybody could see
    // across spaces, it could.
    hook_live_ = Register(Space());
    hook_exercise_ = Register(exercise);
    auto report = services().reports.Submit(As("power_a", {Role::kReporter}, exercise), OutageBody("zeppelin"));
    ASSERT_TRUE(report) << report.error().message;
    report_ = report->id;
    auto alert = services().alerts.Raise(As("nisc", {Role::kDutyOfficer}, exercise),
                                         Json{{"kind", "notice"},
                                              {"title", "Drill notice"},
                                              {"recipients", {{"organizations", {"power_a"}}}}});
    ASSERT_TRUE(alert) << alert.error().message;
    alert_ = alert->id;
  }

  std::string Register(const Space& space) {
    auto hook =
        services().webhooks.Register(As("nisc", {Role::kAdmin}, space), Json{{"url", "http://127.0.0.1:9/hook"}});
    EXPECT_TRUE(hook) << hook.error().message;
    return hook ? hook->id : "";
  }

  Caller Nisc(const Space& space, std::vector<Role> roles = {Role::kAnalyst, Role::kAdmin}) {
    return As("nisc", std::move(roles), space);
  }

  std::vector<WebhookDelivery> DeliveriesOf(const std::string& hook) {
    auto rows = store().Read([&](ReadTx& tx) { return tx.ListWebhookDeliveries(hook, std::nullopt, 100); });
    EXPECT_TRUE(rows) << rows.error().message;
    return rows ? *rows : std::vector<WebhookDelivery>{};
  }

  std::string hook_live_, hook_exercise_, report_, alert_;
};

TEST_F(SpaceIsolationTest, ReportsAreInvisibleFromAnotherSpace) {
  const Space live;
  const Space exercise = Exercise();
  for (const Space& other : {live}) {
    auto get = services().reports.Get(Nisc(other), report_);
    ASSERT_FALSE(get);
    EXPECT_EQ(get.error().code, ErrorCode::kNotFound);
    auto revisions = services().reports.Revisions(Nisc(other), report_);
    ASSERT_FALSE(revisions);
    EXPECT_EQ(revisions.error().code, ErrorCode::kNotFound);
    auto list = services().reports.List(Nisc(other), {});
    ASSERT_TRUE(list) << list.error().message;
    EXPECT_TRUE(list->items.empty());
    auto search = services().reports.List(Nisc(other), {{"q", "zeppelin"}});
    ASSERT_TRUE(search) << search.error().message;
    EXPECT_TRUE(search->items.empty());
    // Nor can another space change it.
    auto review = services().assessments->Review(
        Nisc(other), report_, Json{{"action", "confirm"}, {"justification", "seen"}});
    ASSERT_FALSE(review);
    EXPECT_EQ(review.error().code, ErrorCode::kNotFound);
  }
  // The controls: in its own space every path finds it.
  EXPECT_TRUE(services().reports.Get(Nisc(exercise), report_));
  auto revisions = services().reports.Revisions(Nisc(exercise), report_);
  ASSERT_TRUE(revisions);
  EXPECT_EQ(revisions->size(), 1u);
  auto list = services().reports.List(Nisc(exercise), {});
  ASSERT_TRUE(list);
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(Json::parse(list->items[0])["space"], exercise.id());
  auto search = services().reports.List(Nisc(exercise), {{"q", "zeppelin"}});
  ASSERT_TRUE(search);
  EXPECT_EQ(search->items.size(), 1u);
}

TEST_F(SpaceIsolationTest, AlertsAreInvisibleFromAnotherSpace) {
  const Space exercise = Exercise();
  auto get = services().alerts.Get(Nisc(Space()), alert_);
  ASSERT_FALSE(get);
  EXPECT_EQ(get.error().code, ErrorCode::kNotFound);
  auto recipient_get = services().alerts.Get(As("power_a", {Role::kReporter}), alert_);
  ASSERT_FALSE(recipient_get);
  EXPECT_EQ(recipient_get.error().code, ErrorCode::kNotFound);
  auto ack = services().alerts.Acknowledge(As("power_a", {Role::kReporter}), alert_, Json::object());
  ASSERT_FALSE(ack);
  EXPECT_EQ(ack.error().code, ErrorCode::kNotFound);
  auto list = services().alerts.List(Nisc(Space()), {});
  ASSERT_TRUE(list) << list.error().message;
  EXPECT_TRUE(list->items.empty());

  EXPECT_TRUE(services().alerts.Get(Nisc(exercise), alert_));
  auto own_list = services().alerts.List(Nisc(exercise), {});
  ASSERT_TRUE(own_list);
  // The alert raised by hand and the one the report's response plan raised.
  EXPECT_EQ(own_list->items.size(), 2u);
  for (const auto& a : own_list->items) EXPECT_EQ(a.alert.space, exercise);
}

TEST_F(SpaceIsolationTest, TheAuditViewShowsOnlyTheCallersSpace) {
  const Space exercise = Exercise();
  auto concerns_exercise = [&](const AuditEvent& e) {
    return e.target_id == report_ || e.target_id == alert_ || e.target_id == hook_exercise_ ||
           e.action == "alert.raise";
  };
  auto live = services().audit.List(Nisc(Space(), {Role::kAdmin}), 0, 500);
  ASSERT_TRUE(live) << live.error().message;
  for (const auto& e : *live) EXPECT_FALSE(concerns_exercise(e)) << e.action << " " << e.target_id;
  EXPECT_TRUE(std::ranges::any_of(*live, [&](const AuditEvent& e) { return e.target_id == hook_live_; }));

  auto own = services().audit.List(Nisc(exercise, {Role::kAdmin}), 0, 500);
  ASSERT_TRUE(own);
  for (const std::string& id : {report_, alert_, hook_exercise_})
    EXPECT_TRUE(std::ranges::any_of(*own, [&](const AuditEvent& e) { return e.target_id == id; })) << id;
  EXPECT_FALSE(std::ranges::any_of(*own, [&](const AuditEvent& e) { return e.target_id == hook_live_; }));
}

TEST_F(SpaceIsolationTest, EveryAuditAndOutboxEventIsStoredInItsWritersSpace) {
  const Space exercise = Exercise();
  // Every kind of change, made in the exercise (SetUp made a submission, its
  // response alert, an alert by hand and a webhook registration there).
  const Caller nisc_admin = Nisc(exercise, {Role::kAdmin, Role::kAnalyst});
  ASSERT_TRUE(services().reports.Update(As("power_a", {Role::kReporter}, exercise), report_,
                                        Json{{"note", "more"}, {"text", "Fault at the zeppelin, isolated"}}));
  ASSERT_TRUE(services().assessments->Review(nisc_admin, report_,
                                             Json{{"action", "confirm"}, {"justification", "seen"}}));
  Json relayed = OutageBody();
  relayed["route"] = "via_ceptoar";
  auto via = services().reports.Submit(As("power_a", {Role::kReporter}, exercise), relayed);
  ASSERT_TRUE(via) << via.error().message;
  auto relay = services().reports.Relay(As("eisac", {Role::kRelay}, exercise), via->id, Json::object());
  ASSERT_TRUE(relay) << relay.error().message;
  ASSERT_TRUE(
      services().alerts.Acknowledge(As("power_a", {Role::kReporter}, exercise), alert_, Json::object()));
  clock().Advance(std::chrono::hours(2));
  auto escalated = services().alerts.EscalateDue(100);
  ASSERT_TRUE(escalated) << escalated.error().message;
  ASSERT_GT(*escalated, 0);
  ASSERT_TRUE(services().webhooks.Disable(nisc_admin, hook_exercise_));
  auto principal = services().registry.AddPrincipal(nisc_admin, Json{{"id", "drill_desk"},
                                                                     {"organization", "power_a"},
                                                                     {"name", "Drill desk"},
                                                                     {"roles", {"reporter"}}});
  ASSERT_TRUE(principal) << principal.error().message;
  auto token = services().registry.IssueToken(nisc_admin, "drill_desk", Json::object());
  ASSERT_TRUE(token) << token.error().message;
  ASSERT_TRUE(services().registry.RevokeToken(nisc_admin, token->token.id));
  auto org = services().registry.AddOrganization(
      nisc_admin,
      Json{{"id", "drill_water"}, {"kind", "operator"}, {"name_ja", "演習水道"}, {"name_en", "Drill Water"}});
  ASSERT_TRUE(org) << org.error().message;

  // Written live: the registry import (the system, before any space) and
  // the live webhook's registration. Everything else is the exercise's.
  auto audit = store().Read([](ReadTx& tx) { return tx.ListAudit(0, 1000); });
  ASSERT_TRUE(audit) << audit.error().message;
  std::set<std::string> actions;
  for (const AuditEvent& e : *audit) {
    const bool live = e.action == "registry.import" || e.target_id == hook_live_;
    EXPECT_EQ(e.space, live ? Space() : exercise) << e.action << " " << e.target_id;
    if (!live) actions.insert(e.action);
  }
  for (const char* action : {"report.submit", "report.update", "report.assessment.confirm", "report.relay",
                             "alert.raise", "alert.acknowledge", "webhook.register", "webhook.disable",
                             "principal.add", "token.issue", "token.revoke", "organization.add"})
    EXPECT_TRUE(actions.contains(action)) << action;
  // The escalation step depends on the recipients' contacts.
  EXPECT_TRUE(std::ranges::any_of(actions, [](const std::string& a) {
    return a.starts_with("alert.escalat") || a == "alert.add_recipient";
  }));

  auto outbox = store().Read([](ReadTx& tx) { return tx.ListOutbox(0, 1000); });
  ASSERT_TRUE(outbox) << outbox.error().message;
  ASSERT_FALSE(outbox->empty());
  for (const OutboxEvent& e : *outbox) EXPECT_EQ(e.space, exercise) << e.type << " " << e.record_id;
}

TEST_F(SpaceIsolationTest, WebhooksAreInvisibleFromAnotherSpace) {
  auto live = services().webhooks.List(Nisc(Space()));
  ASSERT_TRUE(live);
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ((*live)[0].id, hook_live_);
  auto disable = services().webhooks.Disable(Nisc(Space()), hook_exercise_);
  ASSERT_FALSE(disable);
  EXPECT_EQ(disable.error().code, ErrorCode::kNotFound);
  auto deliveries = services().webhooks.Deliveries(Nisc(Space()), hook_exercise_, {});
  ASSERT_FALSE(deliveries);
  EXPECT_EQ(deliveries.error().code, ErrorCode::kNotFound);
}

TEST_F(SpaceIsolationTest, TheEventFeedRendersOnlyItsSpace) {
  EventFeed live(store(), services().registry, nullptr);
  EventFeed drill(store(), services().registry, nullptr, Exercise());
  auto seen_live = live.After(0, 100);
  auto seen_drill = drill.After(0, 100);
  ASSERT_TRUE(seen_live && seen_drill);
  ASSERT_EQ(seen_live->size(), seen_drill->size());  // both pass every event
  ASSERT_FALSE(seen_live->empty());
  int rendered = 0;
  for (size_t i = 0; i < seen_live->size(); ++i) {
    for (const char* org : {"nisc", "meti", "power_a", "eisac"}) {
      EXPECT_EQ((*seen_live)[i]->Render(org), std::nullopt) << (*seen_live)[i]->type() << " for " << org;
      if ((*seen_drill)[i]->Render(org)) ++rendered;
    }
  }
  EXPECT_GT(rendered, 0);
}

TEST_F(SpaceIsolationTest, EachDispatcherDeliversOnlyItsSpace) {
  EventFeed live_feed(store(), services().registry, nullptr);
  EventFeed drill_feed(store(), services().registry, nullptr, Exercise());
  const WebhookDispatcher::Options options{.poll = std::chrono::milliseconds(20),
                                           .timeout = std::chrono::milliseconds(500),
                                           .addresses = services().webhooks.addresses()};
  // Started after the exercise's events: a first start begins at the newest
  // event, so the drill dispatcher's cursor is moved back to deliver them.
  WebhookDispatcher live(store(), clock(), live_feed, services().alerts, options);
  WebhookDispatcher drill(store(), clock(), drill_feed, services().alerts, options);
  ASSERT_TRUE(store().Write([](WriteTx& tx) { return tx.SetMeta(WebhookCursorKey(Exercise()), "0"); }));
  ASSERT_TRUE(live.Start());
  ASSERT_TRUE(drill.Start());
  auto live_report = services().reports.Submit(As("power_a", {Role::kReporter}), OutageBody());
  ASSERT_TRUE(live_report);

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto caught_up = [&] {
    auto r = store().Read([](ReadTx& tx) -> Result<bool> {
      auto a = WebhookDispatcher::CaughtUp(tx, Space());
      auto b = WebhookDispatcher::CaughtUp(tx, Exercise());
      if (!a || !b) return std::unexpected(a ? b.error() : a.error());
      return *a && *b;
    });
    return r && *r;
  };
  while (!caught_up() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE(caught_up());
  live.Stop();
  drill.Stop();

  const auto live_rows = DeliveriesOf(hook_live_);
  const auto drill_rows = DeliveriesOf(hook_exercise_);
  ASSERT_FALSE(live_rows.empty());
  ASSERT_FALSE(drill_rows.empty());
  for (const auto& d : live_rows) {
    EXPECT_EQ(d.body.find(report_), std::string::npos) << d.body;
    EXPECT_EQ(d.body.find(alert_), std::string::npos) << d.body;
  }
  EXPECT_TRUE(std::ranges::any_of(live_rows, [&](const WebhookDelivery& d) {
    return d.body.find(live_report->id) != std::string::npos;
  }));
  for (const auto& d : drill_rows) EXPECT_EQ(d.body.find(live_report->id), std::string::npos) << d.body;
  EXPECT_TRUE(std::ranges::any_of(
      drill_rows, [&](const WebhookDelivery& d) { return d.body.find(report_) != std::string::npos; }));
}

}  // namespace
}  // namespace infrashare
