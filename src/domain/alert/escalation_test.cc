#include "domain/alert/escalation.h"

#include <gtest/gtest.h>

#include <set>

#include "domain/sharing/sharing_test_registry.h"

namespace infrashare {
namespace {

class EscalationTest : public ::testing::Test {
 protected:
  EscalationTest() : registry_(Data()) {}

  static RegistryData Data() {
    RegistryData d = testing::SharingTestRegistryData();
    for (auto& o : d.organizations) {
      if (o.id == "power_a")
        o.contacts = {{.name = "Control room", .phone = "+81-3-0000-0001"},
                      {.name = "Deputy manager", .email = "deputy@example.jp", .backup = true}};
      if (o.id == "nisc") o.contacts = {{.name = "Duty officer", .phone = "+81-3-0000-0000"}};
    }
    return d;
  }

  EscalationStep Next(const AlertRecipient& due) {
    return NextEscalation(due, [&](std::string_view org) { return on_alert_.contains(std::string(org)); },
                          registry_);
  }

  Registry registry_;
  std::set<std::string> on_alert_{"power_a", "power_b"};
};

TEST_F(EscalationTest, BackupContactsComeFirstAndOnlyOnce) {
  AlertRecipient due{.organization = "power_a"};
  EscalationStep step = Next(due);
  EXPECT_EQ(step.kind, EscalationStep::Kind::kBackupContacts);
  EXPECT_EQ(step.organization, "power_a");
  ASSERT_EQ(step.contacts.size(), 1u);
  EXPECT_EQ(step.contacts[0], "Deputy manager <deputy@example.jp>");

  due.step = 1;  // the backups were alerted and did not acknowledge either
  step = Next(due);
  EXPECT_EQ(step.kind, EscalationStep::Kind::kNextOrganization);
  EXPECT_EQ(step.organization, "meti");
  EXPECT_EQ(step.reason, RecipientReason::kSectorMinistry);
}

TEST_F(EscalationTest, WithoutBackupsTheSectorMinistryIsNext) {
  EscalationStep step = Next(AlertRecipient{.organization = "power_b"});
  EXPECT_EQ(step.kind, EscalationStep::Kind::kNextOrganization);
  EXPECT_EQ(step.organization, "meti");
}

TEST_F(EscalationTest, AMinistryAlreadyOnTheAlertIsPassedOverForNisc) {
  on_alert_.insert("meti");
  EscalationStep step = Next(AlertRecipient{.organization = "power_b"});
  EXPECT_EQ(step.kind, EscalationStep::Kind::kNextOrganization);
  EXPECT_EQ(step.organization, "nisc");
  EXPECT_EQ(step.reason, RecipientReason::kCoordinationCenter);
  ASSERT_EQ(step.contacts.size(), 1u);
  EXPECT_EQ(step.contacts[0], "Duty officer +81-3-0000-0000");
}

TEST_F(EscalationTest, TheMinistryItselfEscalatesToNisc) {
  EscalationStep step = Next(AlertRecipient{.organization = "meti"});
  EXPECT_EQ(step.organization, "nisc");
}

TEST_F(EscalationTest, OrganizationsWithoutASectorGoToNisc) {
  EscalationStep step = Next(AlertRecipient{.organization = "jpcert"});
  EXPECT_EQ(step.kind, EscalationStep::Kind::kNextOrganization);
  EXPECT_EQ(step.organization, "nisc");
}

TEST_F(EscalationTest, TheChainEndsWhenNiscIsOnTheAlert) {
  on_alert_.insert({"meti", "nisc"});
  EXPECT_EQ(Next(AlertRecipient{.organization = "power_b"}).kind, EscalationStep::Kind::kExhausted);
  EXPECT_EQ(Next(AlertRecipient{.organization = "nisc", .step = 0}).kind, EscalationStep::Kind::kExhausted);
}

}  // namespace
}  // namespace infrashare
