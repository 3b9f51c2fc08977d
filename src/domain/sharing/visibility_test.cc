#include "domain/sharing/visibility.h"

#include <gtest/gtest.h>

#include <map>

#include "domain/alert/escalation.h"
#include "domain/sharing/route.h"
#include "domain/sharing/sharing_test_registry.h"

namespace infrashare {
namespace {

class VisibilityTest : public ::testing::Test {
 protected:
  VisibilityTest() : registry_(testing::SharingTestRegistryData()) {}

  Report Submit(Route route, Tlp tlp, Audience audience, bool anonymized = false,
                ReportKind kind = ReportKind::kAttackInfo) {
    Report r;
    r.id = "rpt_1";
    r.content.kind = kind;
    r.content.tlp = tlp;
    r.content.audience = std::move(audience);
    r.route = route;
    r.anonymized = anonymized;
    r.submitter_org = "power_a";
    r.submitter_principal = "alice";
    RouteRequest req{.route = route, .anonymized = anonymized};
    if (route == Route::kViaAgency) req.agency = "jpcert";
    auto d = RouteAtSubmit(req, kind, *Org("power_a"), registry_, Timestamp{});
    EXPECT_TRUE(d.has_value()) << d.error().message;
    r.relay_org = d->relay_org;
    r.via_ceptoar = d->via_ceptoar;
    r.released = d->released;
    r.deliveries = d->deliveries;
    return r;
  }
  void Release(Report& r) {
    for (auto& d : DeliveriesAtRelay(r, registry_, Timestamp{})) r.deliveries.push_back(d);
    r.released = true;
  }
  const Organization* Org(std::string_view id) { return registry_.FindOrganization(id); }
  View ViewOf(std::string_view org, const Report& r) { return Visibility(Org(org), r, registry_); }

