// SqliteTx::ListReportSeqs: one page of report heads the caller's grant keys
// reach, newest first, in a few milliseconds with millions of reports.
//
// Three plans; the first that applies is taken:
//   1. Small time window. created_from / updated_since matching fewer than
//      kTimeScanCap reports: scan that index range, keep what passes the
//      filters and the grant check, sort by seq. ("What changed since my last
//      poll" costs the rows that changed, not a walk through history.)
//   2. Text. Walk the full-text matches newest first (FTS5 rowid = seq),
//      keeping what passes the filters and the grant check.
//   3. Grant walk. For each of the caller's keys, walk report_grants
//      (space, key, seq DESC) joined with reports, applying the filters, over
//      a window of seq; merge the keys' rows in C++ (dedupe by seq). If the
//      page is not full, move to the next older window, twice as wide. Cost
//      follows how deep the page lies, never the number of keys times the
//      history: a key whose reports fail the filters costs only its rows in
//      the windows visited.
// Every plan applies the same filter SQL (FacetFilters, kTimeFilters) and the
// same limit, so the plans differ in cost only, never in answer.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "store/sql/report_plan.h"
#include "store/sqlite/fts_text.h"
#include "store/sqlite/sqlite_tuning.h"
#include "store/sqlite/sqlite_tx.h"

namespace infrashare::sqlite {

namespace {

// The filters of ReportQuery on a report's facets, over the alias `t`: the
// report row (reports r) or one of its grant rows (report_grants g), which
// carry the same kind, route and tlp. Every parameter is bound by
// BindFilters; NULL means "no such filter".
std::string FacetFilters(std::string_view t) {
  return fmt::format(R"sql(
  (:kind IS NULL OR {t}.kind = :kind)
  AND (:route IS NULL OR {t}.route = :route)
  AND (:tlp IS NULL OR {t}.tlp = :tlp)
  AND (:sector IS NULL OR EXISTS (
        SELECT 1 FROM report_sectors s WHERE s.seq = {t}.seq AND s.sector = :sector)))sql",
                     fmt::arg("t", t));
}

// The time filters, over the report row `r`.
constexpr std::string_view kTimeFilters = R"sql(
  AND (:created_from IS NULL OR r.created_at >= :created_from)
  AND (:created_to IS NULL OR r.created_at < :created_to)
  AND (:updated_since IS NULL OR r.updated_at >= :updated_since))sql";

// One of the caller's keys (a JSON array bound to :keys) grants `r`.
constexpr std::string_view kVisible = R"sql(
  AND EXISTS (
    SELECT 1 FROM report_grants v
    WHERE v.space = :space AND v.key IN (SELECT value FROM json_each(:keys)) AND v.seq = r.seq))sql";

// The text condition for plans not driven by the text index.
constexpr std::string_view kTextResidual = R"sql(
  AND (:match IS NULL OR EXISTS (
        SELECT 1 FROM report_text t WHERE t.report_text MATCH :match AND t.rowid = r.seq)))sql";

std::string Concat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto p : parts) out += p;
  return out;
}

// Plan 3 without time filters: the grant rows alone answer.
const std::string& WalkSql() {
  static const std::string kSql = Concat({
      "SELECT g.seq FROM report_grants g "
      "WHERE g.space = :space AND g.key = :key AND g.seq >= :lo AND g.seq < :hi AND",
      FacetFilters("g"),
      " ORDER BY g.seq DESC LIMIT :limit",
  });
  return kSql;
}

// Plan 3 with time filters: the report rows hold the times.
const std::string& TimedWalkSql() {
  static const std::string kSql = Concat({
      "SELECT g.seq FROM report_grants g CROSS JOIN reports r ON r.seq = g.seq "
      "WHERE g.space = :space AND g.key = :key AND g.seq >= :lo AND g.seq < :hi AND",
      FacetFilters("g"),
      kTimeFilters,
      " ORDER BY g.seq DESC LIMIT :limit",
  });
  return kSql;
}

const std::string& TextSql() {
  static const std::string kSql = Concat({
      "SELECT r.seq FROM report_text t CROSS JOIN reports r ON r.seq = t.rowid "
      "WHERE t.report_text MATCH :match AND t.rowid < :before AND r.space = :space AND",
      FacetFilters("r"),
      kTimeFilters,
      kVisible,
      " ORDER BY t.rowid DESC LIMIT :limit",
  });
  return kSql;
}

using sql::TimeIndex;

const std::string& TimeSql(TimeIndex index) {
  static const std::string kCreated = Concat({
      "SELECT r.seq FROM reports r INDEXED BY reports_by_created "
      "WHERE r.space = :space AND r.created_at >= :created_from AND r.seq < :before AND",
      FacetFilters("r"),
      kTimeFilters,
      kTextResidual,
      kVisible,
      " ORDER BY r.seq DESC LIMIT :limit",
  });
  static const std::string kUpdated = Concat({
      "SELECT r.seq FROM reports r INDEXED BY reports_by_updated "
      "WHERE r.space = :space AND r.updated_at >= :updated_since AND r.seq < :before AND",
      FacetFilters("r"),
      kTimeFilters,
      kTextResidual,
      kVisible,
      " ORDER BY r.seq DESC LIMIT :limit",
  });
  return index == TimeIndex::kCreated ? kCreated : kUpdated;
}

constexpr std::string_view kNewestGrantSql =
    "SELECT seq FROM report_grants WHERE space = :space AND key = :key AND seq < :before "
    "ORDER BY seq DESC LIMIT 1";
constexpr std::string_view kOldestGrantSql =
    "SELECT seq FROM report_grants WHERE space = :space AND key = :key ORDER BY seq LIMIT 1";

