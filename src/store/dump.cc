#include "store/dump.h"

#include <fmt/format.h>

#include <limits>

#include "domain/alert/alert_json.h"
#include "domain/registry/registry_json.h"
#include "domain/report/report_json.h"
#include "store/sql/sql_tx.h"
#include "store/stored_document.h"

namespace infrashare::dump {

namespace {

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
constexpr StringLimits kAnyString{.min = 0, .max = size_t{1} << 30};
constexpr StringLimits kId{.min = 1, .max = size_t{1} << 20};

Json OptionalMicros(const std::optional<Timestamp>& t) {
  const auto us = ToMicros(t);
  return us ? Json(*us) : Json(nullptr);
}

// A member that must be a JSON object (a document); marks it known.
Result<Json> Document(ObjectReader& r, std::string_view key) {
  const Json* doc = r.Raw(key);
  if (doc == nullptr || !doc->is_object()) return InvalidArgument(r.PathOf(key), "must be an object");
  return *doc;
}

// Decodes a document with a domain decoder; its errors name the row's field.
template <class T>
Result<T> Decode(const Json& doc, const std::string& path, Result<T> (*from_json)(const Json&)) {
  try {
    auto value = from_json(doc);
    if (!value) return InvalidArgument(path, value.error().message);
    return value;
  } catch (const Json::exception& e) {
    return InvalidArgument(path, e.what());
  }
}

template <class T>
Result<void> ImportDocument(sql::SqlTx& tx, ObjectReader& r, Result<T> (*from_json)(const Json&),
                            Result<void> (WriteTx::*upsert)(const T&)) {
  auto id = INFRASHARE_TRY(r.String("id", kId));
  auto doc = INFRASHARE_TRY(Document(r, "doc"));
  if (auto f = r.Finish(); !f) return f;
  auto value = INFRASHARE_TRY(Decode<T>(doc, r.PathOf("doc"), from_json));
  if (value.id != id)
    return InvalidArgument(r.PathOf("id"), fmt::format("'{}' is not the document's id", id));
  return (tx.*upsert)(value);
}

Result<void> ImportMeta(sql::SqlTx& tx, ObjectReader& r) {
  auto key = INFRASHARE_TRY(r.String("key", kId));
  auto value = INFRASHARE_TRY(r.String("value", kAnyString));
  if (auto f = r.Finish(); !f) return f;
  return tx.SetMeta(key, value);
}

Result<void> ImportPrincipal(sql::SqlTx& tx, ObjectReader& r) {
  Principal p;
  auto id = INFRASHARE_TRY(r.String("id", kId));
  auto org = INFRASHARE_TRY(r.String("organization", kId));
  auto name = INFRASHARE_TRY(r.String("name", kAnyString));
  auto roles = INFRASHARE_TRY(r.StringList("roles", 100, kId, /*required=*/true));
  auto created = INFRASHARE_TRY(r.Int("created_at", 0, kMaxInt));
  const Json* disabled = r.Raw("disabled_at");  // nullptr: absent or null
  if (disabled != nullptr && !disabled->is_number_integer())
    return InvalidArgument(r.PathOf("disabled_at"), "must be an integer or null");
  auto language = INFRASHARE_TRY(r.OptionalString("language", kId));
  if (auto f = r.Finish(); !f) return f;
  if (language && !IsLanguage(*language)) return InvalidArgument(r.PathOf("language"), "must be ja or en");
  if (disabled != nullptr) p.disabled_at = FromMicros(disabled->get<int64_t>());
  p.language = std::move(language);
  p.id = std::move(id);
  p.organization = std::move(org);
  p.name = std::move(name);
  for (const auto& role : roles) {
    auto parsed = ParseName(kRoleNames, role);
    if (!parsed) return InvalidArgument(r.PathOf("roles"), fmt::format("unknown role '{}'", role));
    p.roles.push_back(*parsed);
  }
  p.created_at = FromMicros(created);
  return tx.InsertPrincipal(p);
}

Result<void> ImportToken(sql::SqlTx& tx, ObjectReader& r) {
  ApiToken t;
  auto id = INFRASHARE_TRY(r.String("id", kId));
  auto principal = INFRASHARE_TRY(r.String("principal", kId));
  auto secret = INFRASHARE_TRY(r.String("secret_sha256", kId));
  auto label = INFRASHARE_TRY(r.String("label", kAnyString));
  auto created = INFRASHARE_TRY(r.Int("created_at", 0, kMaxInt));
  if (!r.Has("revoked_at"))
    return InvalidArgument(r.PathOf("revoked_at"), "is required (null when not revoked)");
  const Json* revoked = r.Raw("revoked_at");  // nullptr: null
  if (revoked != nullptr && !revoked->is_number_integer())
    return InvalidArgument(r.PathOf("revoked_at"), "must be an integer or null");
  if (auto f = r.Finish(); !f) return f;
  t.id = std::move(id);
  t.principal = std::move(principal);
  t.secret_sha256 = std::move(secret);
  t.label = std::move(label);
  t.created_at = FromMicros(created);
  if (revoked != nullptr) t.revoked_at = FromMicros(revoked->get<int64_t>());
  return tx.InsertToken(t);
}

Result<void> ImportCredential(sql::SqlTx& tx, ObjectReader& r) {
  Credential c;
  c.principal = INFRASHARE_TRY(r.String("principal", kId));
  c.password_hash = INFRASHARE_TRY(r.OptionalString("password_hash", kAnyString));
  c.setup_code_sha256 = INFRASHARE_TRY(r.OptionalString("setup_code_sha256", kId));
  if (!r.Has("setup_code_expires_at"))
    return InvalidArgument(r.PathOf("setup_code_expires_at"),
                           "is required (null when there is no setup code)");
  const Json* expires = r.Raw("setup_code_expires_at");  // nullptr: null
  if (expires != nullptr && !expires->is_number_integer())
    return InvalidArgument(r.PathOf("setup_code_expires_at"), "must be an integer or null");
  if (c.setup_code_sha256.has_value() != (expires != nullptr))
    return InvalidArgument(r.PathOf("setup_code_expires_at"), "is given exactly when setup_code_sha256 is");
  auto changed = INFRASHARE_TRY(r.Int("changed_at", 0, kMaxInt));
  INFRASHARE_TRY(r.Finish());
  if (expires != nullptr) c.setup_code_expires_at = FromMicros(expires->get<int64_t>());
  c.changed_at = FromMicros(changed);
  if (INFRASHARE_TRY(tx.GetCredential(c.principal)))
    return Conflict(fmt::format("the credential of '{}' already exists", c.principal), "principal");
  return tx.PutCredential(c);
}

Result<void> ImportReport(sql::SqlTx& tx, ObjectReader& r) {
  auto seq = INFRASHARE_TRY(r.Int("seq", 1, kMaxInt));
  auto grants = INFRASHARE_TRY(r.StringList("grants", 100000, kId, /*required=*/true));
  auto doc = INFRASHARE_TRY(Document(r, "doc"));
  if (auto f = r.Finish(); !f) return f;
  auto report = INFRASHARE_TRY(Decode<Report>(doc, r.PathOf("doc"), ReportFromJson));
  report.seq = seq;
  return tx.InsertReportAt(seq, report, grants);
}

Result<void> ImportRevision(sql::SqlTx& tx, ObjectReader& r) {
  auto report_id = INFRASHARE_TRY(r.String("report_id", kId));
  auto number = INFRASHARE_TRY(r.Int("number", 1, std::numeric_limits<int>::max()));
  auto doc = INFRASHARE_TRY(Document(r, "doc"));
  if (auto f = r.Finish(); !f) return f;
  auto revision = INFRASHARE_TRY(Decode<Revision>(doc, r.PathOf("doc"), RevisionFromJson));
  if (revision.report_id != report_id || revision.number != number)
    return InvalidArgument(r.path(), "report_id and number must be the document's");
  return tx.InsertRevision(revision);
}

Result<void> ImportAudit(sql::SqlTx& tx, ObjectReader& r) {
  AuditEvent e;
  auto seq = INFRASHARE_TRY(r.Int("seq", 1, kMaxInt));
  auto at = INFRASHARE_TRY(r.Int("at", std::numeric_limits<int64_t>::min(), kMaxInt));
  std::string* texts[] = {&e.actor_principal, &e.actor_org, &e.action, &e.target_kind,
                          &e.target_id,       &e.prev_hash, &e.hash};
  const char* names[] = {"actor_principal", "actor_org", "action", "target_kind",
                         "target_id",       "prev_hash", "hash"};
  for (size_t i = 0; i < std::size(names); ++i) {
    auto s = INFRASHARE_TRY(r.String(names[i], kAnyString));
    *texts[i] = std::move(s);
  }
  if (!r.Has("detail")) return InvalidArgument(r.PathOf("detail"), "is required");
  const Json* detail = r.Raw("detail");                         // nullptr: null
  auto space = INFRASHARE_TRY(r.OptionalString("space", kId));  // absent before schema 4
  if (space) {
    auto parsed = INFRASHARE_TRY(Space::Parse(*space, r.PathOf("space")));
    e.space = std::move(parsed);
  }
  if (auto f = r.Finish(); !f) return f;
  e.seq = seq;
  e.at = FromMicros(at);
  e.detail = detail != nullptr ? *detail : Json();
  return tx.AppendAuditAt(e);
}

Result<void> ImportOutbox(sql::SqlTx& tx, ObjectReader& r) {
  OutboxEvent e;
  auto seq = INFRASHARE_TRY(r.Int("seq", 1, kMaxInt));
  auto at = INFRASHARE_TRY(r.Int("at", std::numeric_limits<int64_t>::min(), kMaxInt));
  auto space = INFRASHARE_TRY(r.String("space", kId));
  auto type = INFRASHARE_TRY(r.String("type", kId));
  auto record = INFRASHARE_TRY(r.String("record_id", kAnyString));
  auto subject = r.OptionalString("subject", kAnyString);  // absent before schema 2
  if (!subject) return std::unexpected(subject.error());
  if (auto f = r.Finish(); !f) return f;
  e.seq = seq;
  e.at = FromMicros(at);
  auto parsed_space = INFRASHARE_TRY(Space::Parse(space, r.PathOf("space")));
  e.space = std::move(parsed_space);
  e.type = std::move(type);
  e.record_id = std::move(record);
  e.subject = subject->value_or("");
  return tx.AppendOutboxAt(e);
}

Result<void> ImportAlert(sql::SqlTx& tx, ObjectReader& r) {
  auto seq = INFRASHARE_TRY(r.Int("seq", 1, kMaxInt));
  auto doc = INFRASHARE_TRY(Document(r, "doc"));
  if (auto f = r.Finish(); !f) return f;
  auto alert = INFRASHARE_TRY(Decode<Alert>(doc, r.PathOf("doc"), AlertFromJson));
  if (!alert.recipients.empty())
    return InvalidArgument(r.PathOf("doc"), "must not list recipients (they are rows of alert_recipients)");
  alert.seq = seq;
  return tx.InsertAlertAt(alert);
}

Result<void> ImportAlertRecipient(sql::SqlTx& tx, ObjectReader& r) {
  auto alert_id = INFRASHARE_TRY(r.String("alert_id", kId));
  auto ord = INFRASHARE_TRY(r.Int("ord", 0, kMaxInt));
  auto doc = INFRASHARE_TRY(Document(r, "doc"));
  if (auto f = r.Finish(); !f) return f;
  auto recipient = INFRASHARE_TRY(Decode<AlertRecipient>(doc, r.PathOf("doc"), RecipientFromJson));
  return tx.InsertAlertRecipientAt(alert_id, ord, recipient);
}

Result<void> ImportWebhookDelivery(sql::SqlTx& tx, ObjectReader& r) {
  auto id = INFRASHARE_TRY(r.Int("id", 1, kMaxInt));
  auto doc = INFRASHARE_TRY(Document(r, "doc"));
  if (auto f = r.Finish(); !f) return f;
  auto delivery = INFRASHARE_TRY(Decode<WebhookDelivery>(doc, r.PathOf("doc"), WebhookDeliveryFromJson));
  if (delivery.id != 0 && delivery.id != id)
    return InvalidArgument(r.PathOf("id"), fmt::format("{} is not the document's id", id));
  delivery.id = id;
  return tx.InsertWebhookDeliveryAt(delivery);
}

}  // namespace

Json MetaRow(std::string_view key, std::string_view value) { return Json{{"key", key}, {"value", value}}; }

Json DocumentRow(std::string_view id, Json doc) { return Json{{"id", id}, {"doc", std::move(doc)}}; }

Json PrincipalRow(const Principal& p) { return ToJson(p, TimeForm::kMicros); }

Json TokenRow(const ApiToken& t) {
  Json row = ToJson(t, TimeForm::kMicros);
  row["secret_sha256"] = t.secret_sha256;
  row["revoked_at"] = OptionalMicros(t.revoked_at);
  return row;
}

Json CredentialRow(const Credential& c) {
  auto text = [](const std::optional<std::string>& t) { return t ? Json(*t) : Json(nullptr); };
  return Json{{"principal", c.principal},
              {"password_hash", text(c.password_hash)},
              {"setup_code_sha256", text(c.setup_code_sha256)},
              {"setup_code_expires_at", OptionalMicros(c.setup_code_expires_at)},
              {"changed_at", ToMicros(c.changed_at)}};
}

Json ReportRow(int64_t seq, Json grants, Json doc) {
  return Json{{"seq", seq}, {"grants", std::move(grants)}, {"doc", std::move(doc)}};
}

Json RevisionRow(std::string_view report_id, int64_t number, Json doc) {
  return Json{{"report_id", report_id}, {"number", number}, {"doc", std::move(doc)}};
}

Json AuditRow(const AuditEvent& e) {
  return Json{{"seq", e.seq},
              {"at", ToMicros(e.at)},
              {"actor_principal", e.actor_principal},
              {"actor_org", e.actor_org},
              {"action", e.action},
              {"target_kind", e.target_kind},
              {"target_id", e.target_id},
              {"detail", e.detail},
              {"prev_hash", e.prev_hash},
              {"hash", e.hash},
              {"space", e.space.id()}};
}

Json OutboxRow(const OutboxEvent& e) {
  return Json{{"seq", e.seq},   {"at", ToMicros(e.at)},     {"space", e.space.id()},
              {"type", e.type}, {"record_id", e.record_id}, {"subject", e.subject}};
}

Json AlertRow(int64_t seq, Json doc) { return Json{{"seq", seq}, {"doc", std::move(doc)}}; }

Json AlertRecipientRow(std::string_view alert_id, int64_t ord, Json doc) {
  return Json{{"alert_id", alert_id}, {"ord", ord}, {"doc", std::move(doc)}};
}

Json WebhookDeliveryRow(int64_t id, Json doc) { return Json{{"id", id}, {"doc", std::move(doc)}}; }

Result<Json> WebhookRowWithoutSecret(const Json& row, Timestamp now) {
  if (!row.is_object() || !row.contains("doc")) return InvalidArgument("webhooks", "not a webhook row");
  auto webhook = INFRASHARE_TRY(WebhookFromJson(row["doc"]));
  webhook.secret.clear();
  if (webhook.active) {
    webhook.active = false;
    webhook.disabled_at = now;
  }
  return DocumentRow(webhook.id, WebhookToJson(webhook, /*with_secret=*/false));
}

namespace {

Result<Json> Document(const sql::Rows& rows, int i, int col, std::string_view table) {
  return stored::ParseStoredDocument(rows.Text(i, col),
                                     fmt::format("stored {} row '{}'", table, rows.Text(i, 0)));
}

Result<Json> MetaFromRow(const sql::Rows& rows, int i) { return MetaRow(rows.Text(i, 0), rows.Text(i, 1)); }

Result<Json> DocumentFromRow(const sql::Rows& rows, int i) {
  auto doc = INFRASHARE_TRY(Document(rows, i, 1, "registry"));
  return DocumentRow(rows.Text(i, 0), std::move(doc));
}

Result<Json> PrincipalFromRow(const sql::Rows& rows, int i) {
  return PrincipalRow(INFRASHARE_TRY(sql::PrincipalFromRow(rows, i)));
}

Result<Json> TokenFromRow(const sql::Rows& rows, int i) {
  return TokenRow(INFRASHARE_TRY(sql::TokenFromRow(rows, i)));
}

Result<Json> CredentialFromRow(const sql::Rows& rows, int i) {
  return CredentialRow(sql::CredentialFromRow(rows, i));
}

Result<Json> ReportFromRow(const sql::Rows& rows, int i) {
  auto grants = INFRASHARE_TRY(Document(rows, i, 1, "reports"));
  auto doc = INFRASHARE_TRY(Document(rows, i, 2, "reports"));
  return ReportRow(rows.Int(i, 0), std::move(grants), std::move(doc));
}

Result<Json> RevisionFromRow(const sql::Rows& rows, int i) {
  auto doc = INFRASHARE_TRY(Document(rows, i, 2, "revisions"));
  return RevisionRow(rows.Text(i, 0), rows.Int(i, 1), std::move(doc));
}

Result<Json> AuditFromRow(const sql::Rows& rows, int i) {
  return AuditRow(INFRASHARE_TRY(sql::AuditEventFromRow(rows, i)));
}

Result<Json> OutboxFromRow(const sql::Rows& rows, int i) {
  auto space = Space::Parse(rows.Text(i, 2));
  if (!space) return Internal(fmt::format("stored outbox event #{} has an unreadable space", rows.Int(i, 0)));
  return OutboxRow(OutboxEvent{.seq = rows.Int(i, 0),
                               .at = FromMicros(rows.Int(i, 1)),
                               .space = std::move(*space),
                               .type = std::string(rows.Text(i, 3)),
                               .record_id = std::string(rows.Text(i, 4)),
                               .subject = std::string(rows.Text(i, 5))});
}

Result<Json> AlertFromRow(const sql::Rows& rows, int i) {
  auto doc = INFRASHARE_TRY(Document(rows, i, 1, "alerts"));
  return AlertRow(rows.Int(i, 0), std::move(doc));
}

Result<Json> AlertRecipientFromRow(const sql::Rows& rows, int i) {
  auto doc = INFRASHARE_TRY(Document(rows, i, 2, "alert_recipients"));
  return AlertRecipientRow(rows.Text(i, 0), rows.Int(i, 1), std::move(doc));
}

Result<Json> WebhookDeliveryFromRow(const sql::Rows& rows, int i) {
  auto doc = INFRASHARE_TRY(Document(rows, i, 1, "webhook_deliveries"));
  return WebhookDeliveryRow(rows.Int(i, 0), std::move(doc));
}

// The SELECTs of the tables whose columns sql_tx.h lists for every reader.
const std::string kPrincipalsSelect =
    fmt::format("SELECT {} FROM principals ORDER BY id", sql::kPrincipalColumns);
const std::string kTokensSelect = fmt::format("SELECT {} FROM tokens ORDER BY id", sql::kTokenColumns);
const std::string kCredentialsSelect =
    fmt::format("SELECT {} FROM credentials ORDER BY principal", sql::kCredentialColumns);
const std::string kAuditSelect = fmt::format("SELECT {} FROM audit ORDER BY seq", sql::kAuditColumns);

// Every table in dump order ({order}: Dialect::InsertionOrder).
const Table kTableList[] = {
    {"meta", "SELECT key, value FROM meta ORDER BY key", MetaFromRow, ImportMeta},
    {"sectors", "SELECT id, doc FROM sectors ORDER BY {order}", DocumentFromRow,
     [](sql::SqlTx& tx, ObjectReader& r) {
       return ImportDocument<Sector>(tx, r, SectorFromJson, &WriteTx::UpsertSector);
     }},
    {"ceptoars", "SELECT id, doc FROM ceptoars ORDER BY {order}", DocumentFromRow,
     [](sql::SqlTx& tx, ObjectReader& r) {
       return ImportDocument<Ceptoar>(tx, r, CeptoarFromJson, &WriteTx::UpsertCeptoar);
     }},
    {"sharing_groups", "SELECT id, doc FROM sharing_groups ORDER BY {order}", DocumentFromRow,
     [](sql::SqlTx& tx, ObjectReader& r) {
       return ImportDocument<SharingGroup>(tx, r, GroupFromJson, &WriteTx::UpsertGroup);
     }},
    {"organizations", "SELECT id, doc FROM organizations ORDER BY {order}", DocumentFromRow,
     [](sql::SqlTx& tx, ObjectReader& r) {
       return ImportDocument<Organization>(tx, r, OrganizationFromJson, &WriteTx::UpsertOrganization);
     }},
    {"principals", kPrincipalsSelect, PrincipalFromRow, ImportPrincipal},
    {"tokens", kTokensSelect, TokenFromRow, ImportToken},
    {"credentials", kCredentialsSelect, CredentialFromRow, ImportCredential},
    {"reports", "SELECT seq, grants, doc FROM reports ORDER BY seq", ReportFromRow, ImportReport},
    {"revisions", "SELECT report_id, number, doc FROM revisions ORDER BY report_id, number", RevisionFromRow,
     ImportRevision},
    {"audit", kAuditSelect, AuditFromRow, ImportAudit},
    {"outbox", "SELECT seq, at, space, type, record_id, subject FROM outbox ORDER BY seq", OutboxFromRow,
     ImportOutbox},
    {"alerts", "SELECT seq, doc FROM alerts ORDER BY seq", AlertFromRow, ImportAlert},
    {"alert_recipients", "SELECT alert_id, ord, doc FROM alert_recipients ORDER BY alert_id, ord",
     AlertRecipientFromRow, ImportAlertRecipient},
    {"webhooks", "SELECT id, doc FROM webhooks ORDER BY id", DocumentFromRow,
     [](sql::SqlTx& tx, ObjectReader& r) {
       return ImportDocument<Webhook>(tx, r, WebhookFromJson, &WriteTx::InsertWebhook);
     }},
    {"webhook_deliveries", "SELECT id, doc FROM webhook_deliveries ORDER BY id", WebhookDeliveryFromRow,
     ImportWebhookDelivery},
};

}  // namespace

std::span<const Table> Tables() { return kTableList; }

Result<void> ImportRow(sql::SqlTx& tx, std::string_view table, const Json& row) {
  ObjectReader r(row, std::string(table));
  for (const auto& t : kTableList)
    if (t.name == table) return t.import(tx, r);
  return InvalidArgument("table", fmt::format("unknown table '{}'", table));
}

}  // namespace infrashare::dump