  Registry registry_;
};

TEST_F(VisibilityTest, DirectGreenEveryoneReachesEveryMemberButNotThePublic) {
  Report r = Submit(Route::kDirect, Tlp::kGreen, {.everyone = true});
  for (auto org : {"nisc", "meti", "eisac", "jpcert", "npa", "power_a", "power_b", "gas_c"})
    EXPECT_EQ(ViewOf(org, r), View::kFull) << org;
  EXPECT_EQ(Visibility(nullptr, r, registry_), View::kNone);
}

TEST_F(VisibilityTest, ClearEveryoneReachesThePublic) {
  Report r = Submit(Route::kDirect, Tlp::kClear, {.everyone = true});
  EXPECT_EQ(Visibility(nullptr, r, registry_), View::kFull);
}

TEST_F(VisibilityTest, DirectRouteDeliversToMinistryAndNisc) {
  Report r = Submit(Route::kDirect, Tlp::kRed, {});
  ASSERT_EQ(r.deliveries.size(), 2u);
  EXPECT_EQ(r.deliveries[0].organization, "meti");
  EXPECT_EQ(r.deliveries[1].organization, "nisc");
  EXPECT_EQ(ViewOf("meti", r), View::kFull);
  EXPECT_EQ(ViewOf("nisc", r), View::kFull);
  EXPECT_EQ(ViewOf("power_b", r), View::kNone);
  EXPECT_EQ(ViewOf("eisac", r), View::kNone);
}

TEST_F(VisibilityTest, AmberSectorAudienceReachesTheSectorOnly) {
  Report r = Submit(Route::kDirect, Tlp::kAmber, {.sectors = {"electric_power"}});
  EXPECT_EQ(ViewOf("power_b", r), View::kFull);
  EXPECT_EQ(ViewOf("gas_c", r), View::kNone);
}

TEST_F(VisibilityTest, AmberStrictIgnoresSectorsEvenIfStored) {
  Report r = Submit(Route::kDirect, Tlp::kAmberStrict, {.sectors = {"electric_power"}, .organizations = {"gas_c"}});
  EXPECT_EQ(ViewOf("power_b", r), View::kNone);
  EXPECT_EQ(ViewOf("gas_c", r), View::kFull);
}

TEST_F(VisibilityTest, AmberNeverReachesEveryoneEvenIfStored) {
  Report r = Submit(Route::kDirect, Tlp::kAmber, {.everyone = true});
  EXPECT_EQ(ViewOf("gas_c", r), View::kNone);
}

TEST_F(VisibilityTest, ViaCeptoarReachesOnlyTheSecretariatUntilRelayed) {
  Report r = Submit(Route::kViaCeptoar, Tlp::kGreen, {.everyone = true});
  EXPECT_EQ(ViewOf("eisac", r), View::kFull);
  EXPECT_EQ(ViewOf("nisc", r), View::kNone);
  EXPECT_EQ(ViewOf("power_b", r), View::kNone);
  Release(r);
  EXPECT_EQ(ViewOf("nisc", r), View::kFull);
  EXPECT_EQ(ViewOf("power_b", r), View::kFull);
}

TEST_F(VisibilityTest, AnonymizedHidesTheSourceFromAllButSubmitterAndRelay) {
  Report r = Submit(Route::kViaCeptoar, Tlp::kGreen, {.everyone = true}, /*anonymized=*/true);
  Release(r);
  EXPECT_EQ(ViewOf("power_a", r), View::kFull);
  EXPECT_EQ(ViewOf("eisac", r), View::kFull);
  EXPECT_EQ(ViewOf("nisc", r), View::kSourceHidden);
  EXPECT_EQ(ViewOf("power_b", r), View::kSourceHidden);
}

TEST_F(VisibilityTest, PresentScrubsTheSourceEverywhere) {
  Report r = Submit(Route::kViaCeptoar, Tlp::kGreen, {.everyone = true, .organizations = {"power_a"}}, true);
  r.content.title = "Outage at power_a Corp substation";
  r.content.text = "POWER_A CORP staff saw it";
  r.content.facts = {{"note", "power_a社 control room"}};
  const std::vector<std::string> terms{"power_a", "alice", "power_a社", "power_a Corp"};
  Report shown = Present(r, View::kSourceHidden, terms);
  EXPECT_TRUE(shown.submitter_org.empty());
  EXPECT_TRUE(shown.submitter_principal.empty());
  const std::string all = shown.content.title + shown.content.text + shown.content.facts.dump();
  EXPECT_EQ(all.find("power_a"), std::string::npos) << all;
  EXPECT_EQ(all.find("POWER_A"), std::string::npos) << all;
  EXPECT_TRUE(shown.content.audience.organizations.empty());
}

TEST_F(VisibilityTest, PresentScrubsWidthCaseAndSeparatorVariantsAndRevisionNotes) {
  Report r = Submit(Route::kViaCeptoar, Tlp::kGreen, {.everyone = true}, true);
  r.content.title = "ＫＡＮＴＯ－ＰＯＷＥＲで障害";
  r.content.text = "kanto power の担当 Jiro Tanaka (mail.kanto-power.co.jp)";
  r.content.services = {"Kanto-Power 送電"};
  r.content.indicators = {{.type = "domain-name", .value = "mail.KANTO-POWER.co.jp"}};
  const std::vector<std::string> terms{"Kanto Power", "kanto-power.co.jp", "Jiro Tanaka"};
  Report shown = Present(r, View::kSourceHidden, terms);
  EXPECT_EQ(shown.content.title, "[anonymized]で障害");
  EXPECT_EQ(shown.content.text, "[anonymized] の担当 [anonymized] (mail.[anonymized])");
  EXPECT_EQ(shown.content.services, std::vector<std::string>{"[anonymized] 送電"});
  EXPECT_EQ(shown.content.indicators[0].value, "mail.[anonymized]");

  Revision rev{.report_id = r.id,
               .number = 2,
               .content = r.content,
               .author_org = r.submitter_org,
               .note = "Jiro Tanaka が追記"};
  Revision shown_rev = Present(rev, r, View::kSourceHidden, terms);
  EXPECT_EQ(shown_rev.note, "[anonymized] が追記");
  EXPECT_TRUE(shown_rev.author_org.empty());
  EXPECT_EQ(shown_rev.content.title, "[anonymized]で障害");
}

TEST_F(VisibilityTest, ContactsAreForTheOrganizationNiscItsMinistryAndItsSecretariat) {
  const Organization& power_a = *Org("power_a");
  for (const char* may : {"power_a", "nisc", "meti", "eisac"})
    EXPECT_TRUE(ContactsVisible(Org(may), power_a, registry_)) << may;
  for (const char* may_not : {"power_b", "gas_c", "jpcert", "npa"})
    EXPECT_FALSE(ContactsVisible(Org(may_not), power_a, registry_)) << may_not;
  EXPECT_FALSE(ContactsVisible(nullptr, power_a, registry_));
  // power_b is in no CEPTOAR: its secretariat is nobody's.
  EXPECT_FALSE(ContactsVisible(Org("eisac"), *Org("power_b"), registry_));
  EXPECT_TRUE(ContactsVisible(Org("meti"), *Org("power_b"), registry_));
}

TEST_F(VisibilityTest, CrimeReportReachesIncidentAgencies) {
  Report r = Submit(Route::kDirect, Tlp::kRed, {}, false, ReportKind::kCrimeReport);
  EXPECT_EQ(ViewOf("npa", r), View::kFull);
}

TEST_F(VisibilityTest, ViewerKeysOfSecretariatIncludeItsCeptoar) {
  const auto keys = ViewerKeys(Org("eisac"), registry_);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "ceptoar:electricity_ceptoar"), keys.end());
}

