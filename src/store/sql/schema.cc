// The schema of both backends as one list of migrations: each version's
// DDL for SQLite and for PostgreSQL side by side (the only SQL that differs
// wholesale), applied by the one runner (migrate.h). To change the schema,
// append a migration; never edit one that has shipped.
#include "store/sql/schema.h"

#include <fmt/format.h>

#include <array>
#include <string>

#include "domain/space/space.h"

namespace infrashare::sql {

namespace {

// PostgreSQL keeps the SQLite schema with these differences: keys are
// COLLATE "C" (SQLite's byte order, whatever the database's locale);
// registry tables keep insertion order in `ord` (SQLite's rowid); seq and
// id columns are identities that import may set (the sequence is then moved
// past them: Dialect::AdvanceSequence); reports carry their search terms
// (`search`, `terms`, GIN-indexed: postgres/search_terms.h) instead of
// SQLite's FTS5 table report_text.

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
constexpr const char* kSchemaV1Sqlite = R"sql(
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
constexpr const char* kSchemaV1Postgres = R"sql(
CREATE TABLE meta (
  key text COLLATE "C" PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE sectors (ord bigserial NOT NULL, id text COLLATE "C" PRIMARY KEY, doc text NOT NULL);
CREATE TABLE ceptoars (ord bigserial NOT NULL, id text COLLATE "C" PRIMARY KEY, doc text NOT NULL);
CREATE TABLE sharing_groups (ord bigserial NOT NULL, id text COLLATE "C" PRIMARY KEY, doc text NOT NULL);
CREATE TABLE organizations (ord bigserial NOT NULL, id text COLLATE "C" PRIMARY KEY, doc text NOT NULL);

CREATE TABLE principals (
  id text COLLATE "C" PRIMARY KEY,
  organization text COLLATE "C" NOT NULL,
  name text NOT NULL,
  roles text NOT NULL,
  created_at bigint NOT NULL
);
CREATE INDEX principals_by_organization ON principals (organization);

CREATE TABLE tokens (
  id text COLLATE "C" PRIMARY KEY,
  principal text COLLATE "C" NOT NULL REFERENCES principals (id),
  secret_sha256 text NOT NULL,
  label text NOT NULL,
  created_at bigint NOT NULL,
  revoked_at bigint
);
CREATE INDEX tokens_by_principal ON tokens (principal);

CREATE TABLE reports (
  seq bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  id text COLLATE "C" NOT NULL UNIQUE,
  space text COLLATE "C" NOT NULL,
  kind text COLLATE "C" NOT NULL,
  route text COLLATE "C" NOT NULL,
  tlp text COLLATE "C" NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  grants text NOT NULL,
  search text COLLATE "C" NOT NULL,
  terms tsvector NOT NULL,
  doc text NOT NULL
);
CREATE INDEX reports_by_created ON reports (space, created_at);
CREATE INDEX reports_by_updated ON reports (space, updated_at);
CREATE INDEX reports_by_terms ON reports USING gin (terms);

CREATE TABLE report_sectors (
  seq bigint NOT NULL REFERENCES reports (seq),
  sector text COLLATE "C" NOT NULL,
  PRIMARY KEY (seq, sector)
);

CREATE TABLE report_grants (
  space text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  seq bigint NOT NULL REFERENCES reports (seq),
  kind text COLLATE "C" NOT NULL,
  route text COLLATE "C" NOT NULL,
  tlp text COLLATE "C" NOT NULL,
  PRIMARY KEY (space, key, seq)
);

CREATE TABLE revisions (
  report_id text COLLATE "C" NOT NULL,
  number bigint NOT NULL,
  doc text NOT NULL,
  PRIMARY KEY (report_id, number)
);

CREATE TABLE audit (
  seq bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  at bigint NOT NULL,
  actor_principal text NOT NULL,
  actor_org text NOT NULL,
  action text NOT NULL,
  target_kind text NOT NULL,
  target_id text NOT NULL,
  detail text NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL
);

CREATE TABLE outbox (
  seq bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  at bigint NOT NULL,
  space text NOT NULL,
  type text NOT NULL,
  record_id text NOT NULL
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
constexpr const char* kSchemaV2Sqlite = R"sql(
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
constexpr const char* kSchemaV2Postgres = R"sql(
ALTER TABLE outbox ADD COLUMN subject text NOT NULL DEFAULT '';

CREATE TABLE alerts (
  seq bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  id text COLLATE "C" NOT NULL UNIQUE,
  space text COLLATE "C" NOT NULL,
  created_at bigint NOT NULL,
  raised_by_org text COLLATE "C" NOT NULL,
  doc text NOT NULL
);
CREATE INDEX alerts_by_space ON alerts (space, seq);
CREATE INDEX alerts_by_raiser ON alerts (raised_by_org, space, seq);

CREATE TABLE alert_recipients (
  alert_id text COLLATE "C" NOT NULL REFERENCES alerts (id),
  organization text COLLATE "C" NOT NULL,
  ord bigint NOT NULL,
  deadline bigint,
  doc text NOT NULL,
  PRIMARY KEY (alert_id, organization)
);
CREATE INDEX alert_recipients_by_organization ON alert_recipients (organization, alert_id);
CREATE INDEX alert_recipients_by_deadline ON alert_recipients (deadline) WHERE deadline IS NOT NULL;

CREATE TABLE webhooks (
  id text COLLATE "C" PRIMARY KEY,
  organization text COLLATE "C" NOT NULL,
  doc text NOT NULL
);
CREATE INDEX webhooks_by_organization ON webhooks (organization, id);

CREATE TABLE webhook_deliveries (
  id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  webhook_id text COLLATE "C" NOT NULL REFERENCES webhooks (id),
  event_seq bigint NOT NULL,
  state text COLLATE "C" NOT NULL,
  next_attempt_at bigint NOT NULL,
  doc text NOT NULL,
  UNIQUE (webhook_id, event_seq)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at, id) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
)sql";

// A recipient row's insertion order is looked up per alert (the next ord
// of an upsert, the order of GetAlert): without this index each recipient
// added to an alert of thousands scanned all of them.
// Both dialects.
constexpr const char* kSchemaV3 = R"sql(
CREATE INDEX alert_recipients_by_ord ON alert_recipients (alert_id, ord);
)sql";

// Audit events carry the space of the record concerned; events from before
// are live. Both dialects.
const std::string kSchemaV4 =
    fmt::format("ALTER TABLE audit ADD COLUMN space TEXT NOT NULL DEFAULT '{}';", Space::Live().id());

// Sign-in: credentials, browser sessions (the cookie's id stored only as
// its SHA-256), failed attempts by name and the locks they set.
constexpr const char* kSchemaV5Sqlite = R"sql(
CREATE TABLE credentials (
  principal TEXT PRIMARY KEY REFERENCES principals (id),
  password_hash TEXT,
  setup_code_sha256 TEXT,
  setup_code_expires_at INTEGER,
  changed_at INTEGER NOT NULL
);
CREATE TABLE web_sessions (
  id_sha256 TEXT PRIMARY KEY,
  principal TEXT NOT NULL REFERENCES principals (id),
  csrf_token TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX web_sessions_by_principal ON web_sessions (principal);
CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);
CREATE TABLE sign_in_failures (
  name TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_by_name ON sign_in_failures (name, at);
CREATE INDEX sign_in_failures_by_time ON sign_in_failures (at);
CREATE TABLE sign_in_locks (
  name TEXT PRIMARY KEY,
  locked_until INTEGER NOT NULL
);
CREATE INDEX sign_in_locks_by_end ON sign_in_locks (locked_until);
)sql";
constexpr const char* kSchemaV5Postgres = R"sql(
CREATE TABLE credentials (
  principal text COLLATE "C" PRIMARY KEY REFERENCES principals (id),
  password_hash text,
  setup_code_sha256 text,
  setup_code_expires_at bigint,
  changed_at bigint NOT NULL
);
CREATE TABLE web_sessions (
  id_sha256 text COLLATE "C" PRIMARY KEY,
  principal text COLLATE "C" NOT NULL REFERENCES principals (id),
  csrf_token text NOT NULL,
  created_at bigint NOT NULL,
  last_seen_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  revoked_at bigint
);
CREATE INDEX web_sessions_by_principal ON web_sessions (principal);
CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at);
CREATE TABLE sign_in_failures (
  name text COLLATE "C" NOT NULL,
  at bigint NOT NULL
);
CREATE INDEX sign_in_failures_by_name ON sign_in_failures (name, at);
CREATE INDEX sign_in_failures_by_time ON sign_in_failures (at);
CREATE TABLE sign_in_locks (
  name text COLLATE "C" PRIMARY KEY,
  locked_until bigint NOT NULL
);
CREATE INDEX sign_in_locks_by_end ON sign_in_locks (locked_until);
)sql";

// Principals can be disabled, and keep the language the person chose.
// Both dialects.
constexpr const char* kSchemaV6 = R"sql(
ALTER TABLE principals ADD COLUMN disabled_at BIGINT;
ALTER TABLE principals ADD COLUMN language TEXT;
)sql";

const std::array kMigrations{
    Migration{1, "foundation: registry, principals, tokens, reports, revisions, audit, outbox",
              kSchemaV1Sqlite, kSchemaV1Postgres},
    Migration{2, "hotline: alerts, alert recipients, webhooks, webhook deliveries, outbox subject",
              kSchemaV2Sqlite, kSchemaV2Postgres},
    Migration{3, "hotline: recipients indexed by their order within an alert", kSchemaV3, kSchemaV3},
    Migration{4, "audit events carry a space", kSchemaV4, kSchemaV4},
    Migration{5, "sign-in: credentials, web sessions, failed attempts and locks", kSchemaV5Sqlite,
              kSchemaV5Postgres},
    Migration{6, "principals: disabled, language", kSchemaV6, kSchemaV6},
};

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return kMigrations.back().version; }

}  // namespace infrashare::sql
