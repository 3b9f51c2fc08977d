#include "domain/registry/registry_json.h"

#include <fmt/format.h>

#include <utility>

#include "common/input_limits.h"
#include "domain/registry/limits.h"

namespace infrashare {
namespace {

// Limits on one entity's JSON, against abuse through the API; the plan's
// data stays far below them.
constexpr StringLimits kFigureLimits{.min = 0, .max = 300};
constexpr StringLimits kContactLimits{.min = 0, .max = 300};
constexpr size_t kMaxListItems = 200;  // sectors, CEPTOARs, groups, secretariats of one entity
constexpr int64_t kMaxCount = 1'000'000'000;

Result<Figure> FigureFromJson(ObjectReader& parent, std::string_view key) {
  const Json* value = parent.Raw(key);
  if (value == nullptr) return InvalidArgument(parent.PathOf(key), "is required");
  ObjectReader r(*value, parent.PathOf(key));
  Figure f;
  f.ja = INFRASHARE_TRY(r.String("ja", kFigureLimits));
  f.en = INFRASHARE_TRY(r.String("en", kFigureLimits));
  if (r.Raw("count") != nullptr) {  // absent or null: the plan gives no number
    int64_t count = 0;
    count = INFRASHARE_TRY(r.Int("count", 0, kMaxCount));
    f.count = count;
  }
  INFRASHARE_TRY(r.Finish());
  return f;
}

Result<Contact> ContactFromJson(const Json& json, std::string path) {
  ObjectReader r(json, std::move(path));
  Contact c;
  c.name = INFRASHARE_TRY(r.String("name", kNameLimits));
  std::optional<std::string> email, phone;
  email = INFRASHARE_TRY(r.OptionalString("email", kContactLimits));
  phone = INFRASHARE_TRY(r.OptionalString("phone", kContactLimits));
  c.email = email.value_or("");
  c.phone = phone.value_or("");
  c.backup = INFRASHARE_TRY(r.Bool("backup", false));
  INFRASHARE_TRY(r.Finish());
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
              {"groups", o.groups},   {"aliases", o.aliases},
              {"domains", o.domains}, {"contacts", std::move(contacts)}};
}

Result<Sector> SectorFromJson(const Json& json) {
  ObjectReader r(json, "");
  Sector s;
  s.id = INFRASHARE_TRY(r.String("id", kIdLimits));
  s.name_ja = INFRASHARE_TRY(r.String("name_ja", kNameLimits));
  s.name_en = INFRASHARE_TRY(r.String("name_en", kNameLimits));
  s.ministry = INFRASHARE_TRY(r.String("ministry", kIdLimits));
  INFRASHARE_TRY(r.Finish());
  return s;
}

Result<Ceptoar> CeptoarFromJson(const Json& json) {
  ObjectReader r(json, "");
  Ceptoar c;
  c.id = INFRASHARE_TRY(r.String("id", kIdLimits));
  c.name_ja = INFRASHARE_TRY(r.String("name_ja", kNameLimits));
  c.name_en = INFRASHARE_TRY(r.String("name_en", kNameLimits));
  c.sector = INFRASHARE_TRY(r.String("sector", kIdLimits));
  c.scope_ja = INFRASHARE_TRY(r.String("scope_ja", kNameLimits));
  c.scope_en = INFRASHARE_TRY(r.String("scope_en", kNameLimits));
  c.secretariats = INFRASHARE_TRY(r.StringList("secretariats", kMaxListItems, kIdLimits, /*required=*/true));
  c.members = INFRASHARE_TRY(FigureFromJson(r, "members"));
  c.further_recipients = INFRASHARE_TRY(FigureFromJson(r, "further_recipients"));
  INFRASHARE_TRY(r.Finish());
  return c;
}

Result<SharingGroup> GroupFromJson(const Json& json) {
  ObjectReader r(json, "");
  SharingGroup g;
  g.id = INFRASHARE_TRY(r.String("id", kIdLimits));
  g.name_ja = INFRASHARE_TRY(r.String("name_ja", kNameLimits));
  g.name_en = INFRASHARE_TRY(r.String("name_en", kNameLimits));
  g.nda = INFRASHARE_TRY(r.Bool("nda"));
  INFRASHARE_TRY(r.Finish());
  return g;
}

Result<Organization> OrganizationFromJson(const Json& json) {
  ObjectReader r(json, "");
  Organization o;
  o.id = INFRASHARE_TRY(r.String("id", kIdLimits));
  std::string kind;
  kind = INFRASHARE_TRY(r.String("kind", kIdLimits));
  auto parsed = ParseName(kOrgKindNames, kind);
  if (!parsed)
    return InvalidArgument(
        "kind", fmt::format("unknown organization kind \"{}\"; {}", kind, AllowedNames(kOrgKindNames)));
  o.kind = *parsed;
  o.name_ja = INFRASHARE_TRY(r.String("name_ja", kNameLimits));
  o.name_en = INFRASHARE_TRY(r.String("name_en", kNameLimits));
  o.sectors = INFRASHARE_TRY(r.StringList("sectors", kMaxListItems, kIdLimits));
  o.ceptoars = INFRASHARE_TRY(r.StringList("ceptoars", kMaxListItems, kIdLimits));
  o.groups = INFRASHARE_TRY(r.StringList("groups", kMaxListItems, kIdLimits));
  o.aliases = INFRASHARE_TRY(r.StringList("aliases", kMaxAliases, kNameLimits));
  o.domains = INFRASHARE_TRY(r.StringList("domains", kMaxDomains, kDomainLimits));
  if (const Json* contacts = r.Raw("contacts")) {
    const std::string path = r.PathOf("contacts");
    if (!contacts->is_array()) return InvalidArgument(path, "must be an array of objects");
    if (contacts->size() > kMaxContacts)
      return InvalidArgument(path, fmt::format("must have at most {} items", kMaxContacts));
    for (size_t i = 0; i < contacts->size(); ++i) {
      Contact c;
      c = INFRASHARE_TRY(ContactFromJson((*contacts)[i], IndexPath(path, i)));
      o.contacts.push_back(std::move(c));
    }
  }
  INFRASHARE_TRY(r.Finish());
  return o;
}

namespace {

Json TimeJson(Timestamp t, TimeForm form) {
  return form == TimeForm::kMicros ? Json(ToMicros(t)) : Json(FormatRfc3339(t));
}

}  // namespace

Json ToJson(const Principal& principal, TimeForm times) {
  Json roles = Json::array();
  for (Role r : principal.roles) roles.push_back(NameOf(kRoleNames, r));
  Json j{{"id", principal.id},
         {"organization", principal.organization},
         {"name", principal.name},
         {"roles", std::move(roles)},
         {"created_at", TimeJson(principal.created_at, times)}};
  if (principal.disabled_at) j["disabled_at"] = TimeJson(*principal.disabled_at, times);
  if (principal.language) j["language"] = *principal.language;
  return j;
}

Json ToJson(const ApiToken& token, TimeForm times) {
  Json j{{"id", token.id},
         {"principal", token.principal},
         {"label", token.label},
         {"created_at", TimeJson(token.created_at, times)}};
  if (token.revoked_at) j["revoked_at"] = TimeJson(*token.revoked_at, times);
  return j;
}

}  // namespace infrashare
