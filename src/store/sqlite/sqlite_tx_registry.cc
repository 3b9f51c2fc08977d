// SqliteTx: registry documents, principals, tokens and meta.
#include <fmt/format.h>

#include "domain/registry/registry_json.h"
#include "store/sqlite/sqlite_tx.h"

namespace infrashare::sqlite {

namespace {

// Reads every document of a registry table in insertion order.
template <class T>
Result<std::vector<T>> LoadDocuments(Connection& conn, std::string_view sql, std::string_view entity,
                                     Result<T> (*from_json)(const Json&)) {
  auto s = conn.Prepare(sql);
  if (!s) return std::unexpected(s.error());
  std::vector<T> out;
  for (;;) {
    auto row = (*s)->Step(fmt::format("load {}s", entity));
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    auto value =
        DecodeStored<T>((*s)->Text(1), fmt::format("stored {} '{}'", entity, (*s)->Text(0)), from_json);
    if (!value) return std::unexpected(value.error());
    out.push_back(std::move(*value));
  }
  return out;
}

Result<void> UpsertDocument(Connection& conn, std::string_view sql, std::string_view entity,
                            const std::string& id, const Json& doc) {
  auto s = conn.Prepare(sql);
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":id", id);
  (*s)->Bind(":doc", DumpDocument(doc));
  return (*s)->Run(fmt::format("store {}", entity));
}

std::string RolesText(const std::vector<Role>& roles) {
  Json list = Json::array();
  for (Role r : roles) list.push_back(NameOf(kRoleNames, r));
  return DumpDocument(list);
}

// Columns: id, organization, name, roles, created_at.
Result<Principal> PrincipalFromRow(const Statement& s) {
  Principal p;
  p.id = std::string(s.Text(0));
  p.organization = std::string(s.Text(1));
  p.name = std::string(s.Text(2));
  p.created_at = FromMicros(s.Int(4));
  const std::string what = fmt::format("stored principal '{}'", p.id);
  auto roles = ParseStoredDocument(s.Text(3), what);
  if (!roles) return std::unexpected(roles.error());
  if (!roles->is_array()) return Internal(what + " has unreadable roles");
  for (const auto& r : *roles) {
    auto role = r.is_string() ? ParseName(kRoleNames, r.get_ref<const std::string&>()) : std::nullopt;
    if (!role) return Internal(what + " has an unknown role");
    p.roles.push_back(*role);
  }
  return p;
}

}  // namespace

Result<Json> ParseStoredDocument(std::string_view text, std::string_view what) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Internal(fmt::format("{} is unreadable: not JSON", what));
  return json;
}