bool HasTimeFilter(const ReportQuery& q) { return q.created_from || q.created_to || q.updated_since; }

// Binds the filter parameters; the time ones only if the statement has them.
void BindFilters(Statement& s, const ReportQuery& q, bool with_time = true) {
  s.Bind(":space", q.space.id());
  if (q.kind)
    s.Bind(":kind", NameOf(kReportKindNames, *q.kind));
  else
    s.Bind(":kind", std::nullopt);
  if (q.route)
    s.Bind(":route", NameOf(kRouteNames, *q.route));
  else
    s.Bind(":route", std::nullopt);
  if (q.tlp)
    s.Bind(":tlp", NameOf(kTlpNames, *q.tlp));
  else
    s.Bind(":tlp", std::nullopt);
  auto bind_time = [&](const char* name, const std::optional<Timestamp>& t) {
    if (t)
      s.Bind(name, ToMicros(*t));
    else
      s.Bind(name, std::nullopt);
  };
  if (with_time) {
    bind_time(":created_from", q.created_from);
    bind_time(":created_to", q.created_to);
    bind_time(":updated_since", q.updated_since);
  }
  s.Bind(":sector", q.sector);
}

// Reads every seq a statement answers.
Result<void> CollectSeqs(Statement& s, std::vector<int64_t>& out) {
  for (;;) {
    auto row = INFRASHARE_TRY(s.Step("list reports"));
    if (!row) return {};
    out.push_back(s.Int(0));
  }
}

Result<std::optional<int64_t>> OneSeq(Connection& conn, std::string_view sql, const std::string& space,
                                      const std::string& key, std::optional<int64_t> before) {
  auto s = INFRASHARE_TRY(conn.Prepare(sql));
  s->Bind(":space", space);
  s->Bind(":key", key);
  if (before) s->Bind(":before", *before);
  auto row = INFRASHARE_TRY(s->Step("list reports"));
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(s->Int(0));
}

}  // namespace

Result<std::vector<int64_t>> SqliteTx::ListReportSeqs(const ReportQuery& q) {
  const int64_t before = q.before_seq.value_or(std::numeric_limits<int64_t>::max());
  std::optional<std::string> match;
  if (q.text) match = FtsMatchExpression(*q.text);
  std::vector<std::string> keys = q.grant_keys;
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  const std::string keys_json = DumpDocument(Json(keys));
  std::vector<int64_t> seqs;

  // Plan 1: a small time window.
  auto window = INFRASHARE_TRY(sql::SmallTimeWindow(session_, q));
  if (window) {
    auto s = INFRASHARE_TRY(conn_.Prepare(TimeSql(*window)));
    BindFilters(*s, q);
    s->Bind(":before", before);
    s->Bind(":match", match);
    s->Bind(":keys", keys_json);
    s->Bind(":limit", int64_t{q.limit});
    INFRASHARE_TRY(CollectSeqs(*s, seqs));
    return seqs;
  }

  // Plan 2: text.
  if (match) {
    auto s = INFRASHARE_TRY(conn_.Prepare(TextSql()));
    BindFilters(*s, q);
    s->Bind(":match", *match);
    s->Bind(":before", before);
    s->Bind(":keys", keys_json);
    s->Bind(":limit", int64_t{q.limit});
    INFRASHARE_TRY(CollectSeqs(*s, seqs));
    return seqs;
  }

  // Plan 3: the grant walk. First each key's range of seq, so that keys
  // with no report below the cursor are left out and the walk ends at the
  // oldest report any key reaches.
  struct KeyRange {
    const std::string* key;
    int64_t newest, oldest;
  };
  std::vector<KeyRange> ranges;
  int64_t hi = 0, floor = std::numeric_limits<int64_t>::max();
  for (const auto& key : keys) {
    auto newest = INFRASHARE_TRY(OneSeq(conn_, kNewestGrantSql, q.space.id(), key, before));
    if (!newest) continue;
    auto oldest = INFRASHARE_TRY(OneSeq(conn_, kOldestGrantSql, q.space.id(), key, std::nullopt));
    const int64_t low = oldest.value_or(*newest);
    ranges.push_back({&key, *newest, low});
    hi = std::max(hi, *newest + 1);
    floor = std::min(floor, low);
  }

  const bool timed = HasTimeFilter(q);
  const int64_t limit = q.limit;
  int64_t width = std::max(kMinSeqWindow, limit * kSeqWindowPerRow);
  std::vector<int64_t> in_window;
  while (hi > floor && static_cast<int64_t>(seqs.size()) < limit) {
    const int64_t lo = std::max(floor, hi - width);
    const int64_t need = limit - static_cast<int64_t>(seqs.size());
    in_window.clear();
    for (const auto& range : ranges) {
      if (range.newest < lo || range.oldest >= hi) continue;
      auto s = INFRASHARE_TRY(conn_.Prepare(timed ? TimedWalkSql() : WalkSql()));
      BindFilters(*s, q, timed);
      s->Bind(":key", *range.key);
      s->Bind(":lo", lo);
      s->Bind(":hi", hi);
      s->Bind(":limit", need);
      INFRASHARE_TRY(CollectSeqs(*s, in_window));
    }
    std::sort(in_window.begin(), in_window.end(), std::greater<>());
    in_window.erase(std::unique(in_window.begin(), in_window.end()), in_window.end());
    if (static_cast<int64_t>(in_window.size()) > need) in_window.resize(static_cast<size_t>(need));
    seqs.insert(seqs.end(), in_window.begin(), in_window.end());
    hi = lo;
    width = width > std::numeric_limits<int64_t>::max() / 2 ? width : width * 2;
  }
  return seqs;
}

}  // namespace infrashare::sqlite
