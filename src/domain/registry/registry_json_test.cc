#include "domain/registry/registry_json.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "domain/registry/registry_file.h"

namespace infrashare {
namespace {

RegistryData Shipped() {
  std::ifstream in("data/registry/registry.toml", std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto data = ParseRegistryToml(text.str(), "data/registry/registry.toml");
  EXPECT_TRUE(data.has_value()) << data.error().message;
  return data ? *std::move(data) : RegistryData{};
}

// FromJson(ToJson(x)) writes the same JSON again, for every entity shipped.
TEST(RegistryJson, RoundTripsTheShippedRegistry) {
  const RegistryData data = Shipped();
  for (const auto& s : data.sectors) {
    auto back = SectorFromJson(ToJson(s));
    ASSERT_TRUE(back.has_value()) << s.id << ": " << back.error().message;
    EXPECT_EQ(ToJson(*back), ToJson(s));
  }
  for (const auto& c : data.ceptoars) {
    auto back = CeptoarFromJson(ToJson(c));
    ASSERT_TRUE(back.has_value()) << c.id << ": " << back.error().message;
    EXPECT_EQ(ToJson(*back), ToJson(c));
  }
  for (const auto& g : data.groups) {
    auto back = GroupFromJson(ToJson(g));
    ASSERT_TRUE(back.has_value()) << g.id << ": " << back.error().message;
    EXPECT_EQ(ToJson(*back), ToJson(g));
  }
  for (const auto& o : data.organizations) {
    auto back = OrganizationFromJson(ToJson(o));
    ASSERT_TRUE(back.has_value()) << o.id << ": " << back.error().message;
    EXPECT_EQ(ToJson(*back), ToJson(o));
  }
}

TEST(RegistryJson, CeptoarShape) {
  Ceptoar c{.id = "securities_ceptoar",
            .name_ja = "証券CEPTOAR",
            .name_en = "Securities CEPTOAR",
            .sector = "finance",
            .scope_ja = "証券",
            .scope_en = "securities",
            .secretariats = {"jsda"},
            .members = {.ja = "272社 ７機関", .en = "272 companies, 7 institutions", .count = 279},
            .further_recipients = {}};
  EXPECT_EQ(ToJson(c), Json::parse(R"({
    "id": "securities_ceptoar", "name_ja": "証券CEPTOAR", "name_en": "Securities CEPTOAR",
    "sector": "finance", "scope_ja": "証券", "scope_en": "securities", "secretariats": ["jsda"],
    "members": {"ja": "272社 ７機関", "en": "272 companies, 7 institutions", "count": 279},
    "further_recipients": {"ja": "", "en": ""}})"));
}

TEST(RegistryJson, OrganizationShape) {
  Organization o{.id = "nisc",
                 .kind = OrgKind::kCoordinationCenter,
                 .name_ja = "内閣サイバーセキュリティセンター",
                 .name_en = "NISC",
                 .aliases = {"内閣サイバー"},
                 .domains = {"nisc.go.jp"},
                 .contacts = {Contact{.name = "Duty officer", .email = "duty@example.jp"},
                              Contact{.name = "Deputy", .phone = "+81-3-0000-0000", .backup = true}}};
  const Json expected = Json::parse(R"({
    "id": "nisc", "kind": "coordination_center", "name_ja": "内閣サイバーセキュリティセンター", "name_en": "NISC",
    "sectors": [], "ceptoars": [], "groups": [], "aliases": ["内閣サイバー"], "domains": ["nisc.go.jp"],
    "contacts": [{"name": "Duty officer", "email": "duty@example.jp", "phone": "", "backup": false},
                 {"name": "Deputy", "email": "", "phone": "+81-3-0000-0000", "backup": true}]})");
  EXPECT_EQ(ToJson(o), expected);
  auto back = OrganizationFromJson(expected);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_EQ(back->contacts.size(), 2u);
  EXPECT_EQ(back->aliases, std::vector<std::string>{"内閣サイバー"});
  EXPECT_EQ(back->domains, std::vector<std::string>{"nisc.go.jp"});
  EXPECT_TRUE(back->contacts[1].backup);
  EXPECT_FALSE(back->contacts[0].backup);
}

TEST(RegistryJson, OptionalMembersMayBeLeftOut) {
  auto o = OrganizationFromJson(
      Json::parse(R"({"id": "acme", "kind": "operator", "name_ja": "アクメ", "name_en": "Acme"})"));
  ASSERT_TRUE(o.has_value()) << o.error().message;
  EXPECT_EQ(o->kind, OrgKind::kOperator);
  EXPECT_TRUE(o->sectors.empty());
  EXPECT_TRUE(o->contacts.empty());
  auto c = CeptoarFromJson(Json::parse(R"({"id": "x", "name_ja": "x", "name_en": "x", "sector": "gas",
    "scope_ja": "x", "scope_en": "x", "secretariats": ["jga"], "members": {"ja": "1社", "en": "1 company"},
    "further_recipients": {"ja": "", "en": "", "count": null}})"));
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_FALSE(c->members.count.has_value());
  EXPECT_FALSE(c->further_recipients.count.has_value());
}

TEST(RegistryJson, UnknownKind) {
  auto o =
      OrganizationFromJson(Json::parse(R"({"id": "x", "kind": "agency", "name_ja": "x", "name_en": "x"})"));
  ASSERT_FALSE(o.has_value());
  EXPECT_EQ(o.error().field, "kind");
  EXPECT_EQ(o.error().message,
            "unknown organization kind \"agency\"; must be one of: coordination_center, ministry, "
            "ceptoar_secretariat, operator, security_agency, incident_agency, disaster_agency, "
            "crisis_office, vendor, "
            "other");
}

TEST(RegistryJson, ErrorsNameTheField) {
  auto s = SectorFromJson(Json::parse(R"({"id": "gas", "name_ja": "ガス", "name_en": "Gas"})"));
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().field, "ministry");
  EXPECT_EQ(s.error().message, "is required");

  auto g = GroupFromJson(Json::parse(R"({"id": "g", "name_ja": "g", "name_en": "g", "nda": "yes"})"));
  ASSERT_FALSE(g.has_value());
  EXPECT_EQ(g.error().field, "nda");
  EXPECT_EQ(g.error().message, "must be true or false");

  auto extra = SectorFromJson(
      Json::parse(R"({"id": "gas", "name_ja": "ガス", "name_en": "Gas", "ministry": "meti", "x": 1})"));
  ASSERT_FALSE(extra.has_value());
  EXPECT_EQ(extra.error().field, "x");
  EXPECT_EQ(extra.error().message, "is not a known field");

  auto count = CeptoarFromJson(Json::parse(R"({"id": "x", "name_ja": "x", "name_en": "x", "sector": "gas",
    "scope_ja": "x", "scope_en": "x", "secretariats": ["jga"], "members": {"ja": "1社", "en": "1 company", "count": -1},
    "further_recipients": {"ja": "", "en": ""}})"));
  ASSERT_FALSE(count.has_value());
  EXPECT_EQ(count.error().field, "members.count");

  auto contact =
      OrganizationFromJson(Json::parse(R"({"id": "x", "kind": "operator", "name_ja": "x", "name_en": "x",
    "contacts": [{"name": "a", "email": "a@example.jp"}, {"name": "b", "fax": "1"}]})"));
  ASSERT_FALSE(contact.has_value());
  EXPECT_EQ(contact.error().field, "contacts[1].fax");
}

}  // namespace
}  // namespace infrashare
