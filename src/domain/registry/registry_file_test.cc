#include "domain/registry/registry_file.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

namespace infrashare {
namespace {

// Tests run with the working directory at the repository root.
constexpr const char* kShippedFile = "data/registry/registry.toml";

std::string ReadShipped() {
  std::ifstream in(kShippedFile, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

RegistryData LoadShipped() {
  const std::string text = ReadShipped();
  EXPECT_FALSE(text.empty()) << "cannot read " << kShippedFile;
  auto data = ParseRegistryToml(text, kShippedFile);
  EXPECT_TRUE(data.has_value()) << data.error().message;
  return data ? *data : RegistryData{};
}

template <class T>
const T* ById(const std::vector<T>& items, std::string_view id) {
  for (const auto& item : items)
    if (item.id == id) return &item;
  return nullptr;
}

// ---------------------------------------------------------------------------
// The shipped registry matches the plan.

TEST(ShippedRegistry, ParsesAndValidates) {
  const RegistryData data = LoadShipped();
  EXPECT_TRUE(ValidateRegistry(data).has_value());
}

TEST(ShippedRegistry, HasTheFourteenSectorsInThePlansOrder) {
  const RegistryData data = LoadShipped();
  std::vector<std::string> ids;
  for (const auto& s : data.sectors) ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"information_communications", "finance", "aviation", "airports",
                                           "railways", "electric_power", "gas", "government", "medical",
                                           "water", "logistics", "chemical", "credit_cards", "petroleum"}));
  EXPECT_EQ(ById(data.sectors, "electric_power")->name_ja, "電力");
  EXPECT_EQ(ById(data.sectors, "government")->name_ja, "政府・行政サービス（含・地方公共団体）");
}

TEST(ShippedRegistry, EverySectorHasThePlansMinistry) {
  // 重要インフラ所管省庁（５省庁）
  const std::map<std::string, std::string> jurisdiction{
      {"finance", "fsa"},       {"information_communications", "mic"},
      {"government", "mic"},    {"medical", "mhlw"},
      {"water", "mhlw"},        {"electric_power", "meti"},
      {"gas", "meti"},          {"chemical", "meti"},
      {"credit_cards", "meti"}, {"petroleum", "meti"},
      {"aviation", "mlit"},     {"airports", "mlit"},
      {"railways", "mlit"},     {"logistics", "mlit"},
  };
  const RegistryData data = LoadShipped();
  ASSERT_EQ(data.sectors.size(), jurisdiction.size());
  for (const auto& s : data.sectors) EXPECT_EQ(s.ministry, jurisdiction.at(s.id)) << s.id;
}

TEST(ShippedRegistry, HasFiveMinistriesAndOneCoordinationCenter) {
  const RegistryData data = LoadShipped();
  std::set<std::string> ministries, centers;
  for (const auto& o : data.organizations) {
    if (o.kind == OrgKind::kMinistry) ministries.insert(o.id);
    if (o.kind == OrgKind::kCoordinationCenter) centers.insert(o.id);
  }
  EXPECT_EQ(ministries, (std::set<std::string>{"fsa", "mic", "mhlw", "meti", "mlit"}));
  EXPECT_EQ(centers, (std::set<std::string>{"nisc"}));
  EXPECT_EQ(ById(data.organizations, "meti")->name_ja, "経済産業省");
}

TEST(ShippedRegistry, HasNineteenCeptoars) {
  const RegistryData data = LoadShipped();
  EXPECT_EQ(data.ceptoars.size(), 19u);
  std::map<std::string, int> per_sector;
  for (const auto& c : data.ceptoars) ++per_sector[c.sector];
  EXPECT_EQ(per_sector.size(), 14u);  // every sector has one
  EXPECT_EQ(per_sector["information_communications"], 3);
  EXPECT_EQ(per_sector["finance"], 4);
}

TEST(ShippedRegistry, FiguresMatchThePlansTable) {
  const RegistryData data = LoadShipped();
  const Ceptoar* t = ById(data.ceptoars, "t_ceptoar");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->members.ja, "23社 1団体");
  EXPECT_EQ(t->members.en, "23 companies, 1 body");
  EXPECT_EQ(t->members.count, 24);
  EXPECT_EQ(t->further_recipients.count, 398);

  const Ceptoar* banks = ById(data.ceptoars, "banks_ceptoar");
  ASSERT_NE(banks, nullptr);
  EXPECT_EQ(banks->members.count, 1352);
  EXPECT_EQ(banks->further_recipients.ja, "3社・団体");
  EXPECT_EQ(banks->further_recipients.count, 3);

  const Ceptoar* local = ById(data.ceptoars, "local_government_ceptoar");
  ASSERT_NE(local, nullptr);
  EXPECT_EQ(local->name_ja, "自治体CEPTOAR");
  EXPECT_EQ(local->members.ja, "47都道府県 1,741市区町村");
  EXPECT_EQ(local->members.count, 47 + 1741);

