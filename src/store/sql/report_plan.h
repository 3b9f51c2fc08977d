// The list planner's first question, the same on both backends: does a time
// filter (updated_since / created_from) match few enough reports to drive
// the query from its time index? The rest of each plan is the backend's
// (report_list.cc, pg_report_list.cc).
//
// Thread behaviour: runs on the session of the transaction that lists.
#pragma once

#include <cstdint>
#include <optional>

#include "common/error.h"
#include "store/sql/session.h"
#include "store/store.h"

namespace infrashare::sql {

// A time filter drives the query from its own index when it matches fewer
// rows than this: "what changed since my last poll" then costs the few rows
// that changed, not a walk through history.
inline constexpr int64_t kTimeScanCap = 4096;

enum class TimeIndex { kCreated, kUpdated };

// The time index to drive from, if one matches fewer than kTimeScanCap.
Result<std::optional<TimeIndex>> SmallTimeWindow(Session& session, const ReportQuery& q);

}  // namespace infrashare::sql
