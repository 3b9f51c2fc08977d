#include "service/registry_service.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/crypto.h"
#include "common/input_limits.h"
#include "common/parse.h"
#include "domain/registry/limits.h"
#include "domain/registry/registry_file.h"
#include "domain/registry/registry_json.h"
#include "domain/report/limits.h"
#include "service/change_record.h"

namespace infrashare {

namespace {

constexpr char kVersionKey[] = "registry_version";

Result<void> CheckId(const std::string& id, const std::string& field) {
  for (char c : id)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'))
      return InvalidArgument(field, "may contain only letters, digits, '_', '-' and '.'");
  return {};
}

// Principal ids are one namespace across the platform (people sign in by
// them), so an organization's administrator names its principals in its
// own part of it, "<organization>.<name>": then no answer to adding one
// (201, or 409 for an id taken) tells which ids exist in another
// organization. The platform's administrators may also give ids outside
// every organization's part (e.g. "duty-officer-1"), never one in another's.
Result<void> CheckPrincipalNamespace(const Caller& caller, const Registry& registry, const std::string& id,
                                     const std::string& organization) {
  const std::string own = organization + ".";
  if (id.starts_with(own) && id.size() > own.size()) return {};
  if (!caller.RequirePlatformAdmin())
    return InvalidArgument("id", fmt::format("must begin with '{}' (the part of the user IDs that is {}'s), "
                                             "e.g. '{}soc1'",
                                             own, organization, own));
  for (const auto& other : registry.data().organizations)
    if (other.id != organization && id.starts_with(other.id + "."))
      return InvalidArgument("id",
                             fmt::format("user IDs that begin with '{}.' are {}'s", other.id, other.id));
  return {};
}

// The member "roles": at least one role's name, each kept once.
Result<std::vector<Role>> ReadRoles(ObjectReader& in) {
  auto names = INFRASHARE_TRY(in.StringList("roles", kMaxRoles, kIdLimits, /*required=*/true));
  std::vector<Role> roles;
  for (size_t i = 0; i < names.size(); ++i) {
    auto role = ParseName(kRoleNames, names[i]);
    if (!role) return InvalidArgument(IndexPath("roles", i), AllowedNames(kRoleNames));
    if (std::find(roles.begin(), roles.end(), *role) == roles.end()) roles.push_back(*role);
  }
  if (roles.empty()) return InvalidArgument("roles", "must name at least one role");
  return roles;
}

template <class T>
Result<T> Fail(const Error& e) {
  return std::unexpected(e);
}

}  // namespace

RegistryService::RegistryService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

Result<void> RegistryService::Reload() {
  struct Loaded {
    RegistryData data;
    std::string version;
  };
  auto loaded = INFRASHARE_TRY(store_.Read([](ReadTx& tx) -> Result<Loaded> {
    Loaded out;
    out.data = INFRASHARE_TRY(tx.LoadRegistry());
    out.version = INFRASHARE_TRY(tx.GetMeta(kVersionKey)).value_or("");
    return out;
  }));
  auto data = std::move(loaded.data);
  auto version = std::move(loaded.version);
  auto snapshot = std::make_shared<const Registry>(std::move(data));
  std::lock_guard lock(mutex_);
  snapshot_ = std::move(snapshot);
  version_ = std::move(version);
  checked_at_ = std::chrono::steady_clock::now();
  return {};
}

Result<void> RegistryService::Load() { return Reload(); }

std::shared_ptr<const Registry> RegistryService::Snapshot() {
  {
    std::lock_guard lock(mutex_);
    if (std::chrono::steady_clock::now() - checked_at_ < kVersionCheckInterval) return snapshot_;
    checked_at_ = std::chrono::steady_clock::now();
  }
  auto stored = store_.Read(
      [](ReadTx& tx) -> Result<std::string> { return INFRASHARE_TRY(tx.GetMeta(kVersionKey)).value_or(""); });
  bool stale = false;
  {
    std::lock_guard lock(mutex_);
    stale = stored && *stored != version_;
  }
  if (stale) (void)Reload();  // on failure keep serving the last good snapshot
  std::lock_guard lock(mutex_);
  return snapshot_;
}

Result<void> RegistryService::Refresh() {
  auto stored = INFRASHARE_TRY(store_.Read([](ReadTx& tx) -> Result<std::string> {
    return INFRASHARE_TRY(tx.GetMeta(kVersionKey)).value_or("");
  }));
  {
    std::lock_guard lock(mutex_);
    if (stored == version_) {
      checked_at_ = std::chrono::steady_clock::now();
      return {};
    }
  }
  return Reload();
}

std::shared_ptr<const Registry> RegistryService::CachedSnapshot() {
  std::lock_guard lock(mutex_);
  if (std::chrono::steady_clock::now() - checked_at_ < kVersionCheckInterval) return snapshot_;
  return nullptr;
}

std::vector<Ministry> RegistryService::Ministries() {
  auto registry = Snapshot();
  std::vector<Ministry> out;
  for (const Organization* m : registry->OrganizationsOfKind(OrgKind::kMinistry)) {
    Ministry ministry{.id = m->id, .name_ja = m->name_ja, .name_en = m->name_en};
    for (const auto& sector : registry->data().sectors)
      if (sector.ministry == m->id) ministry.sectors.push_back(sector.id);
    out.push_back(std::move(ministry));
  }
  return out;
}

Result<OrganizationPage> RegistryService::ListOrganizations(const Caller& caller,
                                                            const OrganizationQuery& query) const {
  std::optional<OrgKind> wanted;
  if (query.kind) {
    wanted = ParseName(kOrgKindNames, *query.kind);
    if (!wanted) return InvalidArgument("kind", AllowedNames(kOrgKindNames));
  }
  if (query.q && query.q->size() > kMaxTextQueryBytes)
    return InvalidArgument("q", fmt::format("must be at most {} bytes long", kMaxTextQueryBytes));
  size_t limit = SIZE_MAX;
  if (query.limit)
    limit = size_t(INFRASHARE_TRY(ParseInteger(*query.limit, "limit", 1, kMaxOrganizationPage)));
  OrganizationPage out;
  for (const Organization* o : caller.registry->SearchOrganizations(query.q.value_or(""))) {
    if (wanted && o->kind != *wanted) continue;
    if (query.sector && std::ranges::find(o->sectors, *query.sector) == o->sectors.end()) continue;
    if (out.items.size() < limit) out.items.push_back(o);
    ++out.total;
  }
  return out;
}

Result<void> RegistryService::BumpVersion(WriteTx& tx) { return tx.SetMeta(kVersionKey, RandomHex(8)); }

Result<void> RegistryService::Import(const RegistryData& data) {
  if (auto v = ValidateRegistry(data); !v) return v;
  auto r = store_.Write([&](WriteTx& tx) -> Result<void> {
    for (const auto& s : data.sectors)
      if (auto w = tx.UpsertSector(s); !w) return w;
    for (const auto& g : data.groups)
      if (auto w = tx.UpsertGroup(g); !w) return w;
    for (const auto& o : data.organizations)
      if (auto w = tx.UpsertOrganization(o); !w) return w;
    for (const auto& c : data.ceptoars)
      if (auto w = tx.UpsertCeptoar(c); !w) return w;
    if (auto w = BumpVersion(tx); !w) return w;
    return RecordChange(tx, Space(),
                        ChangeRecord{.at = clock_.Now(),
                                     .actor = {.principal = "system"},
                                     .action = "registry.import",
                                     .target_kind = "registry",
                                     .detail = {{"sectors", data.sectors.size()},
                                                {"ceptoars", data.ceptoars.size()},
                                                {"organizations", data.organizations.size()}}});
  });
  if (!r) return r;
  return Reload();
}

Result<Organization> RegistryService::AddOrganization(const Caller& caller, const Json& body) {
  if (auto r = caller.RequirePlatformAdmin(); !r) return Fail<Organization>(r.error());
  ObjectReader in(body, "");
  Organization org;
  auto id = in.String("id", kIdLimits);
  if (!id) return Fail<Organization>(id.error());
  if (auto c = CheckId(*id, "id"); !c) return Fail<Organization>(c.error());
  org.id = *id;
  auto kind = in.String("kind", kIdLimits);
  if (!kind) return Fail<Organization>(kind.error());
  auto k = ParseName(kOrgKindNames, *kind);
  if (!k) return InvalidArgument("kind", AllowedNames(kOrgKindNames));
  org.kind = *k;
  if (org.kind == OrgKind::kCoordinationCenter)
    return InvalidArgument("kind", "there is exactly one coordination center (NISC); it cannot be added");
  auto ja = in.String("name_ja", kNameLimits);
  if (!ja) return Fail<Organization>(ja.error());
  auto en = in.String("name_en", kNameLimits);
  if (!en) return Fail<Organization>(en.error());
  org.name_ja = *ja;
  org.name_en = *en;
  auto sectors = in.StringList("sectors", kMaxOrganizationLinks, kIdLimits);
  if (!sectors) return Fail<Organization>(sectors.error());
  auto ceptoars = in.StringList("ceptoars", kMaxOrganizationLinks, kIdLimits);
  if (!ceptoars) return Fail<Organization>(ceptoars.error());
  auto groups = in.StringList("groups", kMaxOrganizationLinks, kIdLimits);
  if (!groups) return Fail<Organization>(groups.error());
  org.aliases = INFRASHARE_TRY(in.StringList("aliases", kMaxAliases, {1, kNameLimits.max}));
  org.domains = INFRASHARE_TRY(in.StringList("domains", kMaxDomains, kDomainLimits));
  for (size_t i = 0; i < org.domains.size(); ++i)
    INFRASHARE_TRY(CheckDomainName(org.domains[i], IndexPath("domains", i)));
  if (const Json* contacts = in.Raw("contacts")) {
    if (!contacts->is_array() || contacts->size() > kMaxContacts)
      return InvalidArgument("contacts",
                             fmt::format("must be an array of at most {} contacts", kMaxContacts));
    for (size_t i = 0; i < contacts->size(); ++i) {
      ObjectReader c((*contacts)[i], IndexPath("contacts", i));
      auto name = c.String("name", kNameLimits);
      if (!name) return Fail<Organization>(name.error());
      auto email = c.OptionalString("email", kEmailLimits);
      if (!email) return Fail<Organization>(email.error());
      auto phone = c.OptionalString("phone", kPhoneLimits);
      if (!phone) return Fail<Organization>(phone.error());
      if (auto f = c.Finish(); !f) return Fail<Organization>(f.error());
      org.contacts.push_back({*name, email->value_or(""), phone->value_or("")});
    }
  }
  if (auto f = in.Finish(); !f) return Fail<Organization>(f.error());
  org.sectors = *sectors;
  org.ceptoars = *ceptoars;
  org.groups = *groups;

  auto registry = Snapshot();
  for (size_t i = 0; i < org.sectors.size(); ++i)
    if (!registry->FindSector(org.sectors[i]))
      return InvalidArgument(IndexPath("sectors", i), fmt::format("unknown sector '{}'", org.sectors[i]));
  for (size_t i = 0; i < org.ceptoars.size(); ++i)
    if (!registry->FindCeptoar(org.ceptoars[i]))
      return InvalidArgument(IndexPath("ceptoars", i), fmt::format("unknown CEPTOAR '{}'", org.ceptoars[i]));
  for (size_t i = 0; i < org.groups.size(); ++i)
    if (!registry->FindGroup(org.groups[i]))
      return InvalidArgument(IndexPath("groups", i),
                             fmt::format("unknown sharing group '{}'", org.groups[i]));
  if (registry->FindOrganization(org.id))
    return Conflict(fmt::format("organization '{}' already exists", org.id), "id");

  auto r = store_.Write([&](WriteTx& tx) -> Result<void> {
    auto existing = INFRASHARE_TRY(tx.LoadRegistry());
    for (const auto& o : existing.organizations)
      if (o.id == org.id) return Conflict(fmt::format("organization '{}' already exists", org.id), "id");
    if (auto w = tx.UpsertOrganization(org); !w) return w;
    if (auto w = BumpVersion(tx); !w) return w;
    return RecordChange(tx, caller.space,
                        ChangeRecord{.at = clock_.Now(),
                                     .actor = ChangeActor::Of(caller),
                                     .action = "organization.add",
                                     .target_kind = "organization",
                                     .target_id = org.id,
                                     .detail = {{"kind", NameOf(kOrgKindNames, org.kind)}}});
  });
  if (!r) return Fail<Organization>(r.error());
  if (auto l = Reload(); !l) return Fail<Organization>(l.error());
  return org;
}

Result<Principal> RegistryService::AddPrincipal(const Caller& caller, const Json& body) {
  if (auto r = caller.Require(Role::kAdmin); !r) return Fail<Principal>(r.error());
  ObjectReader in(body, "");
  Principal p;
  auto id = in.String("id", kIdLimits);
  if (!id) return Fail<Principal>(id.error());
  if (auto c = CheckId(*id, "id"); !c) return Fail<Principal>(c.error());
  auto org = in.String("organization", kIdLimits);
  if (!org) return Fail<Principal>(org.error());
  auto name = in.String("name", kNameLimits);
  if (!name) return Fail<Principal>(name.error());
  p.roles = INFRASHARE_TRY(ReadRoles(in));
  if (auto f = in.Finish(); !f) return Fail<Principal>(f.error());
  if (!Snapshot()->FindOrganization(*org))
    return InvalidArgument("organization", fmt::format("unknown organization '{}'", *org));
  if (auto r = caller.RequireAdminOf(*org); !r) return Fail<Principal>(r.error());
  INFRASHARE_TRY(CheckPrincipalNamespace(caller, *Snapshot(), *id, *org));
  p.id = *id;
  p.organization = *org;
  p.name = *name;
  p.created_at = clock_.Now();
  auto r = store_.Write([&](WriteTx& tx) -> Result<void> {
    if (auto w = tx.InsertPrincipal(p); !w) return w;
    return RecordChange(tx, caller.space,
                        ChangeRecord{.at = p.created_at,
                                     .actor = ChangeActor::Of(caller),
                                     .action = "principal.add",
                                     .target_kind = "principal",
                                     .target_id = p.id,
                                     .detail = {{"organization", p.organization}}});
  });
  if (!r) return Fail<Principal>(r.error());
  return p;
}

Result<std::vector<Principal>> RegistryService::ListPrincipals(const Caller& caller,
                                                               std::optional<std::string> org) {
  INFRASHARE_TRY(caller.Require(Role::kAdmin));
  // An organization's administrator lists its own principals.
  if (!org) {
    if (!caller.RequirePlatformAdmin()) org = caller.organization->id;
  } else {
    INFRASHARE_TRY(caller.RequireAdminOf(*org));
  }
  return store_.Read([&](ReadTx& tx) { return tx.ListPrincipals(org); });
}

Result<IssuedToken> RegistryService::IssueToken(const Caller& caller, const std::string& principal_id,
                                                const Json& body) {
  if (auto r = caller.Require(Role::kAdmin); !r) return Fail<IssuedToken>(r.error());
  ObjectReader in(body, "");
  auto label = in.OptionalString("label", kTokenLabelLimits);
  if (!label) return Fail<IssuedToken>(label.error());
  if (auto f = in.Finish(); !f) return Fail<IssuedToken>(f.error());
  IssuedToken issued;
  const std::string secret = RandomHex(32);
  issued.token = ApiToken{.id = NewId("tok"),
                          .principal = principal_id,
                          .secret_sha256 = Sha256Hex(secret),
                          .label = label->value_or(""),
                          .created_at = clock_.Now()};
  issued.secret_token = issued.token.id + "." + secret;
  auto r = store_.Write([&](WriteTx& tx) -> Result<void> {
    const auto missing = NotFound(fmt::format("principal '{}' not found", principal_id));
    auto p = INFRASHARE_TRY(tx.GetPrincipal(principal_id));
    if (!p) return missing;
    INFRASHARE_TRY(caller.RequireAdminOfRecord(p->organization, missing));
    if (auto w = tx.InsertToken(issued.token); !w) return w;
    return RecordChange(
        tx, caller.space,
        ChangeRecord{.at = issued.token.created_at,
                     .actor = ChangeActor::Of(caller),
                     .action = "token.issue",
                     .target_kind = "token",
                     .target_id = issued.token.id,
                     .detail = {{"principal", principal_id}, {"organization", p->organization}}});
  });
  if (!r) return Fail<IssuedToken>(r.error());
  return issued;
}

Result<Principal> RegistryService::UpdatePrincipal(const Caller& caller, const std::string& principal_id,
                                                   const Json& body) {
  INFRASHARE_TRY(caller.Require(Role::kAdmin));
  ObjectReader in(body, "");
  std::optional<bool> disable;
  if (in.Has("disabled")) disable = INFRASHARE_TRY(in.Bool("disabled"));
  std::optional<std::vector<Role>> roles;
  if (in.Has("roles")) roles = INFRASHARE_TRY(ReadRoles(in));
  INFRASHARE_TRY(in.Finish());
  if (!disable && !roles) return InvalidArgument("", "give disabled, roles or both");
  const bool self = caller.principal->id == principal_id;
  if (self && disable.value_or(false))
    return InvalidArgument("disabled", "an administrator cannot disable its own principal");
  if (self && roles && std::find(roles->begin(), roles->end(), Role::kAdmin) == roles->end())
    return InvalidArgument("roles", "an administrator cannot take its own admin role");
  const Timestamp now = clock_.Now();
  Principal out;
  INFRASHARE_TRY(store_.Write([&](WriteTx& tx) -> Result<void> {
    const auto missing = NotFound(fmt::format("principal '{}' not found", principal_id));
    auto p = INFRASHARE_TRY(tx.GetPrincipal(principal_id));
    if (!p) return missing;
    INFRASHARE_TRY(caller.RequireAdminOfRecord(p->organization, missing));
    auto record = [&](std::string action, Json detail) {
      detail["organization"] = p->organization;
      return RecordChange(tx, caller.space,
                          ChangeRecord{.at = now,
                                       .actor = ChangeActor::Of(caller),
                                       .action = std::move(action),
                                       .target_kind = "principal",
                                       .target_id = p->id,
                                       .detail = std::move(detail)});
    };
    if (disable && *disable != p->disabled_at.has_value()) {
      p->disabled_at = *disable ? std::optional(now) : std::nullopt;
      if (*disable) INFRASHARE_TRY(tx.RevokeWebSessions(p->id, now));
      INFRASHARE_TRY(record(*disable ? "principal.disable" : "principal.enable", Json::object()));
    }
    if (roles && *roles != p->roles) {
      Json before = ToJson(*p)["roles"];
      p->roles = *roles;
      INFRASHARE_TRY(
          record("principal.roles", Json{{"before", std::move(before)}, {"after", ToJson(*p)["roles"]}}));
    }
    INFRASHARE_TRY(tx.UpdatePrincipal(*p));
    out = std::move(*p);
    return {};
  }));
  if (on_principal_changed_) on_principal_changed_(principal_id);
  return out;
}

Result<void> RegistryService::RevokeToken(const Caller& caller, const std::string& token_id) {
  if (auto r = caller.Require(Role::kAdmin); !r) return r;
  auto r = store_.Write([&](WriteTx& tx) -> Result<void> {
    const auto missing = NotFound(fmt::format("token '{}' not found", token_id));
    auto t = INFRASHARE_TRY(tx.GetToken(token_id));
    if (!t) return missing;
    auto owner = INFRASHARE_TRY(tx.GetPrincipal(t->principal));
    INFRASHARE_TRY(caller.RequireAdminOfRecord(owner ? owner->organization : "", missing));
    if ((t)->revoked_at) return Conflict(fmt::format("token '{}' is already revoked", token_id));
    const Timestamp now = clock_.Now();
    if (auto w = tx.RevokeToken(token_id, now); !w) return w;
    return RecordChange(tx, caller.space,
                        ChangeRecord{.at = now,
                                     .actor = ChangeActor::Of(caller),
                                     .action = "token.revoke",
                                     .target_kind = "token",
                                     .target_id = token_id,
                                     .detail = {{"principal", t->principal},
                                                {"organization", owner ? owner->organization : ""}}});
  });
  if (r && on_token_revoked_) on_token_revoked_(token_id);
  return r;
}

}  // namespace infrashare
