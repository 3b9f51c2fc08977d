#include "store/sql/report_plan.h"

#include <fmt/format.h>

namespace infrashare::sql {

namespace {

// How many reports a time filter matches, counting at most kTimeScanCap.
Result<int64_t> CappedCount(Session& session, TimeIndex index, const Space& space, Timestamp from) {
  const auto build = [](const Dialect& d, std::string_view column) {
    return fmt::format(
        "SELECT count(*) FROM (SELECT 1 FROM reports{} WHERE space = $1 AND {} >= $2 LIMIT $3) AS x",
        d.IndexedBy(fmt::format("reports_by_{}", column.substr(0, column.find('_')))), column);
  };
  const std::string& sql =
      index == TimeIndex::kCreated
          ? Once(session.dialect(), [&](const Dialect& d) { return build(d, "created_at"); })
          : Once(session.dialect(), [&](const Dialect& d) { return build(d, "updated_at"); });
  auto rows = INFRASHARE_TRY(
      session.Exec(sql, Params().Add(space.id()).Add(ToMicros(from)).Add(kTimeScanCap), "list reports"));
  return rows.empty() ? 0 : rows.Int(0, 0);
}

}  // namespace

Result<std::optional<TimeIndex>> SmallTimeWindow(Session& session, const ReportQuery& q) {
  std::optional<TimeIndex> best;
  int64_t best_count = kTimeScanCap;
  if (q.updated_since) {
    auto n = INFRASHARE_TRY(CappedCount(session, TimeIndex::kUpdated, q.space, *q.updated_since));
    if (n < best_count) best = TimeIndex::kUpdated, best_count = n;
  }
  if (q.created_from) {
    auto n = INFRASHARE_TRY(CappedCount(session, TimeIndex::kCreated, q.space, *q.created_from));
    if (n < best_count) best = TimeIndex::kCreated, best_count = n;
  }
  return best;
}

}  // namespace infrashare::sql
