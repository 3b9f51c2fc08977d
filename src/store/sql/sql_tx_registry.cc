// SqlTx: registry documents, principals, tokens and meta.
#include <fmt/format.h>

#include "domain/registry/registry_json.h"
#include "store/sql/sql_tx.h"
#include "store/stored_document.h"

namespace infrashare::sql {

namespace {

// Reads every document of a registry table in insertion order.
template <class T>
Result<std::vector<T>> LoadDocuments(Session& session, std::string_view table, std::string_view entity,
                                     Result<T> (*from_json)(const Json&)) {
  const std::string sql =
      fmt::format("SELECT id, doc FROM {} ORDER BY {}", table, session.dialect().InsertionOrder());
  auto rows = INFRASHARE_TRY(session.Exec(sql, fmt::format("load {}s", entity)));
  std::vector<T> out;
  for (int i = 0; i < rows.size(); ++i) {
    auto value = INFRASHARE_TRY(stored::DecodeStored<T>(
        rows.Text(i, 1), fmt::format("stored {} '{}'", entity, rows.Text(i, 0)), from_json));
    out.push_back(std::move(value));
  }
  return out;
}

// Inserts or replaces the document of a registry table's row.
Result<void> UpsertDocument(Session& session, std::string_view table, std::string_view entity,
                            const std::string& id, const Json& doc) {
  const std::string sql = fmt::format(
      "INSERT INTO {} (id, doc) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET doc = excluded.doc", table);
  return session.Run(sql, Params().Add(id).Add(stored::DumpDocument(doc)), fmt::format("store {}", entity));
}

std::string RolesText(const std::vector<Role>& roles) {
  Json list = Json::array();
  for (Role r : roles) list.push_back(NameOf(kRoleNames, r));
  return stored::DumpDocument(list);
}

Result<std::vector<Principal>> PrincipalsFromRows(const Rows& rows) {
  std::vector<Principal> out;
  for (int i = 0; i < rows.size(); ++i) {
    auto p = INFRASHARE_TRY(PrincipalFromRow(rows, i));
    out.push_back(std::move(p));
  }
  return out;
}

// The statements that read principals and tokens.
const std::string kGetPrincipalSql =
    fmt::format("SELECT {} FROM principals WHERE id = $1", kPrincipalColumns);
const std::string kListPrincipalsSql =
    fmt::format("SELECT {} FROM principals ORDER BY id", kPrincipalColumns);
const std::string kListOrgPrincipalsSql =
    fmt::format("SELECT {} FROM principals WHERE organization = $1 ORDER BY id", kPrincipalColumns);
const std::string kGetTokenSql = fmt::format("SELECT {} FROM tokens WHERE id = $1", kTokenColumns);

}  // namespace

Result<Principal> PrincipalFromRow(const Rows& rows, int i) {
  Principal p;
  p.id = std::string(rows.Text(i, 0));
  p.organization = std::string(rows.Text(i, 1));
  p.name = std::string(rows.Text(i, 2));
  p.created_at = FromMicros(rows.Int(i, 4));
  if (!rows.IsNull(i, 5)) p.disabled_at = FromMicros(rows.Int(i, 5));
  if (!rows.IsNull(i, 6)) p.language = std::string(rows.Text(i, 6));
  const std::string what = fmt::format("stored principal '{}'", p.id);
  auto roles = INFRASHARE_TRY(stored::ParseStoredDocument(rows.Text(i, 3), what));
  if (!roles.is_array()) return Internal(what + " has unreadable roles");
  for (const auto& r : roles) {
    auto role = r.is_string() ? ParseName(kRoleNames, r.get_ref<const std::string&>()) : std::nullopt;
    if (!role) return Internal(what + " has an unknown role");
    p.roles.push_back(*role);
  }
  return p;
}

Result<ApiToken> TokenFromRow(const Rows& rows, int i) {
  ApiToken t;
  t.id = std::string(rows.Text(i, 0));
  t.principal = std::string(rows.Text(i, 1));
  t.secret_sha256 = std::string(rows.Text(i, 2));
  t.label = std::string(rows.Text(i, 3));
  t.created_at = FromMicros(rows.Int(i, 4));
  if (!rows.IsNull(i, 5)) t.revoked_at = FromMicros(rows.Int(i, 5));
  return t;
}

Result<RegistryData> SqlTx::LoadRegistry() {
  RegistryData data;
  data.sectors = INFRASHARE_TRY(LoadDocuments<Sector>(session_, "sectors", "sector", SectorFromJson));
  data.ceptoars = INFRASHARE_TRY(LoadDocuments<Ceptoar>(session_, "ceptoars", "CEPTOAR", CeptoarFromJson));
  data.groups =
      INFRASHARE_TRY(LoadDocuments<SharingGroup>(session_, "sharing_groups", "sharing group", GroupFromJson));
  auto orgs = INFRASHARE_TRY(
      LoadDocuments<Organization>(session_, "organizations", "organization", OrganizationFromJson));
  data.organizations = std::move(orgs);
  return data;
}

Result<void> SqlTx::UpsertSector(const Sector& sector) {
  return UpsertDocument(session_, "sectors", "sector", sector.id, ToJson(sector));
}

Result<void> SqlTx::UpsertCeptoar(const Ceptoar& ceptoar) {
  return UpsertDocument(session_, "ceptoars", "CEPTOAR", ceptoar.id, ToJson(ceptoar));
}

Result<void> SqlTx::UpsertGroup(const SharingGroup& group) {
  return UpsertDocument(session_, "sharing_groups", "sharing group", group.id, ToJson(group));
}

Result<void> SqlTx::UpsertOrganization(const Organization& org) {
  return UpsertDocument(session_, "organizations", "organization", org.id, ToJson(org));
}

Result<std::optional<Principal>> SqlTx::GetPrincipal(const std::string& id) {
  auto rows = INFRASHARE_TRY(session_.Exec(kGetPrincipalSql, Params().Add(id), "get principal"));
  if (rows.empty()) return std::nullopt;
  auto p = INFRASHARE_TRY(PrincipalFromRow(rows, 0));
  return p;
}

Result<std::vector<Principal>> SqlTx::ListPrincipals(const std::optional<std::string>& organization) {
  auto rows = INFRASHARE_TRY(
      organization ? session_.Exec(kListOrgPrincipalsSql, Params().Add(*organization), "list principals")
                   : session_.Exec(kListPrincipalsSql, "list principals"));
  return PrincipalsFromRows(rows);
}

Result<void> SqlTx::InsertPrincipal(const Principal& principal) {
  auto r = INFRASHARE_TRY(session_.Exec(
      "INSERT INTO principals (id, organization, name, roles, created_at, disabled_at, language) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
      Params()
          .Add(principal.id)
          .Add(principal.organization)
          .Add(principal.name)
          .Add(RolesText(principal.roles))
          .Add(ToMicros(principal.created_at))
          .Add(ToMicros(principal.disabled_at))
          .Add(principal.language),
      "insert principal"));
  if (r.Affected() == 0) return Conflict(fmt::format("principal '{}' already exists", principal.id), "id");
  return {};
}

Result<void> SqlTx::UpdatePrincipal(const Principal& principal) {
  auto r = INFRASHARE_TRY(session_.Exec(
      "UPDATE principals SET name = $1, roles = $2, disabled_at = $3, language = $4 WHERE id = $5",
      Params()
          .Add(principal.name)
          .Add(RolesText(principal.roles))
          .Add(ToMicros(principal.disabled_at))
          .Add(principal.language)
          .Add(principal.id),
      "update principal"));
  if (r.Affected() == 0) return NotFound(fmt::format("principal '{}' not found", principal.id));
  return CredentialsChanged();
}

Result<std::optional<ApiToken>> SqlTx::GetToken(const std::string& id) {
  auto rows = INFRASHARE_TRY(session_.Exec(kGetTokenSql, Params().Add(id), "get token"));
  if (rows.empty()) return std::nullopt;
  auto token = INFRASHARE_TRY(TokenFromRow(rows, 0));
  return token;
}

Result<void> SqlTx::InsertToken(const ApiToken& token) {
  // The principal is checked first, so that a missing one is an answer
  // rather than a foreign-key error that aborts the transaction.
  auto principal = INFRASHARE_TRY(GetPrincipal(token.principal));
  if (!principal) return InvalidArgument("principal", fmt::format("unknown principal '{}'", token.principal));
  auto r = INFRASHARE_TRY(
      session_.Exec("INSERT INTO tokens (id, principal, secret_sha256, label, created_at, revoked_at) "
                    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
                    Params()
                        .Add(token.id)
                        .Add(token.principal)
                        .Add(token.secret_sha256)
                        .Add(token.label)
                        .Add(ToMicros(token.created_at))
                        .Add(ToMicros(token.revoked_at)),
                    "insert token"));
  if (r.Affected() == 0) return Conflict(fmt::format("token '{}' already exists", token.id), "id");
  return {};
}

Result<void> SqlTx::RevokeToken(const std::string& id, Timestamp at) {
  // A token revoked twice keeps the time of the first revocation.
  auto r =
      INFRASHARE_TRY(session_.Exec("UPDATE tokens SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2",
                                   Params().Add(ToMicros(at)).Add(id), "revoke token"));
  if (r.Affected() == 0) return NotFound(fmt::format("token '{}' not found", id));
  return CredentialsChanged();
}

Result<void> SqlTx::CredentialsChanged() {
  return session_.Run(
      "INSERT INTO meta (key, value) VALUES ($1, '1') ON CONFLICT (key) DO UPDATE SET value = "
      "CAST(CAST(meta.value AS BIGINT) + 1 AS TEXT)",
      Params().Add(std::string(kCredentialsVersionKey)), "count credential changes");
}

Result<std::optional<std::string>> SqlTx::GetMeta(const std::string& key) {
  auto rows =
      INFRASHARE_TRY(session_.Exec("SELECT value FROM meta WHERE key = $1", Params().Add(key), "get meta"));
  if (rows.empty()) return std::nullopt;
  return std::string(rows.Text(0, 0));
}

Result<void> SqlTx::SetMeta(const std::string& key, const std::string& value) {
  return session_.Run(
      "INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      Params().Add(key).Add(value), "set meta");
}

Result<void> SqlTx::AdvanceSequence(std::string_view table, std::string_view column) {
  auto sql = session_.dialect().AdvanceSequence(table, column);
  if (!sql) return {};
  INFRASHARE_TRY(session_.Exec(*sql, "advance sequence"));
  return {};
}

}  // namespace infrashare::sql
