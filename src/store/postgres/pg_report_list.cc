// PgTx::ListReportSeqs: one page of report heads the caller's grant keys reach,
// newest first — the SQLite backend's three plans (store/sqlite/
// report_list.cc), in PostgreSQL:
//   1. Small time window. created_from / updated_since matching fewer than
//      kTimeScanCap reports: that index range, filtered, sorted by seq.
//   2. Text. The grant walk (3) over the newest kTextWalkSpan seqs, with the
//      exact phrase condition (search_terms.h); if the page is not full, the
//      reports below whose `terms` hold every query token (GIN), newest
//      first, with the same condition.
//   3. Grant walk. report_grants (space, key, seq) for all of the caller's
//      keys at once (key = ANY), over a window of seq, with the filters;
//      the next older window, twice as wide, until the page is full.
// Every plan applies the same filters (AddFacetFilters, AddTimeFilters,
// AddTextFilter), so the plans differ in cost only, never in answer. The
// SQL text holds only the filters the query has, so each combination is
// its own prepared statement with a plan that fits it.
#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "store/postgres/pg_tuning.h"
#include "store/postgres/pg_tx.h"
#include "store/postgres/search_terms.h"
#include "store/sql/report_plan.h"

namespace infrashare::postgres {

namespace {

// SQL text with its parameters, built together.
struct Sql {
  std::string text;
  Params params;

