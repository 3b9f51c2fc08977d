#include "domain/sharing/source_identity.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace infrashare {
namespace {

bool Has(const std::vector<std::string>& list, std::string_view s) { return std::ranges::find(list, s) != list.end(); }

TEST(SourceIdentityTest, NamesWithoutTheirLegalForm) {
  EXPECT_EQ(WithoutLegalForm("関東電力株式会社"), "関東電力");
  EXPECT_EQ(WithoutLegalForm("株式会社関東電力"), "関東電力");
  EXPECT_EQ(WithoutLegalForm("一般社団法人JPCERTコーディネーションセンター"), "JPCERTコーディネーションセンター");
  EXPECT_EQ(WithoutLegalForm("Kanto Power Co., Inc."), "Kanto Power");
  EXPECT_EQ(WithoutLegalForm("Kanto Power Co.,Ltd."), "Kanto Power");
  EXPECT_EQ(WithoutLegalForm("KANTO POWER CORPORATION"), "KANTO POWER");
  EXPECT_EQ(WithoutLegalForm("（株）関東電力"), "関東電力");
  EXPECT_EQ(WithoutLegalForm("Kanto Power"), "Kanto Power");
  EXPECT_EQ(WithoutLegalForm("株式会社"), "株式会社") << "nothing left: the name as it is";
}

TEST(SourceIdentityTest, HoldsTheOrganizationItsContactsAndEveryPrincipal) {
  Organization org{
      .id = "kanto_power",
      .name_ja = "関東電力株式会社",
      .name_en = "Kanto Power Co., Inc.",
      .aliases = {"関電東", "KPC Ltd."},
      .domains = {"kanto-power.co.jp"},
      .contacts = {{.name = "夜間 当番", .email = "soc@kanto-power.example.jp", .phone = "03-1234-5678"}}};
  const std::vector<Principal> people{{.id = "kp_soc", .name = "Hanako Sato"}, {.id = "kp_lead", .name = "Jiro Tanaka"}};
  const auto terms = SourceIdentity("kanto_power", &org, people);
  for (const char* t : {"kanto_power", "関東電力株式会社", "関東電力", "Kanto Power Co., Inc.", "Kanto Power",
                        "夜間 当番", "soc@kanto-power.example.jp", "03-1234-5678", "kp_soc", "Hanako Sato",
                        "kp_lead", "Jiro Tanaka", "関電東", "KPC Ltd.", "KPC", "kanto-power.co.jp"})
    EXPECT_TRUE(Has(terms, t)) << t;
  EXPECT_TRUE(std::ranges::is_sorted(terms));
  EXPECT_TRUE(std::ranges::none_of(terms, [](const std::string& t) { return t.empty(); }));

  const auto gone = SourceIdentity("old_org", nullptr, people);
  EXPECT_TRUE(Has(gone, "old_org"));
  EXPECT_TRUE(Has(gone, "Jiro Tanaka"));
}

}  // namespace
}  // namespace infrashare
