#include "domain/registry/registry_rules.h"

#include <gtest/gtest.h>

namespace infrashare {
namespace {

// A small valid registry, built in code as the store or the API would.
RegistryData Minimal() {
  RegistryData d;
  d.sectors = {Sector{.id = "finance", .name_ja = "金融", .name_en = "Finance", .ministry = "fsa"}};
  d.organizations = {
      Organization{.id = "nisc", .kind = OrgKind::kCoordinationCenter, .name_ja = "NISC", .name_en = "NISC"},
      Organization{.id = "fsa", .kind = OrgKind::kMinistry, .name_ja = "金融庁", .name_en = "FSA"},
      Organization{.id = "zenginkyo",
                   .kind = OrgKind::kCeptoarSecretariat,
                   .name_ja = "全国銀行協会",
                   .name_en = "Japanese Bankers Association",
                   .sectors = {"finance"}},
  };
  d.ceptoars = {Ceptoar{.id = "banks_ceptoar",
                        .name_ja = "銀行等CEPTOAR",
                        .name_en = "Banks CEPTOAR",
                        .sector = "finance",
                        .scope_ja = "銀行等",
                        .scope_en = "banks etc.",
                        .secretariats = {"zenginkyo"},
                        .members = {.ja = "1,352社", .en = "1,352 companies", .count = 1352}}};
  d.groups = {SharingGroup{
      .id = "financials_isac", .name_ja = "金融ISAC", .name_en = "Financials ISAC", .nda = true}};
  return d;
}

// "FIELD | MESSAGE" of the first rule `data` breaks.
std::string Broken(const RegistryData& data) {
  auto valid = ValidateRegistry(data);
  if (valid) return "(valid)";
  EXPECT_EQ(valid.error().code, ErrorCode::kInvalidArgument);
  return valid.error().field + " | " + valid.error().message;
}

TEST(ValidateRegistry, MinimalIsValid) { EXPECT_EQ(Broken(Minimal()), "(valid)"); }

TEST(ValidateRegistry, Ids) {
  auto d = Minimal();
  d.groups.push_back(d.groups[0]);
  EXPECT_EQ(Broken(d), "groups[1].id | duplicate group id \"financials_isac\" (also groups[0])");
  d = Minimal();
  d.sectors[0].id = "";
  EXPECT_EQ(
      Broken(d),
      "sectors[0].id | sector id \"\" must be 1-64 lowercase letters, digits, '_' or '-', starting with a "
      "letter or digit");
  d = Minimal();
  d.ceptoars[0].id = "_banks";
  EXPECT_EQ(Broken(d),
            "ceptoars[0].id | CEPTOAR id \"_banks\" must be 1-64 lowercase letters, digits, '_' or '-', "
            "starting with a letter or digit");
  d = Minimal();
  d.organizations[2].id = std::string(65, 'a');
  EXPECT_EQ(Broken(d),
            "organizations[2].id | organization id \"" + std::string(65, 'a') +
                "\" must be 1-64 lowercase letters, digits, '_' or '-', starting with a letter or digit");
}

TEST(ValidateRegistry, SameIdInDifferentKindsIsFine) {
  auto d = Minimal();
  d.groups[0].id = "zenginkyo";
  d.organizations[2].groups = {"zenginkyo"};
  EXPECT_EQ(Broken(d), "(valid)");
}

TEST(ValidateRegistry, ListsNameEachIdOnce) {
  auto d = Minimal();
  d.organizations[2].sectors.push_back("finance");
  EXPECT_EQ(Broken(d),
            "organizations[2].sectors[1] | organization \"zenginkyo\": sector \"finance\" is listed twice");
  d = Minimal();
  d.ceptoars[0].secretariats.push_back("zenginkyo");
  EXPECT_EQ(
      Broken(d),
      "ceptoars[0].secretariats[1] | CEPTOAR \"banks_ceptoar\": secretariat \"zenginkyo\" is listed twice");
}

TEST(ValidateRegistry, OrganizationReferences) {
  auto d = Minimal();
  d.organizations[2].ceptoars = {"bank_ceptoar"};
  EXPECT_EQ(Broken(d),
            "organizations[2].ceptoars[0] | organization \"zenginkyo\": unknown CEPTOAR \"bank_ceptoar\"");
}

TEST(ValidateRegistry, ContactNeedsAWayToReachIt) {
  auto d = Minimal();
  d.organizations[0].contacts.push_back(Contact{.name = "Duty officer"});
  EXPECT_EQ(
      Broken(d),
      "organizations[0].contacts[0] | organization \"nisc\": contact \"Duty officer\" needs an email or a "
      "phone");
  d.organizations[0].contacts[0] = Contact{.email = "duty@example.jp"};
  EXPECT_EQ(Broken(d), "organizations[0].contacts[0].name | organization \"nisc\": a contact needs a name");
  d.organizations[0].contacts[0].name = "Duty officer";
  EXPECT_EQ(Broken(d), "(valid)");
}

TEST(ValidateRegistry, CeptoarNeedsASecretariat) {
  auto d = Minimal();
  d.ceptoars[0].secretariats.clear();
  EXPECT_EQ(Broken(d),
            "ceptoars[0].secretariats | CEPTOAR \"banks_ceptoar\": needs at least one secretariat");
}

TEST(ValidateRegistry, NegativeCount) {
  auto d = Minimal();
  d.ceptoars[0].members.count = -1;
  EXPECT_EQ(Broken(d),
            "ceptoars[0].members.count | CEPTOAR \"banks_ceptoar\": members.count must not be negative");
}

TEST(ValidateRegistry, NeedsACoordinationCenter) {
  auto d = Minimal();
  d.organizations[0].kind = OrgKind::kOther;
  EXPECT_EQ(
      Broken(d),
      "organizations | there must be exactly one organization of kind coordination_center (NISC); there is "
      "none");
  EXPECT_EQ(
      Broken(RegistryData{}),
      "organizations | there must be exactly one organization of kind coordination_center (NISC); there is "
      "none");
}

TEST(CheckDomainNameTest, TakesLowerCaseNamesOfTwoLabelsOrMore) {
  for (const char* ok : {"kanto-power.co.jp", "a.jp", "x1.example.com"})
    EXPECT_TRUE(CheckDomainName(ok, "d")) << ok;
  for (const char* bad :
       {"", "jp", "Kanto.jp", "a..jp", ".a.jp", "a.jp.", "-a.jp", "a-.jp", "a_b.jp", "a b.jp", "ａ.jp"}) {
    auto r = CheckDomainName(bad, "domains[0]");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "domains[0]") << bad;
  }
  EXPECT_FALSE(CheckDomainName(std::string(64, 'a') + ".jp", "d")) << "a label of 64";
}

}  // namespace
}  // namespace infrashare