  template <class T>
  std::string Bind(const T& value) {
    params.Add(value);
    return params.Last();
  }
  std::string BindArray(const std::vector<std::string>& values) {
    params.AddArray(values);
    return params.Last();
  }
};

// The filters on a report's facets, over the alias `t`: the report row
// (reports r) or one of its grant rows (report_grants g), which carry the
// same kind, route and tlp.
void AddFacetFilters(Sql& sql, const ReportQuery& q, std::string_view t) {
  if (q.kind)
    sql.text += fmt::format(" AND {}.kind = {}", t, sql.Bind(std::string(NameOf(kReportKindNames, *q.kind))));
  if (q.route)
    sql.text += fmt::format(" AND {}.route = {}", t, sql.Bind(std::string(NameOf(kRouteNames, *q.route))));
  if (q.tlp) sql.text += fmt::format(" AND {}.tlp = {}", t, sql.Bind(std::string(NameOf(kTlpNames, *q.tlp))));
  if (q.sector)
    sql.text +=
        fmt::format(" AND EXISTS (SELECT 1 FROM report_sectors s WHERE s.seq = {}.seq AND s.sector = {})", t,
                    sql.Bind(*q.sector));
}

bool HasTimeFilter(const ReportQuery& q) { return q.created_from || q.created_to || q.updated_since; }

// The time filters, over the report row `r`.
void AddTimeFilters(Sql& sql, const ReportQuery& q) {
  if (q.created_from) sql.text += fmt::format(" AND r.created_at >= {}", sql.Bind(ToMicros(*q.created_from)));
  if (q.created_to) sql.text += fmt::format(" AND r.created_at < {}", sql.Bind(ToMicros(*q.created_to)));
  if (q.updated_since)
    sql.text += fmt::format(" AND r.updated_at >= {}", sql.Bind(ToMicros(*q.updated_since)));
}

// The exact text condition, over the report row `r`.
void AddTextFilter(Sql& sql, const std::optional<SearchCondition>& text) {
  if (text) sql.text += fmt::format(" AND r.search LIKE ALL ({}::text[])", sql.BindArray(text->patterns));
}

// One of the caller's keys grants `r`.
void AddVisible(Sql& sql, const std::string& space_param, const std::vector<std::string>& keys) {
  sql.text += fmt::format(
      " AND EXISTS (SELECT 1 FROM report_grants v WHERE v.space = {} AND v.key = ANY ({}::text[]) AND v.seq "
      "= r.seq)",
      space_param, sql.BindArray(keys));
}

// `planned_each_time`: see Connection::ExecPlannedEachTime.
Result<void> CollectSeqs(Connection& conn, const Sql& sql, std::vector<int64_t>& out,
                         bool planned_each_time = false) {
  auto rows =
      INFRASHARE_TRY(planned_each_time ? conn.ExecPlannedEachTime(sql.text, sql.params, "list reports")
                                       : conn.Exec(sql.text, sql.params, "list reports"));
  for (int i = 0; i < rows.size(); ++i) out.push_back(rows.Int(i, 0));
  return {};
}

using sql::TimeIndex;

// The grant walk (plan 3, and the first part of plan 2): appends to `seqs`,
// newest first, until the page is full, the keys' reports are exhausted or
// `max_span` seqs below `before` were examined. Answers the seq below which
// nothing was examined yet, or nullopt when nothing is left there.
Result<std::optional<int64_t>> WalkGrants(Connection& conn, const ReportQuery& q,
                                          const std::vector<std::string>& keys,
                                          const std::optional<SearchCondition>& text, int64_t before,
                                          int64_t max_span, std::vector<int64_t>& seqs) {
  // First the newest seq below the cursor and the oldest seq any key
  // reaches, each key by its own index range.
  int64_t hi = 0, floor = 0;
  {
    auto rows = INFRASHARE_TRY(conn.Exec(
        "SELECT max(n.seq), min(o.seq) FROM unnest($2::text[]) AS k (key) "
        "CROSS JOIN LATERAL (SELECT seq FROM report_grants WHERE space = $1 AND key = k.key AND seq < $3 "
        "                    ORDER BY seq DESC LIMIT 1) AS n "
        "CROSS JOIN LATERAL (SELECT seq FROM report_grants WHERE space = $1 AND key = k.key "
        "                    ORDER BY seq LIMIT 1) AS o",
        Params().Add(q.space.id()).AddArray(keys).Add(before), "list reports"));
    if (rows.IsNull(0, 0)) return std::optional<int64_t>();  // no key reaches a report below the cursor
    hi = rows.Int(0, 0) + 1;
    floor = rows.Int(0, 1);
  }
  const bool join_report = HasTimeFilter(q) || text.has_value();
  const int64_t limit = q.limit;
  const int64_t stop = hi > std::numeric_limits<int64_t>::min() + max_span ? hi - max_span : floor;
  int64_t width = std::max(kMinSeqWindow, limit * kSeqWindowPerRow);
  while (hi > floor && hi > stop && static_cast<int64_t>(seqs.size()) < limit) {
    const int64_t lo = std::max({floor, stop, hi - width});
    Sql sql;
    // Bound one by one: the order of function arguments is unspecified.
    const std::string space = sql.Bind(q.space.id());
    const std::string key_list = sql.BindArray(keys);
    const std::string from = sql.Bind(lo);
    const std::string to = sql.Bind(hi);
    sql.text = fmt::format(
        "SELECT DISTINCT g.seq FROM report_grants g{} WHERE g.space = {} AND g.key = ANY ({}::text[]) "
        "AND g.seq >= {} AND g.seq < {}",
        join_report ? " JOIN reports r ON r.seq = g.seq" : "", space, key_list, from, to);
    AddFacetFilters(sql, q, "g");
    if (join_report) {
      AddTimeFilters(sql, q);
      AddTextFilter(sql, text);
    }
    sql.text +=
        fmt::format(" ORDER BY g.seq DESC LIMIT {}", sql.Bind(limit - static_cast<int64_t>(seqs.size())));
    INFRASHARE_TRY(CollectSeqs(conn, sql, seqs));
    hi = lo;
    width = width > std::numeric_limits<int64_t>::max() / 2 ? width : width * 2;
  }
  if (hi <= floor) return std::optional<int64_t>();
  return std::optional<int64_t>(hi);
}

}  // namespace

Result<std::vector<int64_t>> PgTx::ListReportSeqs(const ReportQuery& q) {
  const int64_t before = q.before_seq.value_or(std::numeric_limits<int64_t>::max());
  std::optional<SearchCondition> text;
  if (q.text) {
    auto cond = INFRASHARE_TRY(MakeSearchCondition(*q.text));
    text = std::move(cond);
    if (text && text->matches_nothing) return std::vector<int64_t>{};
  }
  std::vector<std::string> keys = q.grant_keys;
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::vector<int64_t> seqs;

  // Plan 1: a small time window.
  auto window = INFRASHARE_TRY(sql::SmallTimeWindow(session_, q));
  if (window) {
    Sql sql;
    const std::string space = sql.Bind(q.space.id());
    const std::string below = sql.Bind(before);
    sql.text = fmt::format("SELECT r.seq FROM reports r WHERE r.space = {} AND r.seq < {}", space, below);
    AddFacetFilters(sql, q, "r");
    AddTimeFilters(sql, q);
    AddTextFilter(sql, text);
    AddVisible(sql, space, keys);
    sql.text += fmt::format(" ORDER BY r.seq DESC LIMIT {}", sql.Bind(int64_t{q.limit}));
    INFRASHARE_TRY(CollectSeqs(conn_, sql, seqs));
    return seqs;
  }

  // Plan 2: text. Words that many reports hold fill the page from the
  // newest reports at once, so the grant walk goes first, for a while; the
  // rest of the page comes from the terms index, below where the walk
  // stopped.
  if (text && text->tsquery) {
    auto unexplored = INFRASHARE_TRY(WalkGrants(conn_, q, keys, text, before, kTextWalkSpan, seqs));
    if (!unexplored || static_cast<int64_t>(seqs.size()) >= q.limit) return seqs;
    Sql sql;
    const std::string space = sql.Bind(q.space.id());
    const std::string below = sql.Bind(*unexplored);
    const std::string terms = sql.Bind(*text->tsquery);
    sql.text = fmt::format(
        "SELECT r.seq FROM reports r WHERE r.terms @@ {}::tsquery AND r.space = {} AND r.seq < {}", terms,
        space, below);
    AddFacetFilters(sql, q, "r");
    AddTimeFilters(sql, q);
    AddTextFilter(sql, text);
    AddVisible(sql, space, keys);
    sql.text +=
        fmt::format(" ORDER BY r.seq DESC LIMIT {}", sql.Bind(q.limit - static_cast<int64_t>(seqs.size())));
    // A generic plan cannot know how rare the words are, and may walk every
    // report newest first instead of asking the terms index.
    INFRASHARE_TRY(CollectSeqs(conn_, sql, seqs, /*planned_each_time=*/true));
    return seqs;
  }

  // Plan 3: the grant walk, to the end if need be.
  INFRASHARE_TRY(WalkGrants(conn_, q, keys, text, before, std::numeric_limits<int64_t>::max(), seqs));
  return seqs;
}

}  // namespace infrashare::postgres
