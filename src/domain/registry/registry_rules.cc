#include "domain/registry/registry_rules.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <string>

#include "common/json.h"
#include "domain/registry/limits.h"

namespace infrashare {
namespace {

constexpr size_t kMaxIdLength = 64;

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > kMaxIdLength) return false;
  auto lower_or_digit = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!lower_or_digit(id.front())) return false;
  for (char c : id)
    if (!lower_or_digit(c) && c != '_' && c != '-') return false;
  return true;
}

using IdIndex = std::map<std::string_view, size_t, std::less<>>;

// Checks the ids of one collection (`what` names an element in messages,
// `key` is its path) and indexes them.
template <class T>
Result<IdIndex> IndexIds(const std::vector<T>& items, std::string_view key, std::string_view what) {
  IdIndex index;
  for (size_t i = 0; i < items.size(); ++i) {
    const std::string field = JoinPath(IndexPath(key, i), "id");
    const std::string& id = items[i].id;
    if (!IsValidId(id))
      return InvalidArgument(field,
                             fmt::format("{} id \"{}\" must be 1-{} lowercase letters, digits, '_' or '-', "
                                         "starting with a letter or digit",
                                         what, id, kMaxIdLength));
    auto [it, inserted] = index.emplace(id, i);
    if (!inserted)
      return InvalidArgument(field,
                             fmt::format("duplicate {} id \"{}\" (also {}[{}])", what, id, key, it->second));
  }
  return index;
}

// The member `name` of the entity at `key` must not be empty.
Result<void> RequireText(const std::string& value, const std::string& key, std::string_view name,
                         std::string_view entity) {
  if (value.empty())
    return InvalidArgument(JoinPath(key, name), fmt::format("{}: {} must not be empty", entity, name));
  return {};
}

// Each id of `ids` must be in `index` and appear once.
Result<void> CheckRefs(const std::vector<std::string>& ids, const IdIndex& index, const std::string& key,
                       std::string_view entity, std::string_view what) {
  std::set<std::string_view> seen;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!index.contains(ids[i]))
      return InvalidArgument(IndexPath(key, i), fmt::format("{}: unknown {} \"{}\"", entity, what, ids[i]));
    if (!seen.insert(ids[i]).second)
      return InvalidArgument(IndexPath(key, i),
                             fmt::format("{}: {} \"{}\" is listed twice", entity, what, ids[i]));
  }
  return {};
}

// `id` must name an organization of kind `kind`.
Result<void> CheckOrgRef(const RegistryData& data, const IdIndex& orgs, const std::string& id, OrgKind kind,
                         const std::string& field, std::string_view entity, std::string_view role) {
  auto it = orgs.find(id);
  if (it == orgs.end())
    return InvalidArgument(field, fmt::format("{}: {} \"{}\" is not an organization", entity, role, id));
  const Organization& org = data.organizations[it->second];
  if (org.kind != kind)
    return InvalidArgument(
        field, fmt::format("{}: {} \"{}\" is an organization of kind {}, not {}", entity, role, id,
                           NameOf(kOrgKindNames, org.kind), NameOf(kOrgKindNames, kind)));
  return {};
}

// A figure `name` of the CEPTOAR at `key`.
Result<void> CheckFigure(const Figure& figure, const std::string& key, std::string_view name,
                         std::string_view entity, bool required) {
  const std::string figure_key = JoinPath(key, name);
  if (figure.ja.empty() != figure.en.empty())
    return InvalidArgument(
        JoinPath(figure_key, figure.ja.empty() ? "ja" : "en"),
        fmt::format("{}: {}.ja and {}.en must both be given or both be empty", entity, name, name));
  if (required && figure.ja.empty())
    return InvalidArgument(JoinPath(figure_key, "ja"),
                           fmt::format("{}: {} must be stated (ja and en)", entity, name));
  if (figure.count && *figure.count < 0)
    return InvalidArgument(JoinPath(figure_key, "count"),
                           fmt::format("{}: {}.count must not be negative", entity, name));
  if (figure.count && figure.ja.empty())
    return InvalidArgument(JoinPath(figure_key, "count"),
                           fmt::format("{}: {}.count needs the figure's text (ja, en)", entity, name));
  return {};
}

#define REGISTRY_CHECK(expr)                          \
  do {                                                \
    if (auto check_ = (expr); !check_) return check_; \
  } while (false)

#define REGISTRY_INDEX(target, expr)                                     \
  auto target##_result = (expr);                                         \
  if (!target##_result) return std::unexpected(target##_result.error()); \
  const IdIndex& target = *target##_result

}  // namespace

Result<void> CheckDomainName(std::string_view name, const std::string& path) {
  if (name.empty() || name.size() > kDomainLimits.max)
    return InvalidArgument(path,
                           fmt::format("must be a domain name of 1 to {} characters", kDomainLimits.max));
  size_t label = 0;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c == '.') {
      if (label == 0 || name[i - 1] == '-')
        return InvalidArgument(path, "has an empty label or one ending in '-'");
      label = 0;
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && label > 0);
    if (!ok || ++label > 63)
      return InvalidArgument(path, "must be lower-case letters, digits, '-' and '.', labels of at most 63");
  }
  if (label == 0 || name.back() == '-') return InvalidArgument(path, "must not end in '.' or '-'");
  if (name.find('.') == std::string_view::npos) return InvalidArgument(path, "must have at least two labels");
  return {};
}