TEST(RouteTest, DirectCannotBeAnonymized) {
  Registry registry(testing::SharingTestRegistryData());
  auto d = RouteAtSubmit({.route = Route::kDirect, .anonymized = true}, ReportKind::kAttackInfo,
                         *registry.FindOrganization("power_a"), registry, Timestamp{});
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().field, "anonymized");
  EXPECT_EQ(d.error().message, "anonymity needs a relayed route (via_ceptoar or via_agency)");
}

TEST(RouteTest, ViaCeptoarNeedsMembership) {
  Registry registry(testing::SharingTestRegistryData());
  auto d = RouteAtSubmit({.route = Route::kViaCeptoar}, ReportKind::kAttackInfo,
                         *registry.FindOrganization("gas_c"), registry, Timestamp{});
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message, "via_ceptoar needs a CEPTOAR membership; your organization has none");
}

TEST(RouteTest, ViaAgencyNeedsASecurityAgency) {
  Registry registry(testing::SharingTestRegistryData());
  auto d = RouteAtSubmit({.route = Route::kViaAgency, .agency = "npa"}, ReportKind::kAttackInfo,
                         *registry.FindOrganization("power_a"), registry, Timestamp{});
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().field, "agency");
  EXPECT_EQ(d.error().message, "'npa' is not a security agency; one of: jpcert");
}

TEST(RouteTest, AudienceEveryoneNeedsClearOrGreen) {
  Registry registry(testing::SharingTestRegistryData());
  auto v = ValidateAudience({.everyone = true}, Tlp::kAmber, registry, "audience");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().field, "audience.everyone");
  auto unknown = ValidateAudience({.sectors = {"space"}}, Tlp::kGreen, registry, "audience");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().field, "audience.sectors[0]");
  EXPECT_EQ(unknown.error().message, "unknown id 'space'");
}