  const Ceptoar* water = ById(data.ceptoars, "water_ceptoar");
  ASSERT_NE(water, nullptr);
  EXPECT_EQ(water->further_recipients.ja, "内容に応じ1,331事業体へ展開");
  EXPECT_EQ(water->further_recipients.count, 1331);

  const Ceptoar* securities = ById(data.ceptoars, "securities_ceptoar");  // "━": none
  ASSERT_NE(securities, nullptr);
  EXPECT_EQ(securities->members.count, 272 + 7);
  EXPECT_EQ(securities->further_recipients.ja, "");
  EXPECT_EQ(securities->further_recipients.en, "");
  EXPECT_FALSE(securities->further_recipients.count.has_value());
}

TEST(ShippedRegistry, TotalsMatchThePlansRoundFigures) {
  // "About 4,200 member organizations and 2,700 further recipients."
  const RegistryData data = LoadShipped();
  int64_t members = 0, further = 0;
  for (const auto& c : data.ceptoars) {
    ASSERT_TRUE(c.members.count.has_value()) << c.id;
    members += *c.members.count;
    further += c.further_recipients.count.value_or(0);
  }
  EXPECT_EQ(members, 4245);
  EXPECT_EQ(further, 2682);
}

TEST(ShippedRegistry, SecretariatsAsInThePlan) {
  const RegistryData data = LoadShipped();
  EXPECT_EQ(ById(data.ceptoars, "broadcasting_ceptoar")->secretariats,
            (std::vector<std::string>{"jba", "nhk"}));
  EXPECT_EQ(ById(data.ceptoars, "electricity_ceptoar")->secretariats,
            (std::vector<std::string>{"electricity_isac"}));
  EXPECT_EQ(ById(data.organizations, "zenginkyo")->name_ja, "(一社)全国銀行協会 事務・決済システム部");
  // Every secretariat runs a CEPTOAR.
  for (const auto& o : data.organizations) {
    if (o.kind != OrgKind::kCeptoarSecretariat) continue;
    bool runs = false;
    for (const auto& c : data.ceptoars)
      for (const auto& s : c.secretariats) runs = runs || s == o.id;
    EXPECT_TRUE(runs) << o.id;
  }
}

TEST(ShippedRegistry, SharingGroups) {
  const RegistryData data = LoadShipped();
  std::map<std::string, bool> nda;
  for (const auto& g : data.groups) nda[g.id] = g.nda;
  EXPECT_EQ(nda, (std::map<std::string, bool>{{"ict_isac", true},
                                              {"financials_isac", true},
                                              {"electricity_isac", true},
                                              {"ceptoar_council", false},
                                              {"finance_ceptoar_liaison_council", false}}));
  EXPECT_EQ(ById(data.groups, "ceptoar_council")->name_ja, "セプターカウンシル");
}

// ---------------------------------------------------------------------------
// Bad files: each error names the file, the line and the key.

// A small valid registry; the tests below break one thing each.
constexpr std::string_view kMinimal = R"([[sectors]]
id = "finance"
name_ja = "金融"
name_en = "Finance"
ministry = "fsa"

[[organizations]]
id = "nisc"
kind = "coordination_center"
name_ja = "内閣サイバーセキュリティセンター"
name_en = "NISC"

[[organizations]]
id = "fsa"
kind = "ministry"
name_ja = "金融庁"
name_en = "Financial Services Agency"

[[organizations]]
id = "zenginkyo"
kind = "ceptoar_secretariat"
name_ja = "全国銀行協会"
name_en = "Japanese Bankers Association"
sectors = ["finance"]
groups = ["financials_isac"]

[[ceptoars]]
id = "banks_ceptoar"
name_ja = "銀行等CEPTOAR"
name_en = "Banks CEPTOAR"
sector = "finance"
scope_ja = "銀行等"
scope_en = "banks etc."
secretariats = ["zenginkyo"]
members = { ja = "1,352社", en = "1,352 companies", count = 1352 }
further_recipients = { ja = "", en = "" }

[[groups]]
id = "financials_isac"
name_ja = "金融ISAC"
name_en = "Financials ISAC"
nda = true
)";

