#include "store/dump.h"

#include <fmt/format.h>

#include <limits>

#include "domain/alert/alert_json.h"
#include "domain/registry/registry_json.h"
#include "domain/report/report_json.h"

namespace infrashare::dump {

namespace {

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
constexpr StringLimits kAnyString{.min = 0, .max = size_t{1} << 30};
constexpr StringLimits kId{.min = 1, .max = size_t{1} << 20};

Json OptionalMicros(const std::optional<Timestamp>& t) { return t ? Json(ToMicros(*t)) : Json(nullptr); }

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
Result<void> ImportDocument(WriteTx& tx, ObjectReader& r, Result<T> (*from_json)(const Json&),
                            Result<void> (WriteTx::*upsert)(const T&)) {
  auto id = r.String("id", kId);
  if (!id) return std::unexpected(id.error());
  auto doc = Document(r, "doc");
  if (!doc) return std::unexpected(doc.error());
  if (auto f = r.Finish(); !f) return f;
  auto value = Decode<T>(*doc, r.PathOf("doc"), from_json);
  if (!value) return std::unexpected(value.error());
  if (value->id != *id)
    return InvalidArgument(r.PathOf("id"), fmt::format("'{}' is not the document's id", *id));
  return (tx.*upsert)(*value);
}

Result<void> ImportMeta(WriteTx& tx, ObjectReader& r) {
  auto key = r.String("key", kId);
  if (!key) return std::unexpected(key.error());
  auto value = r.String("value", kAnyString);
  if (!value) return std::unexpected(value.error());
  if (auto f = r.Finish(); !f) return f;
  return tx.SetMeta(*key, *value);
}

Result<void> ImportPrincipal(WriteTx& tx, ObjectReader& r) {
  Principal p;
  auto id = r.String("id", kId);
  if (!id) return std::unexpected(id.error());
  auto org = r.String("organization", kId);
  if (!org) return std::unexpected(org.error());
  auto name = r.String("name", kAnyString);
  if (!name) return std::unexpected(name.error());
  auto roles = r.StringList("roles", 100, kId, /*required=*/true);
  if (!roles) return std::unexpected(roles.error());
  auto created = r.Int("created_at", 0, kMaxInt);
  if (!created) return std::unexpected(created.error());
  if (auto f = r.Finish(); !f) return f;
  p.id = std::move(*id);
  p.organization = std::move(*org);
  p.name = std::move(*name);
  for (const auto& role : *roles) {
    auto parsed = ParseName(kRoleNames, role);
    if (!parsed) return InvalidArgument(r.PathOf("roles"), fmt::format("unknown role '{}'", role));
    p.roles.push_back(*parsed);
  }
  p.created_at = FromMicros(*created);
  return tx.InsertPrincipal(p);
}

Result<void> ImportToken(WriteTx& tx, ObjectReader& r) {
  ApiToken t;
  auto id = r.String("id", kId);
  if (!id) return std::unexpected(id.error());
  auto principal = r.String("principal", kId);
  if (!principal) return std::unexpected(principal.error());
  auto secret = r.String("secret_sha256", kId);
  if (!secret) return std::unexpected(secret.error());
  auto label = r.String("label", kAnyString);
  if (!label) return std::unexpected(label.error());
  auto created = r.Int("created_at", 0, kMaxInt);
  if (!created) return std::unexpected(created.error());
  if (!r.Has("revoked_at"))
    return InvalidArgument(r.PathOf("revoked_at"), "is required (null when not revoked)");
  const Json* revoked = r.Raw("revoked_at");  // nullptr: null
  if (revoked != nullptr && !revoked->is_number_integer())
    return InvalidArgument(r.PathOf("revoked_at"), "must be an integer or null");
  if (auto f = r.Finish(); !f) return f;
  t.id = std::move(*id);
  t.principal = std::move(*principal);
  t.secret_sha256 = std::move(*secret);
  t.label = std::move(*label);
  t.created_at = FromMicros(*created);
  if (revoked != nullptr) t.revoked_at = FromMicros(revoked->get<int64_t>());
  return tx.InsertToken(t);
}

Result<void> ImportReport(SeqWriter& seqs, ObjectReader& r) {
  auto seq = r.Int("seq", 1, kMaxInt);
  if (!seq) return std::unexpected(seq.error());
  auto grants = r.StringList("grants", 100000, kId, /*required=*/true);
  if (!grants) return std::unexpected(grants.error());
  auto doc = Document(r, "doc");
  if (!doc) return std::unexpected(doc.error());
  if (auto f = r.Finish(); !f) return f;
  auto report = Decode<Report>(*doc, r.PathOf("doc"), ReportFromJson);
  if (!report) return std::unexpected(report.error());
  report->seq = *seq;
  return seqs.InsertReportAt(*seq, *report, *grants);
}

Result<void> ImportRevision(WriteTx& tx, ObjectReader& r) {
  auto report_id = r.String("report_id", kId);
  if (!report_id) return std::unexpected(report_id.error());
  auto number = r.Int("number", 1, std::numeric_limits<int>::max());
  if (!number) return std::unexpected(number.error());
  auto doc = Document(r, "doc");
  if (!doc) return std::unexpected(doc.error());
  if (auto f = r.Finish(); !f) return f;
  auto revision = Decode<Revision>(*doc, r.PathOf("doc"), RevisionFromJson);
  if (!revision) return std::unexpected(revision.error());
  if (revision->report_id != *report_id || revision->number != *number)
    return InvalidArgument(r.path(), "report_id and number must be the document's");
  return tx.InsertRevision(*revision);
}

Result<void> ImportAudit(SeqWriter& seqs, ObjectReader& r) {
  AuditEvent e;
  auto seq = r.Int("seq", 1, kMaxInt);
  if (!seq) return std::unexpected(seq.error());
  auto at = r.Int("at", std::numeric_limits<int64_t>::min(), kMaxInt);
  if (!at) return std::unexpected(at.error());
  std::string* texts[] = {&e.actor_principal, &e.actor_org, &e.action, &e.target_kind,
                          &e.target_id,       &e.prev_hash, &e.hash};
  const char* names[] = {"actor_principal", "actor_org", "action", "target_kind",
                         "target_id",       "prev_hash", "hash"};
  for (size_t i = 0; i < std::size(names); ++i) {
    auto s = r.String(names[i], kAnyString);
    if (!s) return std::unexpected(s.error());
    *texts[i] = std::move(*s);
  }
  if (!r.Has("detail")) return InvalidArgument(r.PathOf("detail"), "is required");
  const Json* detail = r.Raw("detail");  // nullptr: null
  auto space = r.OptionalString("space", kId);  // absent before schema 7
  if (!space) return std::unexpected(space.error());
  if (*space) {
    auto parsed = Space::Parse(**space, r.PathOf("space"));
    if (!parsed) return std::unexpected(parsed.error());
    e.space = std::move(*parsed);
  }
  if (auto f = r.Finish(); !f) return f;
  e.seq = *seq;
  e.at = FromMicros(*at);
  e.detail = detail != nullptr ? *detail : Json();
  return seqs.AppendAuditAt(e);
}

Result<void> ImportOutbox(SeqWriter& seqs, ObjectReader& r) {
  OutboxEvent e;
  auto seq = r.Int("seq", 1, kMaxInt);
  if (!seq) return std::unexpected(seq.error());
  auto at = r.Int("at", std::numeric_limits<int64_t>::min(), kMaxInt);
  if (!at) return std::unexpected(at.error());
  auto space = r.String("space", kId);
  if (!space) return std::unexpected(space.error());
  auto type = r.String("type", kId);
  if (!type) return std::unexpected(type.error());
  auto record = r.String("record_id", kAnyString);
  if (!record) return std::unexpected(record.error());
  auto subject = r.OptionalString("subject", kAnyString);  // absent before schema 2
  if (!subject) return std::unexpected(subject.error());
  if (auto f = r.Finish(); !f) return f;
  e.seq = *seq;
  e.at = FromMicros(*at);
  auto parsed_space = Space::Parse(*space, r.PathOf("space"));
  if (!parsed_space) return std::unexpected(parsed_space.error());
  e.space = std::move(*parsed_space);
  e.type = std::move(*type);
  e.record_id = std::move(*record);
  e.subject = subject->value_or("");
  return seqs.AppendOutboxAt(e);
}

Result<void> ImportAlert(SeqWriter& seqs, ObjectReader& r) {
  auto seq = r.Int("seq", 1, kMaxInt);
  if (!seq) return std::unexpected(seq.error());
  auto doc = Document(r, "doc");
  if (!doc) return std::unexpected(doc.error());
  if (auto f = r.Finish(); !f) return f;
  auto alert = Decode<Alert>(*doc, r.PathOf("doc"), AlertFromJson);
  if (!alert) return std::unexpected(alert.error());
  if (!alert->recipients.empty())
    return InvalidArgument(r.PathOf("doc"), "must not list recipients (they are rows of alert_recipients)");
  alert->seq = *seq;
  return seqs.InsertAlertAt(*alert);
}

Result<void> ImportAlertRecipient(SeqWriter& seqs, ObjectReader& r) {
  auto alert_id = r.String("alert_id", kId);
  if (!alert_id) return std::unexpected(alert_id.error());
  auto ord = r.Int("ord", 0, kMaxInt);
  if (!ord) return std::unexpected(ord.error());
  auto doc = Document(r, "doc");
  if (!doc) return std::unexpected(doc.error());
  if (auto f = r.Finish(); !f) return f;
  auto recipient = Decode<AlertRecipient>(*doc, r.PathOf("doc"), RecipientFromJson);
  if (!recipient) return std::unexpected(recipient.error());
  return seqs.InsertAlertRecipientAt(*alert_id, *ord, *recipient);
}

Result<void> ImportWebhookDelivery(SeqWriter& seqs, ObjectReader& r) {
  auto id = r.Int("id", 1, kMaxInt);
  if (!id) return std::unexpected(id.error());
  auto doc = Document(r, "doc");
  if (!doc) return std::unexpected(doc.error());
  if (auto f = r.Finish(); !f) return f;
  auto delivery = Decode<WebhookDelivery>(*doc, r.PathOf("doc"), WebhookDeliveryFromJson);
  if (!delivery) return std::unexpected(delivery.error());
  if (delivery->id != 0 && delivery->id != *id)
    return InvalidArgument(r.PathOf("id"), fmt::format("{} is not the document's id", *id));
  delivery->id = *id;
  return seqs.InsertWebhookDeliveryAt(*delivery);
}

}  // namespace

Json MetaRow(std::string_view key, std::string_view value) { return Json{{"key", key}, {"value", value}}; }

Json DocumentRow(std::string_view id, Json doc) { return Json{{"id", id}, {"doc", std::move(doc)}}; }

Json PrincipalRow(const Principal& p) {
  Json roles = Json::array();
  for (Role r : p.roles) roles.push_back(NameOf(kRoleNames, r));
  return Json{{"id", p.id},
              {"organization", p.organization},
              {"name", p.name},
              {"roles", std::move(roles)},
              {"created_at", ToMicros(p.created_at)}};
}

Json TokenRow(const ApiToken& t) {
  return Json{{"id", t.id},
              {"principal", t.principal},
              {"secret_sha256", t.secret_sha256},
              {"label", t.label},
              {"created_at", ToMicros(t.created_at)},
              {"revoked_at", OptionalMicros(t.revoked_at)}};
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

Result<void> ImportRow(WriteTx& tx, SeqWriter& seqs, std::string_view table, const Json& row) {
  ObjectReader r(row, std::string(table));
  if (table == "meta") return ImportMeta(tx, r);
  if (table == "sectors") return ImportDocument<Sector>(tx, r, SectorFromJson, &WriteTx::UpsertSector);
  if (table == "ceptoars") return ImportDocument<Ceptoar>(tx, r, CeptoarFromJson, &WriteTx::UpsertCeptoar);
  if (table == "sharing_groups")
    return ImportDocument<SharingGroup>(tx, r, GroupFromJson, &WriteTx::UpsertGroup);
  if (table == "organizations")
    return ImportDocument<Organization>(tx, r, OrganizationFromJson, &WriteTx::UpsertOrganization);
  if (table == "principals") return ImportPrincipal(tx, r);
  if (table == "tokens") return ImportToken(tx, r);
  if (table == "reports") return ImportReport(seqs, r);
  if (table == "revisions") return ImportRevision(tx, r);
  if (table == "audit") return ImportAudit(seqs, r);
  if (table == "outbox") return ImportOutbox(seqs, r);
  if (table == "alerts") return ImportAlert(seqs, r);
  if (table == "alert_recipients") return ImportAlertRecipient(seqs, r);
  if (table == "webhooks") return ImportDocument<Webhook>(tx, r, WebhookFromJson, &WriteTx::InsertWebhook);
  if (table == "webhook_deliveries") return ImportWebhookDelivery(seqs, r);
  return InvalidArgument("table", fmt::format("unknown table '{}'", table));
}

}  // namespace infrashare::dump