TEST(AlertVisibilityTest, RaiserAndNiscSeeAllRecipientsSeeTheirRowOthersNothing) {
  const Registry registry(testing::SharingTestRegistryData());
  Alert alert{.id = "alt_1", .report_id = "rpt_1", .raised_by_org = "eisac",
              .recipients = {{.organization = "power_a"}, {.organization = "power_b"}}};
  auto org = [&](std::string_view id) { return registry.FindOrganization(id); };
  EXPECT_EQ(AlertVisibility(org("eisac"), alert), AlertView::kFull);
  EXPECT_EQ(AlertVisibility(org("nisc"), alert), AlertView::kFull);
  EXPECT_EQ(AlertVisibility(org("power_a"), alert), AlertView::kOwnRow);
  EXPECT_EQ(AlertVisibility(org("gas_c"), alert), AlertView::kNone);
  EXPECT_EQ(AlertVisibility(org("meti"), alert), AlertView::kNone);
  EXPECT_EQ(AlertVisibility(nullptr, alert), AlertView::kNone);

  const Alert own = PresentAlert(alert, AlertView::kOwnRow, *org("power_a"), registry, /*show_report=*/false);
  ASSERT_EQ(own.recipients.size(), 1u);
  EXPECT_EQ(own.recipients[0].organization, "power_a");
  EXPECT_EQ(own.report_id, "");
  const Alert full = PresentAlert(alert, AlertView::kFull, *org("nisc"), registry, /*show_report=*/true);
  EXPECT_EQ(full.recipients.size(), 2u);
  EXPECT_EQ(full.report_id, "rpt_1");
}

TEST(AlertVisibilityTest, ARaiserReadsTheContactsOfARecipientOnlyWhereTheRegistryLetsIt) {
  RegistryData data = testing::SharingTestRegistryData();
  for (auto& o : data.organizations)
    o.contacts = {{.name = o.id + " desk", .email = "soc@" + o.id + ".example.jp", .phone = "03-0000-0000"}};
  const Registry registry(std::move(data));
  auto row = [&](const std::string& id) {
    return AlertRecipient{.organization = id,
                          .contacts = HotlineContacts(*registry.FindOrganization(id), /*backup=*/false)};
  };
  Alert alert{
      .id = "alt_3", .raised_by_org = "eisac", .recipients = {row("power_a"), row("power_b"), row("gas_c")}};
  // A contact changed in the registry since the alert: its name still shows.
  alert.recipients[2].contacts.push_back("Night Desk <night@gas_c.example.jp>, +81 3-1111-2222");
  auto contacts_seen_by = [&](std::string_view viewer) {
    std::map<std::string, std::vector<std::string>> seen;
    for (const auto& r :
         PresentAlert(alert, AlertView::kFull, *registry.FindOrganization(viewer), registry, true).recipients)
      seen[r.organization] = r.contacts;
    return seen;
  };
  // The CEPTOAR's secretariat reads its member's contacts, not the others'.
  auto by_eisac = contacts_seen_by("eisac");
  EXPECT_EQ(by_eisac["power_a"], row("power_a").contacts);
  EXPECT_EQ(by_eisac["power_b"], std::vector<std::string>{"power_b desk"});
  EXPECT_EQ(by_eisac["gas_c"], (std::vector<std::string>{"gas_c desk", "Night Desk"}));
  // NISC reads every one; a security agency none.
  auto by_nisc = contacts_seen_by("nisc");
  EXPECT_EQ(by_nisc["power_b"], row("power_b").contacts);
  for (const auto& [org, contacts] : contacts_seen_by("jpcert"))
    for (const auto& c : contacts) EXPECT_EQ(c.find('@'), std::string::npos) << org << ": " << c;
  // A recipient reads its own.
  auto own = PresentAlert(alert, AlertView::kOwnRow, *registry.FindOrganization("gas_c"), registry, true);
  EXPECT_EQ(own.recipients[0].contacts, alert.recipients[2].contacts);
}

TEST(AlertVisibilityTest, ASystemRaisedAlertHasNoRaiserToSeeIt) {
  const Registry registry(testing::SharingTestRegistryData());
  Alert alert{.id = "alt_2", .raised_by_org = "", .recipients = {{.organization = "meti"}}};
  EXPECT_EQ(AlertVisibility(registry.FindOrganization("power_a"), alert), AlertView::kNone);
  EXPECT_EQ(AlertVisibility(registry.FindOrganization("meti"), alert), AlertView::kOwnRow);
}

}  // namespace
}  // namespace infrashare
