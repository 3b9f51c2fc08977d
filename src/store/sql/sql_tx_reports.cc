// SqlTx: what reports share on both backends — reading a head, counting,
// revisions. Writing heads (with their text index) and listing them are the
// backend's.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <unordered_map>

#include "domain/report/report_json.h"
#include "store/sql/sql_tx.h"
#include "store/store_limits.h"
#include "store/stored_document.h"

namespace infrashare::sql {

const std::string_view kInsertRevisionSql =
    "INSERT INTO revisions (report_id, number, doc) VALUES ($1, $2, $3)";

Params RevisionParams(const Revision& revision) {
  Params p;
  p.Add(revision.report_id).Add(int64_t{revision.number}).Add(stored::DumpDocument(ToJson(revision)));
  return p;
}

Result<std::optional<Report>> SqlTx::GetReport(const Space& space, const std::string& id) {
  auto rows = INFRASHARE_TRY(session_.Exec("SELECT seq, doc FROM reports WHERE id = $1 AND space = $2",
                                           Params().Add(id).Add(space.id()), "get report"));
  if (rows.empty()) return std::nullopt;
  auto report = INFRASHARE_TRY(stored::ReportFromStored(rows.Int(0, 0), rows.Text(0, 1)));
  return report;
}

Result<std::vector<ReportRowText>> SqlTx::ListReportTexts(const ReportQuery& query) {
  if (query.limit < 1 || query.limit > kMaxListLimit)
    return InvalidArgument("limit", fmt::format("must be between 1 and {}", kMaxListLimit));
  std::vector<ReportRowText> out;
  if (query.grant_keys.empty()) return out;  // no key reaches anything
  if (query.before_seq && *query.before_seq <= 1) return out;
  auto seqs = INFRASHARE_TRY(ListReportSeqs(query));
  if (seqs.empty()) return out;
  // The chosen rows in one statement, put back in the planner's order.
  const std::string& sql = Once(session_.dialect(), [](const Dialect& d) {
    return fmt::format("SELECT seq, doc FROM reports WHERE {}", d.InJsonIntList("seq", "$1"));
  });
  auto rows = INFRASHARE_TRY(
      session_.Exec(sql, Params().Add(fmt::format("[{}]", fmt::join(seqs, ","))), "load reports"));
  std::unordered_map<int64_t, int> row_of;
  for (int i = 0; i < rows.size(); ++i) row_of.emplace(rows.Int(i, 0), i);
  out.reserve(seqs.size());
  for (int64_t seq : seqs)
    if (auto it = row_of.find(seq); it != row_of.end())
      out.push_back({seq, std::string(rows.Text(it->second, 1))});
  return out;
}

Result<std::vector<Report>> SqlTx::ListReports(const ReportQuery& query) {
  auto rows = INFRASHARE_TRY(ListReportTexts(query));
  std::vector<Report> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    auto report = INFRASHARE_TRY(stored::ReportFromStored(row.seq, row.doc));
    out.push_back(std::move(report));
  }
  return out;
}

// A full count: about 20 ms at a million reports on SQLite. For
// administration and metrics, not for every request.
Result<int64_t> SqlTx::CountReports() {
  auto rows = INFRASHARE_TRY(session_.Exec("SELECT count(*) FROM reports", "count reports"));
  return rows.Int(0, 0);
}

Result<void> SqlTx::InsertRevision(const Revision& revision) {
  const std::string& sql = Once(session_.dialect(), [](const Dialect&) {
    return fmt::format("{} ON CONFLICT (report_id, number) DO NOTHING", kInsertRevisionSql);
  });
  auto r = INFRASHARE_TRY(session_.Exec(sql, RevisionParams(revision), "insert revision"));
  if (r.Affected() == 0)
    return Conflict(
        fmt::format("revision {} of report '{}' already exists", revision.number, revision.report_id),
        "number");
  return {};
}

Result<std::vector<Revision>> SqlTx::ListRevisions(const std::string& report_id) {
  auto rows =
      INFRASHARE_TRY(session_.Exec("SELECT number, doc FROM revisions WHERE report_id = $1 ORDER BY number",
                                   Params().Add(report_id), "list revisions"));
  std::vector<Revision> out;
  for (int i = 0; i < rows.size(); ++i) {
    auto revision = INFRASHARE_TRY(stored::DecodeStored<Revision>(
        rows.Text(i, 1), fmt::format("stored revision {} of report '{}'", rows.Int(i, 0), report_id),
        RevisionFromJson));
    out.push_back(std::move(revision));
  }
  return out;
}

}  // namespace infrashare::sql
