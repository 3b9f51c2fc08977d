// PgTx: report heads with their grants, sectors and search text; revisions.
#include <fmt/format.h>

#include <algorithm>

#include "domain/report/report_json.h"
#include "store/postgres/pg_tx.h"
#include "store/postgres/search_terms.h"

namespace infrashare::postgres {

namespace {

std::vector<std::string> Distinct(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

// The report's columns in the order of kHeadColumns: $first … $first+9.
Result<void> AddHead(Params& p, const Report& report, const std::vector<std::string>& grants) {
  auto search = INFRASHARE_TRY(MakeSearchDocument(report.content.title, report.content.text));
  p.Add(report.space.id())
      .Add(NameOf(kReportKindNames, report.content.kind))
      .Add(NameOf(kRouteNames, report.route))
      .Add(NameOf(kTlpNames, report.content.tlp))
      .Add(ToMicros(report.created_at))
      .Add(ToMicros(report.updated_at))
      .Add(DumpDocument(Json(grants)))
      .Add(search.search)
      .AddArray(search.terms)
      .Add(DumpDocument(ToJson(report)));
  return {};
}

// Inserts a report head with its grants and sectors in one statement;
// answers its seq, or no row when the id exists. $1 is the id, $2…$11 the
// head (AddHead), $12 the grant keys, $13 the sectors.
constexpr std::string_view kInsertReportSql = R"sql(
WITH r AS (
  INSERT INTO reports (id, space, kind, route, tlp, created_at, updated_at, grants, search, terms, doc)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, array_to_tsvector($10::text[]), $11)
  ON CONFLICT (id) DO NOTHING
  RETURNING seq),
g AS (
  INSERT INTO report_grants (space, key, seq, kind, route, tlp)
  SELECT $2, k, r.seq, $3, $4, $5 FROM r, unnest($12::text[]) AS k),
s AS (
  INSERT INTO report_sectors (seq, sector)
  SELECT r.seq, x FROM r, unnest($13::text[]) AS x)
SELECT seq FROM r)sql";

// Locks the head of report $1, removes its grant and sector rows (the grant
// rows by the keys the head lists) and rewrites it; answers its seq, or no
// row when there is no such report. $2…$11 are the new head (AddHead).
constexpr std::string_view kUpdateReportSql = R"sql(
WITH old AS (
  SELECT seq, space, grants FROM reports WHERE id = $1 FOR UPDATE),
dg AS (
  DELETE FROM report_grants g USING old, json_array_elements_text(old.grants::json) AS k
  WHERE g.space = old.space AND g.key = k AND g.seq = old.seq),
ds AS (
  DELETE FROM report_sectors s USING old WHERE s.seq = old.seq),
u AS (
  UPDATE reports r SET space = $2, kind = $3, route = $4, tlp = $5, created_at = $6, updated_at = $7,
    grants = $8, search = $9, terms = array_to_tsvector($10::text[]), doc = $11
  FROM old WHERE r.seq = old.seq)
SELECT seq FROM old)sql";

// As kInsertReportSql, with the seq given ($14), ending in `answer`;
// `on_conflict` is "ON CONFLICT DO NOTHING" (a duplicate inserts nothing)
// or "" (a duplicate fails the statement).
std::string InsertReportAtSql(std::string_view on_conflict, std::string_view answer) {
  return fmt::format(R"sql(
WITH r AS (
  INSERT INTO reports (seq, id, space, kind, route, tlp, created_at, updated_at, grants, search, terms, doc)
  VALUES ($14, $1, $2, $3, $4, $5, $6, $7, $8, $9, array_to_tsvector($10::text[]), $11)
  {}
  RETURNING seq),
g AS (
  INSERT INTO report_grants (space, key, seq, kind, route, tlp)
  SELECT $2, k, r.seq, $3, $4, $5 FROM r, unnest($12::text[]) AS k),
s AS (
  INSERT INTO report_sectors (seq, sector)
  SELECT r.seq, x FROM r, unnest($13::text[]) AS x)
{})sql",
                     on_conflict, answer);
}

// Import: the sequence moves past the seq.
const std::string kImportReportSql = InsertReportAtSql(
    "ON CONFLICT DO NOTHING",
    "SELECT setval(pg_get_serial_sequence('reports', 'seq'), greatest(r.seq, (SELECT coalesce(max(seq), 0) "
    "FROM reports)))\nFROM r");

// A pipelined batch (pg_tx.h BatchState::next): the seq is the batch's.
const std::string kSendReportSql = InsertReportAtSql("", "SELECT seq FROM r");

// The report's rows of InsertReport and InsertReportAt: $1 the id, $2…$11
// the head, $12 the grant keys, $13 the sectors.
Result<Params> ReportParams(const Report& report, const std::vector<std::string>& keys) {
  Params p;
  p.Add(report.id);
  INFRASHARE_TRY(AddHead(p, report, keys));
  p.AddArray(keys).AddArray(Distinct(report.content.sectors));
  return p;
}

