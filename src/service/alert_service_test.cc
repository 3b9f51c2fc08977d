#include "service/alert_service.h"

#include <gtest/gtest.h>

#include "service/service_test_util.h"

namespace infrashare {
namespace {

using service_test::ServiceTest;

class AlertServiceTest : public ServiceTest {
 protected:
  Caller Officer() { return As("nisc", {Role::kDutyOfficer}); }

  Alert RaiseToPowerA() {
    auto alert = services().alerts.Raise(
        Officer(), Json{{"kind", "early_warning"},
                        {"title", "Phishing wave"},
                        {"ack_minutes", 10},
                        {"recipients", {{"organizations", {"power_a", "power_b"}}}}});
    EXPECT_TRUE(alert) << alert.error().message;
    return alert ? *alert : Alert{};
  }
};

TEST_F(AlertServiceTest, ARecipientsFirstReadIsItsInboxDelivery) {
  const Alert alert = RaiseToPowerA();
  ASSERT_EQ(alert.recipients.size(), 2u);
  auto read = services().alerts.Get(As("power_a", {Role::kReporter}), alert.id);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_FALSE(read->every_recipient);
  ASSERT_EQ(read->alert.recipients.size(), 1u);  // only its own row
  const AlertRecipient& own = read->alert.recipients[0];
  EXPECT_EQ(own.organization, "power_a");
  EXPECT_EQ(own.state, DeliveryState::kDelivered);
  EXPECT_TRUE(own.delivered_at);

  auto full = services().alerts.Get(Officer(), alert.id);
  ASSERT_TRUE(full);
  EXPECT_TRUE(full->every_recipient);
  ASSERT_EQ(full->alert.recipients.size(), 2u);
  EXPECT_EQ(full->alert.recipients[1].state, DeliveryState::kQueued);  // power_b has not read it

  auto outsider = services().alerts.Get(As("gas_c", {Role::kReporter}), alert.id);
  ASSERT_FALSE(outsider);
  EXPECT_EQ(outsider.error().code, ErrorCode::kNotFound);
}

TEST_F(AlertServiceTest, AcknowledgeOnceByARecipient) {
  const Alert alert = RaiseToPowerA();
  auto ack = services().alerts.Acknowledge(As("power_a", {Role::kReporter}), alert.id, Json{{"note", "on it"}});
  ASSERT_TRUE(ack) << ack.error().message;
  EXPECT_EQ(ack->state, DeliveryState::kAcknowledged);
  EXPECT_EQ(ack->acknowledged_by, "power_a_user");
  EXPECT_FALSE(ack->deadline);
  auto again = services().alerts.Acknowledge(As("power_a", {Role::kReporter}), alert.id, Json::object());
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  auto raiser = services().alerts.Acknowledge(Officer(), alert.id, Json::object());
  ASSERT_FALSE(raiser);
  EXPECT_EQ(raiser.error().code, ErrorCode::kForbidden);  // may see it, is no recipient
}

TEST_F(AlertServiceTest, RecipientsPastTheirDeadlineAreEscalated) {
  const Alert alert = RaiseToPowerA();
  ASSERT_TRUE(services().alerts.Acknowledge(As("power_a", {Role::kReporter}), alert.id, Json::object()));
  auto early = services().alerts.EscalateDue(100);
  ASSERT_TRUE(early);
  EXPECT_EQ(*early, 0);
  clock().Advance(std::chrono::minutes(11));
  auto due = services().alerts.EscalateDue(100);
  ASSERT_TRUE(due) << due.error().message;
  EXPECT_EQ(*due, 1);  // power_b only: power_a acknowledged
  auto none_left = services().alerts.EscalateDue(100);
  ASSERT_TRUE(none_left);
  EXPECT_EQ(*none_left, 0);
}

TEST_F(AlertServiceTest, ListShowsAnOrganizationOnlyItsAlerts) {
  RaiseToPowerA();
  auto mine = services().alerts.List(As("power_b", {Role::kReporter}), {});
  ASSERT_TRUE(mine);
  EXPECT_EQ(mine->items.size(), 1u);
  auto others = services().alerts.List(As("gas_c", {Role::kReporter}), {});
  ASSERT_TRUE(others);
  EXPECT_TRUE(others->items.empty());
  auto bad = services().alerts.List(Officer(), {{"limit", "0"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "limit");
}

}  // namespace
}  // namespace infrashare