std::string DumpDocument(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<RegistryData> SqliteTx::LoadRegistry() {
  RegistryData data;
  auto sectors =
      LoadDocuments<Sector>(conn_, "SELECT id, doc FROM sectors ORDER BY rowid", "sector", SectorFromJson);
  if (!sectors) return std::unexpected(sectors.error());
  auto ceptoars = LoadDocuments<Ceptoar>(conn_, "SELECT id, doc FROM ceptoars ORDER BY rowid", "CEPTOAR",
                                         CeptoarFromJson);
  if (!ceptoars) return std::unexpected(ceptoars.error());
  auto groups = LoadDocuments<SharingGroup>(conn_, "SELECT id, doc FROM sharing_groups ORDER BY rowid",
                                            "sharing group", GroupFromJson);
  if (!groups) return std::unexpected(groups.error());
  auto orgs = LoadDocuments<Organization>(conn_, "SELECT id, doc FROM organizations ORDER BY rowid",
                                          "organization", OrganizationFromJson);
  if (!orgs) return std::unexpected(orgs.error());
  data.sectors = std::move(*sectors);
  data.ceptoars = std::move(*ceptoars);
  data.groups = std::move(*groups);
  data.organizations = std::move(*orgs);
  return data;
}

Result<void> SqliteTx::UpsertSector(const Sector& sector) {
  return UpsertDocument(conn_,
                        "INSERT INTO sectors (id, doc) VALUES (:id, :doc) "
                        "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                        "sector", sector.id, ToJson(sector));
}

Result<void> SqliteTx::UpsertCeptoar(const Ceptoar& ceptoar) {
  return UpsertDocument(conn_,
                        "INSERT INTO ceptoars (id, doc) VALUES (:id, :doc) "
                        "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                        "CEPTOAR", ceptoar.id, ToJson(ceptoar));
}

Result<void> SqliteTx::UpsertGroup(const SharingGroup& group) {
  return UpsertDocument(conn_,
                        "INSERT INTO sharing_groups (id, doc) VALUES (:id, :doc) "
                        "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                        "sharing group", group.id, ToJson(group));
}

Result<void> SqliteTx::UpsertOrganization(const Organization& org) {
  return UpsertDocument(conn_,
                        "INSERT INTO organizations (id, doc) VALUES (:id, :doc) "
                        "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                        "organization", org.id, ToJson(org));
}

Result<std::optional<Principal>> SqliteTx::GetPrincipal(const std::string& id) {
  auto s = conn_.Prepare("SELECT id, organization, name, roles, created_at FROM principals WHERE id = :id");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":id", id);
  auto row = (*s)->Step("get principal");
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::nullopt;
  auto p = PrincipalFromRow(**s);
  if (!p) return std::unexpected(p.error());
  return std::move(*p);
}

Result<std::vector<Principal>> SqliteTx::ListPrincipals(const std::optional<std::string>& organization) {
  auto s = conn_.Prepare(
      "SELECT id, organization, name, roles, created_at FROM principals "
      "WHERE :organization IS NULL OR organization = :organization ORDER BY id");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":organization", organization);
  std::vector<Principal> out;
  for (;;) {
    auto row = (*s)->Step("list principals");
    if (!row) return std::unexpected(row.error());
    if (!*row) return out;
    auto p = PrincipalFromRow(**s);
    if (!p) return std::unexpected(p.error());
    out.push_back(std::move(*p));
  }
}

Result<void> SqliteTx::InsertPrincipal(const Principal& principal) {
  auto s = conn_.Prepare(
      "INSERT INTO principals (id, organization, name, roles, created_at) "
      "VALUES (:id, :organization, :name, :roles, :created_at)");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":id", principal.id);
  (*s)->Bind(":organization", principal.organization);
  (*s)->Bind(":name", principal.name);
  (*s)->Bind(":roles", RolesText(principal.roles));
  (*s)->Bind(":created_at", ToMicros(principal.created_at));
  auto r = (*s)->Run("insert principal");
  if (!r && r.error().code == ErrorCode::kConflict)
    return Conflict(fmt::format("principal '{}' already exists", principal.id), "id");
  return r;
}

Result<std::optional<ApiToken>> SqliteTx::GetToken(const std::string& id) {
  auto s = conn_.Prepare(
      "SELECT id, principal, secret_sha256, label, created_at, revoked_at FROM tokens WHERE id = :id");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":id", id);
  auto row = (*s)->Step("get token");
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::nullopt;
  ApiToken t;
  t.id = std::string((*s)->Text(0));
  t.principal = std::string((*s)->Text(1));
  t.secret_sha256 = std::string((*s)->Text(2));
  t.label = std::string((*s)->Text(3));
  t.created_at = FromMicros((*s)->Int(4));
  if (!(*s)->IsNull(5)) t.revoked_at = FromMicros((*s)->Int(5));
  return t;
}

Result<void> SqliteTx::InsertToken(const ApiToken& token) {
  auto s = conn_.Prepare(
      "INSERT INTO tokens (id, principal, secret_sha256, label, created_at, revoked_at) "
      "VALUES (:id, :principal, :secret_sha256, :label, :created_at, :revoked_at)");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":id", token.id);
  (*s)->Bind(":principal", token.principal);
  (*s)->Bind(":secret_sha256", token.secret_sha256);
  (*s)->Bind(":label", token.label);
  (*s)->Bind(":created_at", ToMicros(token.created_at));
  if (token.revoked_at)
    (*s)->Bind(":revoked_at", ToMicros(*token.revoked_at));
  else
    (*s)->Bind(":revoked_at", std::nullopt);
  auto r = (*s)->Run("insert token");
  if (!r && r.error().code == ErrorCode::kConflict)
    return Conflict(fmt::format("token '{}' already exists", token.id), "id");
  if (!r && r.error().code == ErrorCode::kInvalidArgument)
    return InvalidArgument("principal", fmt::format("unknown principal '{}'", token.principal));
  return r;
}

Result<void> SqliteTx::RevokeToken(const std::string& id, Timestamp at) {
  // A token revoked twice keeps the time of the first revocation.
  auto s = conn_.Prepare("UPDATE tokens SET revoked_at = coalesce(revoked_at, :at) WHERE id = :id");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":at", ToMicros(at));
  (*s)->Bind(":id", id);
  if (auto r = (*s)->Run("revoke token"); !r) return r;
  if (sqlite3_changes(conn_.handle()) == 0) return NotFound(fmt::format("token '{}' not found", id));
  return {};
}

Result<std::optional<std::string>> SqliteTx::GetMeta(const std::string& key) {
  auto s = conn_.Prepare("SELECT value FROM meta WHERE key = :key");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":key", key);
  auto row = (*s)->Step("get meta");
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::nullopt;
  return std::string((*s)->Text(0));
}

Result<void> SqliteTx::SetMeta(const std::string& key, const std::string& value) {
  auto s = conn_.Prepare(
      "INSERT INTO meta (key, value) VALUES (:key, :value) ON CONFLICT (key) DO UPDATE SET value = "
      "excluded.value");
  if (!s) return std::unexpected(s.error());
  (*s)->Bind(":key", key);
  (*s)->Bind(":value", value);
  return (*s)->Run("set meta");
}

}  // namespace infrashare::sqlite