// kMinimal with `from` (which must occur exactly once) replaced by `to`.
std::string Minimal(std::string_view from, std::string_view to) {
  std::string text(kMinimal);
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  EXPECT_EQ(text.find(from, at + 1), std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// The error message of parsing `text` as "bad.toml".
std::string ErrorOf(const std::string& text) {
  auto data = ParseRegistryToml(text, "bad.toml");
  if (data) return "(parsed)";
  EXPECT_EQ(data.error().code, ErrorCode::kInvalidArgument);
  return data.error().message;
}

TEST(RegistryFile, MinimalParses) {
  auto data = ParseRegistryToml(kMinimal, "good.toml");
  ASSERT_TRUE(data.has_value()) << data.error().message;
  EXPECT_EQ(data->organizations.size(), 3u);
  EXPECT_EQ(data->organizations[2].kind, OrgKind::kCeptoarSecretariat);
  EXPECT_EQ(data->ceptoars[0].members.count, 1352);
  EXPECT_FALSE(data->ceptoars[0].further_recipients.count.has_value());
  EXPECT_TRUE(data->groups[0].nda);
}

TEST(RegistryFile, ContactsAreRead) {
  auto data = ParseRegistryToml(Minimal("name_en = \"NISC\"\n",
                                        "name_en = \"NISC\"\n"
                                        "[[organizations.contacts]]\n"
                                        "name = \"Duty officer\"\n"
                                        "phone = \"+81-3-0000-0000\"\n"),
                                "good.toml");
  ASSERT_TRUE(data.has_value()) << data.error().message;
  ASSERT_EQ(data->organizations[0].contacts.size(), 1u);
  EXPECT_EQ(data->organizations[0].contacts[0].phone, "+81-3-0000-0000");
  EXPECT_EQ(data->organizations[0].contacts[0].email, "");
}

TEST(RegistryFile, UnknownKey) {
  EXPECT_EQ(ErrorOf(Minimal("nda = true", "nda = true\ncolour = \"red\"")),
            "bad.toml:43: groups[0].colour: unknown key; allowed keys here: id, name_en, name_ja, nda");
}

TEST(RegistryFile, UnknownTopLevelKey) {
  EXPECT_EQ(ErrorOf("version = 2\n" + std::string(kMinimal)),
            "bad.toml:1: version: unknown key; allowed keys here: ceptoars, groups, organizations, sectors");
}

TEST(RegistryFile, UnknownKeyInFigure) {
  EXPECT_EQ(ErrorOf(Minimal("count = 1352 }", "count = 1352, total = 1 }")),
            "bad.toml:35: ceptoars[0].members.total: unknown key; allowed keys here: count, en, ja");
}

TEST(RegistryFile, MissingKey) {
  EXPECT_EQ(ErrorOf(Minimal("ministry = \"fsa\"\n", "")), "bad.toml:1: sectors[0].ministry: is required");
}

TEST(RegistryFile, MissingFigure) {
  EXPECT_EQ(ErrorOf(Minimal("further_recipients = { ja = \"\", en = \"\" }\n", "")),
            "bad.toml:27: ceptoars[0].further_recipients: is required");
}

TEST(RegistryFile, WrongTypes) {
  EXPECT_EQ(ErrorOf(Minimal("count = 1352", "count = \"1352\"")),
            "bad.toml:35: ceptoars[0].members.count: must be an integer, not a string");
  EXPECT_EQ(ErrorOf(Minimal("nda = true", "nda = \"yes\"")),
            "bad.toml:42: groups[0].nda: must be true or false, not a string");
  EXPECT_EQ(ErrorOf(Minimal("secretariats = [\"zenginkyo\"]", "secretariats = \"zenginkyo\"")),
            "bad.toml:34: ceptoars[0].secretariats: must be an array of strings, not a string");
  EXPECT_EQ(ErrorOf(Minimal("secretariats = [\"zenginkyo\"]", "secretariats = [\"zenginkyo\", 3]")),
            "bad.toml:34: ceptoars[0].secretariats[1]: must be a string, not an integer");
  EXPECT_EQ(ErrorOf(Minimal("name_en = \"Finance\"", "name_en = 14")),
            "bad.toml:4: sectors[0].name_en: must be a string, not an integer");
  EXPECT_EQ(ErrorOf(Minimal("count = 1352", "count = -1")),
            "bad.toml:35: ceptoars[0].members.count: must not be negative");
  EXPECT_EQ(ErrorOf("sectors = 14\n"), "bad.toml:1: sectors: must be an array of tables, not an integer");
}

TEST(RegistryFile, UnknownOrganizationKind) {
  EXPECT_EQ(ErrorOf(Minimal("kind = \"ministry\"", "kind = \"agency\"")),
            "bad.toml:15: organizations[1].kind: unknown organization kind \"agency\"; must be one of: "
            "coordination_center, ministry, ceptoar_secretariat, operator, security_agency, incident_agency, "
            "disaster_agency, crisis_office, vendor, other");
}

TEST(RegistryFile, DanglingReferences) {
  EXPECT_EQ(ErrorOf(Minimal("sector = \"finance\"", "sector = \"banking\"")),
            "bad.toml:31: ceptoars[0].sector: CEPTOAR \"banks_ceptoar\": unknown sector \"banking\"");
  EXPECT_EQ(ErrorOf(Minimal("ministry = \"fsa\"", "ministry = \"fsx\"")),
            "bad.toml:5: sectors[0].ministry: sector \"finance\": ministry \"fsx\" is not an organization");
  EXPECT_EQ(
      ErrorOf(Minimal("secretariats = [\"zenginkyo\"]", "secretariats = [\"zengin\"]")),
      "bad.toml:34: ceptoars[0].secretariats[0]: CEPTOAR \"banks_ceptoar\": unknown secretariat \"zengin\"");
  EXPECT_EQ(ErrorOf(Minimal("groups = [\"financials_isac\"]", "groups = [\"financials_isac\", \"isac\"]")),
            "bad.toml:25: organizations[2].groups[1]: organization \"zenginkyo\": unknown group \"isac\"");
}

TEST(RegistryFile, ReferenceToTheWrongKind) {
  EXPECT_EQ(ErrorOf(Minimal("secretariats = [\"zenginkyo\"]", "secretariats = [\"fsa\"]")),
            "bad.toml:34: ceptoars[0].secretariats[0]: CEPTOAR \"banks_ceptoar\": secretariat \"fsa\" is an "
            "organization of kind ministry, not ceptoar_secretariat");
  EXPECT_EQ(
      ErrorOf(Minimal("ministry = \"fsa\"", "ministry = \"nisc\"")),
      "bad.toml:5: sectors[0].ministry: sector \"finance\": ministry \"nisc\" is an organization of kind "
      "coordination_center, not ministry");
}

TEST(RegistryFile, DuplicateId) {
  EXPECT_EQ(ErrorOf(Minimal("id = \"fsa\"", "id = \"nisc\"")),
            "bad.toml:14: organizations[1].id: duplicate organization id \"nisc\" (also organizations[0])");
}

TEST(RegistryFile, BadId) {
  EXPECT_EQ(
      ErrorOf(Minimal("id = \"financials_isac\"", "id = \"Financials ISAC\"")),
      "bad.toml:39: groups[0].id: group id \"Financials ISAC\" must be 1-64 lowercase letters, digits, '_' "
      "or '-', starting with a letter or digit");
}

TEST(RegistryFile, ExactlyOneCoordinationCenter) {
  EXPECT_EQ(ErrorOf(Minimal("kind = \"ministry\"", "kind = \"coordination_center\"")),
            "bad.toml:15: organizations[1].kind: organization \"fsa\": there must be exactly one "
            "coordination_center, and \"nisc\" is one already");
  const std::string none = ErrorOf(Minimal("kind = \"coordination_center\"", "kind = \"other\""));
  EXPECT_NE(
      none.find("organizations: there must be exactly one organization of kind coordination_center (NISC); "
                "there is none"),
      std::string::npos)
      << none;
  EXPECT_EQ(none.rfind("bad.toml:", 0), 0u) << none;
}

TEST(RegistryFile, FigureRules) {
  EXPECT_EQ(ErrorOf(Minimal("further_recipients = { ja = \"\", en = \"\" }",
                            "further_recipients = { ja = \"\", en = \"\", count = 3 }")),
            "bad.toml:36: ceptoars[0].further_recipients.count: CEPTOAR \"banks_ceptoar\": "
            "further_recipients.count "
            "needs the figure's text (ja, en)");
  EXPECT_EQ(
      ErrorOf(Minimal("further_recipients = { ja = \"\", en = \"\" }",
                      "further_recipients = { ja = \"3社\", en = \"\" }")),
      "bad.toml:36: ceptoars[0].further_recipients.en: CEPTOAR \"banks_ceptoar\": further_recipients.ja and "
      "further_recipients.en must both be given or both be empty");
  EXPECT_EQ(
      ErrorOf(Minimal("ja = \"1,352社\", en = \"1,352 companies\", count = 1352", "ja = \"\", en = \"\"")),
      "bad.toml:35: ceptoars[0].members.ja: CEPTOAR \"banks_ceptoar\": members must be stated (ja and en)");
}

TEST(RegistryFile, EmptyName) {
  EXPECT_EQ(ErrorOf(Minimal("name_ja = \"金融\"", "name_ja = \"\"")),
            "bad.toml:3: sectors[0].name_ja: sector \"finance\": name_ja must not be empty");
}

TEST(RegistryFile, SyntaxErrorNamesLineAndColumn) {
  const std::string message = ErrorOf(Minimal("nda = true", "nda = tru"));
  EXPECT_EQ(message.rfind("bad.toml:42:", 0), 0u) << message;
}

TEST(RegistryFile, FieldNamesTheKey) {
  auto data = ParseRegistryToml(Minimal("count = 1352", "count = 1.5"), "bad.toml");
  ASSERT_FALSE(data.has_value());
  EXPECT_EQ(data.error().field, "ceptoars[0].members.count");
}

}  // namespace
}  // namespace infrashare
