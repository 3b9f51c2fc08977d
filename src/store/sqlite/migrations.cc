#include "store/sqlite/migrations.h"

#include <fmt/format.h>

#include <array>
#include <string>

#include "domain/space/space.h"

namespace infrashare::sqlite {

namespace {

// Version 1: the foundation (issue 2).
//
// Registry entities are JSON documents (domain/registry/registry_json.h) in
// insertion order (rowid), which is the order of the plan's tables.
//
// reports: the head of each report. seq is the list order and the cursor;
// AUTOINCREMENT so a seq is never reused. The filter columns come before the
// document so that filtering never reads the document's overflow pages.
// `grants` repeats the grant keys as a JSON array so that an update can
// remove exactly the old report_grants rows.
//
// report_grants: (space, key, seq) — ListReports walks each of the caller's
// keys newest first. The space is part of the key so that an exercise never
// walks through live reports. kind, route and tlp repeat the report's so
// that the walk filters on them without reading the report (a filter that
// none of a broad key's reports pass, such as tlp=amber against "members",
// would otherwise cost a table lookup per report skipped).
//
// report_text: full-text index over title and text, contentless (the text is
// in the document), rowid = seq. It holds the text as FtsIndexText
// (fts_text.h) writes it: CJK runs as overlapping bigrams.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sectors (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE ceptoars (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE sharing_groups (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE organizations (id TEXT PRIMARY KEY, doc TEXT NOT NULL);

CREATE TABLE principals (
  id TEXT PRIMARY KEY,
  organization TEXT NOT NULL,
  name TEXT NOT NULL,
  roles TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX principals_by_organization ON principals (organization);

CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  principal TEXT NOT NULL REFERENCES principals (id),
  secret_sha256 TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX tokens_by_principal ON tokens (principal);

CREATE TABLE reports (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  space TEXT NOT NULL,
  kind TEXT NOT NULL,
  route TEXT NOT NULL,
  tlp TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  grants TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX reports_by_created ON reports (space, created_at);
CREATE INDEX reports_by_updated ON reports (space, updated_at);

CREATE TABLE report_sectors (
  seq INTEGER NOT NULL REFERENCES reports (seq),
  sector TEXT NOT NULL,
  PRIMARY KEY (seq, sector)
) WITHOUT ROWID;

CREATE TABLE report_grants (
  space TEXT NOT NULL,
  key TEXT NOT NULL,
  seq INTEGER NOT NULL REFERENCES reports (seq),
  kind TEXT NOT NULL,
  route TEXT NOT NULL,
  tlp TEXT NOT NULL,
  PRIMARY KEY (space, key, seq)
) WITHOUT ROWID;

CREATE TABLE revisions (
  report_id TEXT NOT NULL,
  number INTEGER NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (report_id, number)
);

CREATE VIRTUAL TABLE report_text USING fts5 (
  title, text, content = '', tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  actor_principal TEXT NOT NULL,
  actor_org TEXT NOT NULL,
  action TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  target_id TEXT NOT NULL,
  detail TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);

CREATE TABLE outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  space TEXT NOT NULL,
  type TEXT NOT NULL,
  record_id TEXT NOT NULL
);
)sql";

// Version 2: the hotline (alerts, their recipients, webhooks and the log of
// their deliveries) and the outbox's subject.
//
// alerts: seq is the list order and the cursor (AUTOINCREMENT: never
// reused). The document holds the alert without its recipients
// (store/stored_alerts.h). alerts_by_raiser serves ListAlerts for one
// organization, alerts_by_space the list of every alert.
//
// alert_recipients: one row per organization on an alert, the whole state in
// `doc`; `ord` keeps the order they were added (named first, then
// escalations); `deadline` (µs, NULL when nothing is due) repeats the
// document's so that ListDueRecipients walks a small partial index.
//
// webhook_deliveries: (webhook_id, event_seq) is unique, so an event is
// queued once per endpoint however often the dispatcher retries;
// `state` and `next_attempt_at` repeat the document's for the due walk
// (partial index over pending rows only); (webhook_id, id) is the log.
constexpr const char* kSchemaV2 = R"sql(
ALTER TABLE outbox ADD COLUMN subject TEXT NOT NULL DEFAULT '';

CREATE TABLE alerts (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  space TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  raised_by_org TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX alerts_by_space ON alerts (space, seq);
CREATE INDEX alerts_by_raiser ON alerts (raised_by_org, space, seq);

CREATE TABLE alert_recipients (
  alert_id TEXT NOT NULL REFERENCES alerts (id),
  organization TEXT NOT NULL,
  ord INTEGER NOT NULL,
  deadline INTEGER,
  doc TEXT NOT NULL,
  PRIMARY KEY (alert_id, organization)
) WITHOUT ROWID;
CREATE INDEX alert_recipients_by_organization ON alert_recipients (organization, alert_id);
CREATE INDEX alert_recipients_by_deadline ON alert_recipients (deadline) WHERE deadline IS NOT NULL;

CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  organization TEXT NOT NULL,
  doc TEXT NOT NULL
);
CREATE INDEX webhooks_by_organization ON webhooks (organization, id);

CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id TEXT NOT NULL REFERENCES webhooks (id),
  event_seq INTEGER NOT NULL,
  state TEXT NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  doc TEXT NOT NULL,
  UNIQUE (webhook_id, event_seq)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
)sql";

// A recipient row's insertion order is looked up per alert (the next ord
// of an upsert, the order of GetAlert): without this index each recipient
// added to an alert of thousands scanned all of them.
constexpr const char* kSchemaV3 = R"sql(
CREATE INDEX alert_recipients_by_ord ON alert_recipients (alert_id, ord);
)sql";

