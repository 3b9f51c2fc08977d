#include "domain/registry/registry.h"

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "domain/registry/registry_file.h"

namespace infrashare {
namespace {

// The shipped registry (tests run with the working directory at the
// repository root).
std::shared_ptr<const Registry> Shipped() {
  std::ifstream in("data/registry/registry.toml", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto data = ParseRegistryToml(text.str(), "data/registry/registry.toml");
  EXPECT_TRUE(data.has_value()) << data.error().message;
  return std::make_shared<const Registry>(data ? *std::move(data) : RegistryData{});
}

std::vector<std::string> Ids(const auto& items) {
  std::vector<std::string> out;
  for (const auto* item : items) out.push_back(item->id);
  return out;
}

TEST(Registry, FindsEachKindById) {
  auto registry = Shipped();
  ASSERT_NE(registry->FindSector("water"), nullptr);
  EXPECT_EQ(registry->FindSector("water")->ministry, "mhlw");
  ASSERT_NE(registry->FindCeptoar("gas_ceptoar"), nullptr);
  EXPECT_EQ(registry->FindCeptoar("gas_ceptoar")->name_ja, "GAS CEPTOAR");
  ASSERT_NE(registry->FindGroup("ceptoar_council"), nullptr);
  EXPECT_FALSE(registry->FindGroup("ceptoar_council")->nda);
  ASSERT_NE(registry->FindOrganization("jpcert"), nullptr);
  EXPECT_EQ(registry->FindOrganization("jpcert")->kind, OrgKind::kSecurityAgency);
}

TEST(Registry, UnknownIdsAreNotFound) {
  auto registry = Shipped();
  EXPECT_EQ(registry->FindSector("ports"), nullptr);
  EXPECT_EQ(registry->FindCeptoar(""), nullptr);
  EXPECT_EQ(registry->FindGroup("nisc"), nullptr);
  EXPECT_EQ(registry->FindOrganization("finance"), nullptr);  // a sector, not an organization
}

TEST(Registry, KindsAreSeparateNameSpaces) {
  auto registry = Shipped();
  // ICT-ISAC is both the T-CEPTOAR's secretariat and a sharing group.
  ASSERT_NE(registry->FindOrganization("ict_isac"), nullptr);
  ASSERT_NE(registry->FindGroup("ict_isac"), nullptr);
  EXPECT_TRUE(registry->FindGroup("ict_isac")->nda);
}

TEST(Registry, OrganizationsOfKind) {
  auto registry = Shipped();
  EXPECT_EQ(Ids(registry->OrganizationsOfKind(OrgKind::kMinistry)),
            (std::vector<std::string>{"fsa", "mic", "mhlw", "meti", "mlit"}));
  EXPECT_EQ(Ids(registry->OrganizationsOfKind(OrgKind::kSecurityAgency)),
            (std::vector<std::string>{"nict", "ipa", "jpcert"}));
  EXPECT_EQ(Ids(registry->OrganizationsOfKind(OrgKind::kIncidentAgency)),
            (std::vector<std::string>{"npa", "mod"}));
  EXPECT_EQ(registry->OrganizationsOfKind(OrgKind::kCeptoarSecretariat).size(), 20u);
  EXPECT_TRUE(registry->OrganizationsOfKind(OrgKind::kVendor).empty());
}

TEST(Registry, CeptoarsRunBy) {
  auto registry = Shipped();
  EXPECT_EQ(Ids(registry->CeptoarsRunBy("nhk")), (std::vector<std::string>{"broadcasting_ceptoar"}));
  EXPECT_EQ(Ids(registry->CeptoarsRunBy("jba")), (std::vector<std::string>{"broadcasting_ceptoar"}));
  EXPECT_EQ(Ids(registry->CeptoarsRunBy("electricity_isac")),
            (std::vector<std::string>{"electricity_ceptoar"}));
  EXPECT_TRUE(registry->CeptoarsRunBy("nisc").empty());
  EXPECT_TRUE(registry->CeptoarsRunBy("nobody").empty());
}

TEST(Registry, CoordinationCenter) {
  auto registry = Shipped();
  ASSERT_NE(registry->CoordinationCenter(), nullptr);
  EXPECT_EQ(registry->CoordinationCenter()->id, "nisc");
  EXPECT_EQ(Registry(RegistryData{}).CoordinationCenter(), nullptr);
}

TEST(Registry, PointersStayValidWhileTheRegistryLives) {
  Registry registry(RegistryData{
      .sectors = {Sector{.id = "gas", .name_ja = "ガス", .name_en = "Gas", .ministry = "meti"}}});
  const Sector* gas = registry.FindSector("gas");
  ASSERT_NE(gas, nullptr);
  EXPECT_EQ(gas, &registry.data().sectors[0]);
}

TEST(Registry, SearchesOrganizationsByIdAndEitherNameAsPeopleWriteThem) {
  auto registry = Shipped();
  for (const char* query : {"jpcert", "ＪＰＣＥＲＴ", "JPCERT/CC", "jpcertcc", "コーディネーション",
                            "coordination center", "Coordination-Center"}) {
    auto found = Ids(registry->SearchOrganizations(query));
    EXPECT_NE(std::ranges::find(found, "jpcert"), found.end()) << query;
  }
  EXPECT_TRUE(registry->SearchOrganizations("no such organization anywhere").empty());
  EXPECT_EQ(registry->SearchOrganizations("").size(), registry->data().organizations.size());
  // A query never matches across the id and a name.
  const Organization& first = registry->data().organizations.front();
  EXPECT_TRUE(registry->SearchOrganizations(first.id + first.name_ja).empty());
}

}  // namespace
}  // namespace infrashare
