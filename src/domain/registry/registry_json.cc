#include "domain/registry/registry_json.h"

#include <fmt/format.h>

#include <utility>

namespace infrashare {
namespace {

// Limits on one entity's JSON, against abuse through the API; the plan's
// data stays far below them.
constexpr StringLimits kIdLimits{.min = 1, .max = 64};
constexpr StringLimits kNameLimits{.min = 1, .max = 300};
constexpr StringLimits kFigureLimits{.min = 0, .max = 300};
constexpr StringLimits kContactLimits{.min = 0, .max = 300};
constexpr size_t kMaxListItems = 200;  // sectors, CEPTOARs, groups, secretariats of one entity
constexpr size_t kMaxContacts = 20;
constexpr int64_t kMaxCount = 1'000'000'000;

Result<Figure> FigureFromJson(ObjectReader& parent, std::string_view key) {
  const Json* value = parent.Raw(key);
  if (value == nullptr) return InvalidArgument(parent.PathOf(key), "is required");
  ObjectReader r(*value, parent.PathOf(key));
  Figure f;
  INFRASHARE_ASSIGN_OR_RETURN(f.ja, r.String("ja", kFigureLimits));
  INFRASHARE_ASSIGN_OR_RETURN(f.en, r.String("en", kFigureLimits));
  if (r.Raw("count") != nullptr) {  // absent or null: the plan gives no number
    int64_t count = 0;
    INFRASHARE_ASSIGN_OR_RETURN(count, r.Int("count", 0, kMaxCount));
    f.count = count;
  }
  if (auto done = r.Finish(); !done) return std::unexpected(done.error());
  return f;
}

Result<Contact> ContactFromJson(const Json& json, std::string path) {
  ObjectReader r(json, std::move(path));
  Contact c;
  INFRASHARE_ASSIGN_OR_RETURN(c.name, r.String("name", kNameLimits));
  std::optional<std::string> email, phone;
  INFRASHARE_ASSIGN_OR_RETURN(email, r.OptionalString("email", kContactLimits));
  INFRASHARE_ASSIGN_OR_RETURN(phone, r.OptionalString("phone", kContactLimits));
  c.email = email.value_or("");
  c.phone = phone.value_or("");
  INFRASHARE_ASSIGN_OR_RETURN(c.backup, r.Bool("backup", false));
  if (auto done = r.Finish(); !done) return std::unexpected(done.error());
  return c;
}

}  // namespace

Json ToJson(const Figure& f) {
  Json j{{"ja", f.ja}, {"en", f.en}};
  if (f.count) j["count"] = *f.count;
  return j;
}

Json ToJson(const Sector& s) {
  return Json{{"id", s.id}, {"name_ja", s.name_ja}, {"name_en", s.name_en}, {"ministry", s.ministry}};
}

Json ToJson(const Ceptoar& c) {
  return Json{{"id", c.id},
              {"name_ja", c.name_ja},
              {"name_en", c.name_en},
              {"sector", c.sector},
              {"scope_ja", c.scope_ja},
              {"scope_en", c.scope_en},
              {"secretariats", c.secretariats},
              {"members", ToJson(c.members)},
              {"further_recipients", ToJson(c.further_recipients)}};
}

Json ToJson(const SharingGroup& g) {
  return Json{{"id", g.id}, {"name_ja", g.name_ja}, {"name_en", g.name_en}, {"nda", g.nda}};
}

Json ToJson(const Organization& o) {
  Json contacts = Json::array();
  for (const auto& c : o.contacts)
    contacts.push_back({{"name", c.name}, {"email", c.email}, {"phone", c.phone}, {"backup", c.backup}});
  return Json{{"id", o.id},           {"kind", NameOf(kOrgKindNames, o.kind)},
              {"name_ja", o.name_ja}, {"name_en", o.name_en},
              {"sectors", o.sectors}, {"ceptoars", o.ceptoars},
              {"groups", o.groups},   {"contacts", std::move(contacts)}};
}

Result<Sector> SectorFromJson(const Json& json) {
  ObjectReader r(json, "");
  Sector s;
  INFRASHARE_ASSIGN_OR_RETURN(s.id, r.String("id", kIdLimits));
  INFRASHARE_ASSIGN_OR_RETURN(s.name_ja, r.String("name_ja", kNameLimits));
  INFRASHARE_ASSIGN_OR_RETURN(s.name_en, r.String("name_en", kNameLimits));
  INFRASHARE_ASSIGN_OR_RETURN(s.ministry, r.String("ministry", kIdLimits));
  if (auto done = r.Finish(); !done) return std::unexpected(done.error());
  return s;
}

Result<Ceptoar> CeptoarFromJson(const Json& json) {
  ObjectReader r(json, "");
  Ceptoar c;
  INFRASHARE_ASSIGN_OR_RETURN(c.id, r.String("id", kIdLimits));
  INFRASHARE_ASSIGN_OR_RETURN(c.name_ja, r.String("name_ja", kNameLimits));
  INFRASHARE_ASSIGN_OR_RETURN(c.name_en, r.String("name_en", kNameLimits));
  INFRASHARE_ASSIGN_OR_RETURN(c.sector, r.String("sector", kIdLimits));
  INFRASHARE_ASSIGN_OR_RETURN(c.scope_ja, r.String("scope_ja", kNameLimits));
  INFRASHARE_ASSIGN_OR_RETURN(c.scope_en, r.String("scope_en", kNameLimits));
  INFRASHARE_ASSIGN_OR_RETURN(c.secretariats,
                              r.StringList("secretariats", kMaxListItems, kIdLimits, /*required=*/true));
  INFRASHARE_ASSIGN_OR_RETURN(c.members, FigureFromJson(r, "members"));
  INFRASHARE_ASSIGN_OR_RETURN(c.further_recipients, FigureFromJson(r, "further_recipients"));
  if (auto done = r.Finish(); !done) return std::unexpected(done.error());
  return c;
}

Result<SharingGroup> GroupFromJson(const Json& json) {
  ObjectReader r(json, "");
  SharingGroup g;
  INFRASHARE_ASSIGN_OR_RETURN(g.id, r.String("id", kIdLimits));
  INFRASHARE_ASSIGN_OR_RETURN(g.name_ja, r.String("name_ja", kNameLimits));
  INFRASHARE_ASSIGN_OR_RETURN(g.name_en, r.String("name_en", kNameLimits));
  INFRASHARE_ASSIGN_OR_RETURN(g.nda, r.Bool("nda"));
  if (auto done = r.Finish(); !done) return std::unexpected(done.error());
  return g;
}

Result<Organization> OrganizationFromJson(const Json& json) {
  ObjectReader r(json, "");
  Organization o;
  INFRASHARE_ASSIGN_OR_RETURN(o.id, r.String("id", kIdLimits));
  std::string kind;
  INFRASHARE_ASSIGN_OR_RETURN(kind, r.String("kind", kIdLimits));
  auto parsed = ParseName(kOrgKindNames, kind);
  if (!parsed)
    return InvalidArgument(
        "kind", fmt::format("unknown organization kind \"{}\"; {}", kind, AllowedNames(kOrgKindNames)));
  o.kind = *parsed;
  INFRASHARE_ASSIGN_OR_RETURN(o.name_ja, r.String("name_ja", kNameLimits));
  INFRASHARE_ASSIGN_OR_RETURN(o.name_en, r.String("name_en", kNameLimits));
  INFRASHARE_ASSIGN_OR_RETURN(o.sectors, r.StringList("sectors", kMaxListItems, kIdLimits));
  INFRASHARE_ASSIGN_OR_RETURN(o.ceptoars, r.StringList("ceptoars", kMaxListItems, kIdLimits));
  INFRASHARE_ASSIGN_OR_RETURN(o.groups, r.StringList("groups", kMaxListItems, kIdLimits));
  if (const Json* contacts = r.Raw("contacts")) {
    const std::string path = r.PathOf("contacts");
    if (!contacts->is_array()) return InvalidArgument(path, "must be an array of objects");
    if (contacts->size() > kMaxContacts)
      return InvalidArgument(path, fmt::format("must have at most {} items", kMaxContacts));
    for (size_t i = 0; i < contacts->size(); ++i) {
      Contact c;
      INFRASHARE_ASSIGN_OR_RETURN(c, ContactFromJson((*contacts)[i], IndexPath(path, i)));
      o.contacts.push_back(std::move(c));
    }
  }
  if (auto done = r.Finish(); !done) return std::unexpected(done.error());
  return o;
}

}  // namespace infrashare