Result<void> ValidateRegistry(const RegistryData& data) {
  REGISTRY_INDEX(sectors, IndexIds(data.sectors, "sectors", "sector"));
  REGISTRY_INDEX(orgs, IndexIds(data.organizations, "organizations", "organization"));
  REGISTRY_INDEX(ceptoars, IndexIds(data.ceptoars, "ceptoars", "CEPTOAR"));
  REGISTRY_INDEX(groups, IndexIds(data.groups, "groups", "group"));

  const Organization* coordination_center = nullptr;
  for (size_t i = 0; i < data.organizations.size(); ++i) {
    const Organization& o = data.organizations[i];
    const std::string key = IndexPath("organizations", i);
    const std::string entity = fmt::format("organization \"{}\"", o.id);
    REGISTRY_CHECK(RequireText(o.name_ja, key, "name_ja", entity));
    REGISTRY_CHECK(RequireText(o.name_en, key, "name_en", entity));
    REGISTRY_CHECK(CheckRefs(o.sectors, sectors, JoinPath(key, "sectors"), entity, "sector"));
    REGISTRY_CHECK(CheckRefs(o.ceptoars, ceptoars, JoinPath(key, "ceptoars"), entity, "CEPTOAR"));
    REGISTRY_CHECK(CheckRefs(o.groups, groups, JoinPath(key, "groups"), entity, "group"));
    for (size_t j = 0; j < o.domains.size(); ++j)
      REGISTRY_CHECK(CheckDomainName(o.domains[j], IndexPath(JoinPath(key, "domains"), j)));
    for (size_t j = 0; j < o.aliases.size(); ++j)
      if (o.aliases[j].empty())
        return InvalidArgument(IndexPath(JoinPath(key, "aliases"), j),
                               fmt::format("{}: an empty alias", entity));
    for (size_t j = 0; j < o.contacts.size(); ++j) {
      const Contact& c = o.contacts[j];
      const std::string contact_key = IndexPath(JoinPath(key, "contacts"), j);
      if (c.name.empty())
        return InvalidArgument(JoinPath(contact_key, "name"),
                               fmt::format("{}: a contact needs a name", entity));
      if (c.email.empty() && c.phone.empty())
        return InvalidArgument(contact_key,
                               fmt::format("{}: contact \"{}\" needs an email or a phone", entity, c.name));
    }
    if (o.kind == OrgKind::kCoordinationCenter) {
      if (coordination_center != nullptr)
        return InvalidArgument(
            JoinPath(key, "kind"),
            fmt::format("{}: there must be exactly one coordination_center, and \"{}\" is one "
                        "already",
                        entity, coordination_center->id));
      coordination_center = &o;
    }
  }
  if (coordination_center == nullptr)
    return InvalidArgument(
        "organizations",
        "there must be exactly one organization of kind coordination_center (NISC); there is none");

  for (size_t i = 0; i < data.sectors.size(); ++i) {
    const Sector& s = data.sectors[i];
    const std::string key = IndexPath("sectors", i);
    const std::string entity = fmt::format("sector \"{}\"", s.id);
    REGISTRY_CHECK(RequireText(s.name_ja, key, "name_ja", entity));
    REGISTRY_CHECK(RequireText(s.name_en, key, "name_en", entity));
    REGISTRY_CHECK(CheckOrgRef(data, orgs, s.ministry, OrgKind::kMinistry, JoinPath(key, "ministry"), entity,
                               "ministry"));
  }

  for (size_t i = 0; i < data.ceptoars.size(); ++i) {
    const Ceptoar& c = data.ceptoars[i];
    const std::string key = IndexPath("ceptoars", i);
    const std::string entity = fmt::format("CEPTOAR \"{}\"", c.id);
    REGISTRY_CHECK(RequireText(c.name_ja, key, "name_ja", entity));
    REGISTRY_CHECK(RequireText(c.name_en, key, "name_en", entity));
    if (!sectors.contains(c.sector))
      return InvalidArgument(JoinPath(key, "sector"),
                             fmt::format("{}: unknown sector \"{}\"", entity, c.sector));
    REGISTRY_CHECK(RequireText(c.scope_ja, key, "scope_ja", entity));
    REGISTRY_CHECK(RequireText(c.scope_en, key, "scope_en", entity));
    const std::string secretariats_key = JoinPath(key, "secretariats");
    if (c.secretariats.empty())
      return InvalidArgument(secretariats_key, fmt::format("{}: needs at least one secretariat", entity));
    REGISTRY_CHECK(CheckRefs(c.secretariats, orgs, secretariats_key, entity, "secretariat"));
    for (size_t j = 0; j < c.secretariats.size(); ++j)
      REGISTRY_CHECK(CheckOrgRef(data, orgs, c.secretariats[j], OrgKind::kCeptoarSecretariat,
                                 IndexPath(secretariats_key, j), entity, "secretariat"));
    REGISTRY_CHECK(CheckFigure(c.members, key, "members", entity, /*required=*/true));
    REGISTRY_CHECK(CheckFigure(c.further_recipients, key, "further_recipients", entity, /*required=*/false));
  }

  for (size_t i = 0; i < data.groups.size(); ++i) {
    const SharingGroup& g = data.groups[i];
    const std::string key = IndexPath("groups", i);
    const std::string entity = fmt::format("group \"{}\"", g.id);
    REGISTRY_CHECK(RequireText(g.name_ja, key, "name_ja", entity));
    REGISTRY_CHECK(RequireText(g.name_en, key, "name_en", entity));
  }
  return {};
}

#undef REGISTRY_CHECK
#undef REGISTRY_INDEX

}  // namespace infrashare