// n report seqs ($1), ascending; a pipelined batch hands them out itself.
constexpr std::string_view kReserveReportSeqsSql =
    "SELECT nextval(pg_get_serial_sequence('reports', 'seq')::regclass) FROM generate_series(1, $1)";

void AddSeqs(std::vector<int64_t>& seqs, const Rows& rows) {
  for (int i = 0; i < rows.size(); ++i) seqs.push_back(rows.Int(i, 0));
}

}  // namespace

std::string BeginPipelinedSql(size_t reports) {
  if (reports == 0) return "BEGIN";
  // Simple protocol (several statements, no parameters): the count is spliced in.
  return fmt::format(
      "BEGIN; SELECT nextval(pg_get_serial_sequence('reports', 'seq')::regclass) FROM "
      "generate_series(1, {})",
      reports);
}

BatchState PipelinedBatch(const Rows& rows) {
  BatchState batch;
  batch.pipelined = true;
  AddSeqs(batch.report_seqs, rows);
  return batch;
}

Result<void> PgTx::InsertReportAt(int64_t seq, const Report& report, const std::vector<std::string>& grants) {
  auto p = INFRASHARE_TRY(ReportParams(report, Distinct(grants)));
  auto rows = INFRASHARE_TRY(conn_.Exec(kImportReportSql, p.Add(seq), "import report"));
  if (rows.empty()) return Conflict(fmt::format("report '{}' (#{}) already exists", report.id, seq), "id");
  return {};
}

Result<void> PgTx::IndexReport(int64_t seq, const Report& report, const std::vector<std::string>& grants) {
  if (!grants.empty()) {
    INFRASHARE_TRY(
        conn_.Exec("INSERT INTO report_grants (space, key, seq, kind, route, tlp) "
                   "SELECT $1, k, $2, $3, $4, $5 FROM unnest($6::text[]) AS k",
                   Params()
                       .Add(report.space.id())
                       .Add(seq)
                       .Add(NameOf(kReportKindNames, report.content.kind))
                       .Add(NameOf(kRouteNames, report.route))
                       .Add(NameOf(kTlpNames, report.content.tlp))
                       .AddArray(grants),
                   "index report grants"));
  }
  const auto sectors = Distinct(report.content.sectors);
  if (!sectors.empty()) {
    INFRASHARE_TRY(
        conn_.Exec("INSERT INTO report_sectors (seq, sector) SELECT $1, x FROM unnest($2::text[]) AS x",
                   Params().Add(seq).AddArray(sectors), "index report sectors"));
  }
  return {};
}

Result<int64_t> PgTx::InsertReport(const Report& report, const std::vector<std::string>& grants) {
  auto p = INFRASHARE_TRY(ReportParams(report, Distinct(grants)));
  if (batch_ && batch_->pipelined) {
    if (batch_->next_report == batch_->report_seqs.size()) {
      // For the jobs left, and at least as many as the batch has had: a job
      // inserting thousands (a bulk load) costs a few round trips, not one
      // a report.
      const size_t n = std::max(batch_->jobs_left, batch_->report_seqs.size());
      auto more = INFRASHARE_TRY(
          conn_.Exec(kReserveReportSeqsSql, Params().Add(static_cast<int64_t>(n)), "reserve report seqs"));
      AddSeqs(batch_->report_seqs, more);
    }
    const int64_t seq = batch_->report_seqs.at(batch_->next_report++);
    INFRASHARE_TRY(conn_.Send(kSendReportSql, p.Add(seq), "insert report"));
    return seq;
  }
  auto rows = INFRASHARE_TRY(conn_.Exec(kInsertReportSql, p, "insert report"));
  if (rows.empty()) return Conflict(fmt::format("report '{}' already exists", report.id), "id");
  return rows.Int(0, 0);
}

Result<void> PgTx::UpdateReport(const Report& report, const std::vector<std::string>& grants) {
  const auto keys = Distinct(grants);
  Params p;
  p.Add(report.id);
  INFRASHARE_TRY(AddHead(p, report, keys));
  auto rows = INFRASHARE_TRY(conn_.Exec(kUpdateReportSql, p, "update report"));
  if (rows.empty()) return NotFound(fmt::format("report '{}' not found", report.id));
  return IndexReport(rows.Int(0, 0), report, keys);
}

Result<void> PgTx::InsertRevision(const Revision& revision) {
  if (batch_ && batch_->pipelined)
    return conn_.Send(sql::kInsertRevisionSql, sql::RevisionParams(revision), "insert revision");
  return SqlTx::InsertRevision(revision);
}

}  // namespace infrashare::postgres
