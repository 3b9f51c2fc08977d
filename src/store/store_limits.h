// The limits of the Store contract (store.h), the same for every backend.
#pragma once

namespace infrashare {

// The report lists (ListReportTexts), ListAlerts and the webhook lists never answer more than this
// many records in one page.
inline constexpr int kMaxListLimit = 1000;
// ListAudit / ListOutbox pages: small rows, read by verifiers and feeds.
inline constexpr int kMaxLogPage = 10000;

}  // namespace infrashare