// Audit events carry the space of the record concerned; events from before
// are live.
const std::string kSchemaV4 =
    fmt::format("ALTER TABLE audit ADD COLUMN space TEXT NOT NULL DEFAULT '{}';", Space::Live().id());

const std::array kMigrations{
    Migration{1, "foundation: registry, principals, tokens, reports, revisions, audit, outbox", kSchemaV1},
    Migration{2, "hotline: alerts, alert recipients, webhooks, webhook deliveries, outbox subject",
              kSchemaV2},
    Migration{3, "hotline: recipients indexed by their order within an alert", kSchemaV3},
    Migration{4, "audit events carry a space", kSchemaV4.c_str()},
};

constexpr const char* kCreateVersionTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
))sql";

constexpr std::string_view kCurrentVersion = "SELECT coalesce(max(version), 0) FROM schema_migrations";

// Applies the next missing migration, if any, in one transaction.
// Returns true when the database is already at the latest version.
Result<bool> MigrateOneStep(Connection& conn) {
  if (auto b = conn.Run("BEGIN IMMEDIATE", "begin migration"); !b) return std::unexpected(b.error());
  auto body = [&]() -> Result<bool> {
    if (auto c = conn.ExecScript(kCreateVersionTable, "create schema_migrations"); !c)
      return std::unexpected(c.error());
    auto current = SchemaVersion(conn);
    if (!current) return std::unexpected(current.error());
    const int latest = LatestSchemaVersion();
    if (*current > latest)
      return Unavailable(
          fmt::format("the database has schema version {}, but this program knows only up to version {}: "
                      "it was written by a newer infrashare; run that version or restore a backup",
                      *current, latest));
    if (*current == latest) return true;
    const Migration& m = kMigrations[static_cast<size_t>(*current)];
    if (auto a = conn.ExecScript(m.sql, fmt::format("schema migration {} ({})", m.version, m.name)); !a)
      return std::unexpected(a.error());
    auto record = conn.Prepare("INSERT INTO schema_migrations (version, name) VALUES (:version, :name)");
    if (!record) return std::unexpected(record.error());
    (*record)->Bind(":version", int64_t{m.version});
    (*record)->Bind(":name", m.name);
    if (auto r = (*record)->Run("record schema migration"); !r) return std::unexpected(r.error());
    return false;
  };
  auto done = body();
  if (!done) {
    if (conn.InTransaction()) (void)conn.Run("ROLLBACK", "roll back migration");
    return done;
  }
  if (auto c = conn.Run("COMMIT", "commit migration"); !c) {
    if (conn.InTransaction()) (void)conn.Run("ROLLBACK", "roll back migration");
    return std::unexpected(c.error());
  }
  return done;
}

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations.back().version; }

Result<int> SchemaVersion(Connection& conn) {
  auto s = conn.Prepare(kCurrentVersion);
  if (!s) return std::unexpected(s.error());
  auto row = (*s)->Step("read schema version");
  if (!row) return std::unexpected(row.error());
  return static_cast<int>(*row ? (*s)->Int(0) : 0);
}

Result<void> Migrate(Connection& conn) {
  for (;;) {
    auto done = MigrateOneStep(conn);
    if (!done) return std::unexpected(done.error());
    if (*done) return {};
  }
}

}  // namespace infrashare::sqlite
