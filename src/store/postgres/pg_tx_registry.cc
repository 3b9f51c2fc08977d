// PgTx: registry documents, principals, tokens and meta.
#include <fmt/format.h>

#include "domain/registry/registry_json.h"
#include "store/postgres/pg_tx.h"

namespace infrashare::postgres {

namespace {

// Reads every document of a registry table in insertion order (ord).
template <class T>
Result<std::vector<T>> LoadDocuments(Connection& conn, std::string_view sql, std::string_view entity,
                                     Result<T> (*from_json)(const Json&)) {
  auto rows = conn.Exec(sql, fmt::format("load {}s", entity));
  if (!rows) return std::unexpected(rows.error());
  std::vector<T> out;
  for (int i = 0; i < rows->size(); ++i) {
    auto value =
        DecodeStored<T>(rows->Text(i, 1), fmt::format("stored {} '{}'", entity, rows->Text(i, 0)), from_json);
    if (!value) return std::unexpected(value.error());
    out.push_back(std::move(*value));
  }
  return out;
}

Result<void> UpsertDocument(Connection& conn, std::string_view sql, std::string_view entity,
                            const std::string& id, const Json& doc) {
  auto r = conn.Exec(sql, Params().Add(id).Add(DumpDocument(doc)), fmt::format("store {}", entity));
  if (!r) return std::unexpected(r.error());
  return {};
}

std::string RolesText(const std::vector<Role>& roles) {
  Json list = Json::array();
  for (Role r : roles) list.push_back(NameOf(kRoleNames, r));
  return DumpDocument(list);
}

// Columns: id, organization, name, roles, created_at.
Result<Principal> PrincipalFromRow(const Rows& rows, int i) {
  Principal p;
  p.id = std::string(rows.Text(i, 0));
  p.organization = std::string(rows.Text(i, 1));
  p.name = std::string(rows.Text(i, 2));
  p.created_at = FromMicros(rows.Int(i, 4));
  const std::string what = fmt::format("stored principal '{}'", p.id);
  auto roles = ParseStoredDocument(rows.Text(i, 3), what);
  if (!roles) return std::unexpected(roles.error());
  if (!roles->is_array()) return Internal(what + " has unreadable roles");
  for (const auto& r : *roles) {
    auto role = r.is_string() ? ParseName(kRoleNames, r.get_ref<const std::string&>()) : std::nullopt;
    if (!role) return Internal(what + " has an unknown role");
    p.roles.push_back(*role);
  }
  return p;
}

constexpr std::string_view kPrincipalColumns = "id, organization, name, roles, created_at";

}  // namespace

Result<RegistryData> PgTx::LoadRegistry() {
  RegistryData data;
  auto sectors =
      LoadDocuments<Sector>(conn_, "SELECT id, doc FROM sectors ORDER BY ord", "sector", SectorFromJson);
  if (!sectors) return std::unexpected(sectors.error());
  auto ceptoars =
      LoadDocuments<Ceptoar>(conn_, "SELECT id, doc FROM ceptoars ORDER BY ord", "CEPTOAR", CeptoarFromJson);
  if (!ceptoars) return std::unexpected(ceptoars.error());
  auto groups = LoadDocuments<SharingGroup>(conn_, "SELECT id, doc FROM sharing_groups ORDER BY ord",
                                            "sharing group", GroupFromJson);
  if (!groups) return std::unexpected(groups.error());
  auto orgs = LoadDocuments<Organization>(conn_, "SELECT id, doc FROM organizations ORDER BY ord",
                                          "organization", OrganizationFromJson);
  if (!orgs) return std::unexpected(orgs.error());
  data.sectors = std::move(*sectors);
  data.ceptoars = std::move(*ceptoars);
  data.groups = std::move(*groups);
  data.organizations = std::move(*orgs);
  return data;
}

Result<void> PgTx::UpsertSector(const Sector& sector) {
  return UpsertDocument(conn_,
                        "INSERT INTO sectors (id, doc) VALUES ($1, $2) "
                        "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                        "sector", sector.id, ToJson(sector));
}

Result<void> PgTx::UpsertCeptoar(const Ceptoar& ceptoar) {
  return UpsertDocument(conn_,
                        "INSERT INTO ceptoars (id, doc) VALUES ($1, $2) "
                        "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                        "CEPTOAR", ceptoar.id, ToJson(ceptoar));
}

Result<void> PgTx::UpsertGroup(const SharingGroup& group) {
  return UpsertDocument(conn_,
                        "INSERT INTO sharing_groups (id, doc) VALUES ($1, $2) "
                        "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                        "sharing group", group.id, ToJson(group));
}

Result<void> PgTx::UpsertOrganization(const Organization& org) {
  return UpsertDocument(conn_,
                        "INSERT INTO organizations (id, doc) VALUES ($1, $2) "
                        "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
                        "organization", org.id, ToJson(org));
}

Result<std::optional<Principal>> PgTx::GetPrincipal(const std::string& id) {
  auto rows = conn_.Exec(fmt::format("SELECT {} FROM principals WHERE id = $1", kPrincipalColumns),
                         Params().Add(id), "get principal");
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::nullopt;
  auto p = PrincipalFromRow(*rows, 0);
  if (!p) return std::unexpected(p.error());
  return std::move(*p);
}

Result<std::vector<Principal>> PgTx::ListPrincipals(const std::optional<std::string>& organization) {
  auto rows = organization
                  ? conn_.Exec(fmt::format("SELECT {} FROM principals WHERE organization = $1 ORDER BY id",
                                           kPrincipalColumns),
                               Params().Add(*organization), "list principals")
                  : conn_.Exec(fmt::format("SELECT {} FROM principals ORDER BY id", kPrincipalColumns),
                               "list principals");
  if (!rows) return std::unexpected(rows.error());
  std::vector<Principal> out;
  for (int i = 0; i < rows->size(); ++i) {
    auto p = PrincipalFromRow(*rows, i);
    if (!p) return std::unexpected(p.error());
    out.push_back(std::move(*p));
  }
  return out;
}

Result<void> PgTx::InsertPrincipal(const Principal& principal) {
  auto r = conn_.Exec(
      "INSERT INTO principals (id, organization, name, roles, created_at) VALUES ($1, $2, $3, $4, $5) "
      "ON CONFLICT (id) DO NOTHING",
      Params()
          .Add(principal.id)
          .Add(principal.organization)
          .Add(principal.name)
          .Add(RolesText(principal.roles))
          .Add(ToMicros(principal.created_at)),
      "insert principal");
  if (!r) return std::unexpected(r.error());
  if (r->Affected() == 0) return Conflict(fmt::format("principal '{}' already exists", principal.id), "id");
  return {};
}

Result<std::optional<ApiToken>> PgTx::GetToken(const std::string& id) {
  auto rows = conn_.Exec(
      "SELECT id, principal, secret_sha256, label, created_at, revoked_at FROM tokens WHERE id = $1",
      Params().Add(id), "get token");
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::nullopt;
  ApiToken t;
  t.id = std::string(rows->Text(0, 0));
  t.principal = std::string(rows->Text(0, 1));
  t.secret_sha256 = std::string(rows->Text(0, 2));
  t.label = std::string(rows->Text(0, 3));
  t.created_at = FromMicros(rows->Int(0, 4));
  if (!rows->IsNull(0, 5)) t.revoked_at = FromMicros(rows->Int(0, 5));
  return t;
}

Result<void> PgTx::InsertToken(const ApiToken& token) {
  // The principal is checked in the statement itself, so that a missing one
  // is an answer rather than a foreign-key error that aborts the transaction.
  auto r = conn_.Exec(
      "WITH ins AS ("
      "  INSERT INTO tokens (id, principal, secret_sha256, label, created_at, revoked_at)"
      "  SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM principals WHERE id = $2)"
      "  ON CONFLICT (id) DO NOTHING RETURNING 1) "
      "SELECT (SELECT count(*) FROM ins), EXISTS (SELECT 1 FROM principals WHERE id = $2)",
      Params()
          .Add(token.id)
          .Add(token.principal)
          .Add(token.secret_sha256)
          .Add(token.label)
          .Add(ToMicros(token.created_at))
          .Add(token.revoked_at ? std::optional<int64_t>(ToMicros(*token.revoked_at)) : std::nullopt),
      "insert token");
  if (!r) return std::unexpected(r.error());
  if (r->Int(0, 0) == 1) return {};
  if (r->Text(0, 1) != "t")
    return InvalidArgument("principal", fmt::format("unknown principal '{}'", token.principal));
  return Conflict(fmt::format("token '{}' already exists", token.id), "id");
}

Result<void> PgTx::RevokeToken(const std::string& id, Timestamp at) {
  // A token revoked twice keeps the time of the first revocation.
  auto r = conn_.Exec("UPDATE tokens SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2",
                      Params().Add(ToMicros(at)).Add(id), "revoke token");
  if (!r) return std::unexpected(r.error());
  if (r->Affected() == 0) return NotFound(fmt::format("token '{}' not found", id));
  return {};
}

Result<std::optional<std::string>> PgTx::GetMeta(const std::string& key) {
  auto rows = conn_.Exec("SELECT value FROM meta WHERE key = $1", Params().Add(key), "get meta");
  if (!rows) return std::unexpected(rows.error());
  if (rows->empty()) return std::nullopt;
  return std::string(rows->Text(0, 0));
}

Result<void> PgTx::SetMeta(const std::string& key, const std::string& value) {
  auto r = conn_.Exec(
      "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      Params().Add(key).Add(value), "set meta");
  if (!r) return std::unexpected(r.error());
  return {};
}

}  // namespace infrashare::postgres
