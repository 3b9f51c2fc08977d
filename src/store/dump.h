// The dump: every table of a database as backend-neutral JSON rows, so that
// an installation moves between backends unchanged (infrashare export,
// import, migrate). ReadTx::ExportRows writes it, WriteTx::ImportRow reads
// it back; both backends use the row forms defined here.
//
// Tables, in dump order (an import in this order meets every reference),
// each row an object, each table in its canonical order:
//   meta            {key, value}                                     by key
//   sectors, ceptoars, sharing_groups, organizations
//                   {id, doc}                             in insertion order
//   principals      {id, organization, name, roles[], created_at}    by id
//   tokens          {id, principal, secret_sha256, label, created_at,
//                    revoked_at (null when not revoked)}             by id
//   credentials     {principal, password_hash, setup_code_sha256,
//                    setup_code_expires_at (null: none), changed_at}
//                                                              by principal
//   reports         {seq, grants[], doc}                             by seq
//   revisions       {report_id, number, doc}         by report_id, number
//   audit           {seq, at, actor_principal, actor_org, action,
//                    target_kind, target_id, detail, prev_hash, hash,
//                    space (absent before schema 4: live)}           by seq
//   outbox          {seq, at, space, type, record_id, subject}       by seq
//   alerts          {seq, doc}                                       by seq
//   alert_recipients {alert_id, ord, doc}                  by alert_id, ord
//   webhooks        {id, doc}                                        by id
//   webhook_deliveries {id, doc}                                     by id
// Times are microseconds since the epoch; `doc` and `detail` are the stored
// JSON documents (store/stored_alerts.h for the hotline's); `grants` the
// report's grant keys, sorted. An outbox row without "subject" (a dump from
// before schema 2) imports with subject "". What a backend
// derives from these (grant and sector indexes, text search) is rebuilt on
// import, and seq values are kept: list cursors stay valid. Browser
// sessions and sign-in failures and locks are not moved: after a move,
// people sign in again.
//
// Thread behaviour: pure functions, and ImportRow runs inside the write
// transaction it is given.
#pragma once

#include <span>
#include <string_view>

#include "common/error.h"
#include "common/json.h"
#include "store/sql/session.h"
#include "store/store.h"

namespace infrashare::sql {
class SqlTx;
}  // namespace infrashare::sql

namespace infrashare::dump {

Json MetaRow(std::string_view key, std::string_view value);
Json DocumentRow(std::string_view id, Json doc);
Json PrincipalRow(const Principal& principal);
Json TokenRow(const ApiToken& token);
Json CredentialRow(const Credential& credential);
Json ReportRow(int64_t seq, Json grants, Json doc);
Json RevisionRow(std::string_view report_id, int64_t number, Json doc);
Json AuditRow(const AuditEvent& event);
Json OutboxRow(const OutboxEvent& event);
Json AlertRow(int64_t seq, Json doc);
Json AlertRecipientRow(std::string_view alert_id, int64_t ord, Json doc);
Json WebhookDeliveryRow(int64_t id, Json doc);

// A `webhooks` row for a dump without secrets: the signing secret left out
// and the webhook disabled at `now` (an imported webhook without its secret
// could not sign; its organization registers it again). Fails on a row that
// is not a stored webhook.
Result<Json> WebhookRowWithoutSecret(const Json& row, Timestamp now);

// One table of the dump: the SELECT that reads it in its canonical order
// ({order}: sql::Dialect::InsertionOrder), how a row of that becomes a dump
// row, and how a dump row is stored.
struct Table {
  std::string_view name;
  std::string_view select;
  Result<Json> (*read)(const sql::Rows& rows, int i);
  Result<void> (*import)(sql::SqlTx& tx, ObjectReader& row);
};
// Every table, in dump order: the one list of what export and import move.
std::span<const Table> Tables();

// Decodes one row of `table` and stores it through tx.
// Errors: kInvalidArgument naming the table and the field ("reports.seq:
// must be an integer …", "unknown table 'x'"); whatever the store answers
// (kConflict for a row that is already there).
Result<void> ImportRow(sql::SqlTx& tx, std::string_view table, const Json& row);

}  // namespace infrashare::dump
