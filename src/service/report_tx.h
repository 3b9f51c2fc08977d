// Every report change in two steps: prepared from a read snapshot (the new
// head, its revision and the response alert it raises, computed once), then
// recorded by a write that only checks that the report did not change
// meanwhile and inserts — head and grant keys, revision, audit event,
// outbox event and the alert, all or nothing. Used by submit, relay, revise
// and severity review.
//
// Audit details never name the submitter: audit views are read by other
// organizations (AuditService).
//
// Thread behaviour: LoadVisibleReport and RecordReportChange only inside
// Store::Read/Write, on that thread; ChangeReport from any thread.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "common/error.h"
#include "common/json.h"
#include "domain/alert/alert.h"
#include "domain/sharing/visibility.h"
#include "service/caller.h"
#include "store/store.h"

namespace infrashare {

// The report `id` in the caller's space and the caller's view of it. A
// report the caller may not see answers exactly like a missing one:
// kNotFound "report not found".
Result<std::pair<Report, View>> LoadVisibleReport(ReadTx& tx, const Caller& caller, const std::string& id);

struct ReportChange {
  std::string note;          // the revision's note
  std::string action;        // the audit action ("report.submit", ...)
  std::string event_type;    // the outbox event ("report.created", ...)
  Json audit_detail = Json::object();  // added to the audit event's detail
};

struct PreparedReportChange {
  Report head;                // revision and updated_at set
  int based_on_revision = 0;  // the stored revision `head` replaces; 0: a new report
  ReportChange change;
  std::optional<Alert> response_alert;  // the alert its response plan raises (response_alert.h)
};

// `head` as a change of `previous` (nullptr: a new report), with the
// response alert the change raises. Pure.
PreparedReportChange PrepareReportChange(const Report* previous, Report head, ReportChange change,
                                         const Registry& registry);

// Stores `prepared` as done by `caller`. false, storing nothing, when the
// stored revision is no longer `based_on_revision` (prepare again).
Result<bool> RecordReportChange(WriteTx& tx, const Caller& caller, const PreparedReportChange& prepared);

// Changes the report `id` the caller may see: `edit` gets it (and the
// caller's view) from a read snapshot and changes it in place, answering
// what to record (or an error, which is returned); the revision is bumped
// here. Prepared again when another change came first; kConflict if that
// keeps happening. Returns the new head.
using ReportEdit = std::function<Result<ReportChange>(Report& report, View view)>;
Result<Report> ChangeReport(Store& store, const Caller& caller, const std::string& id, const ReportEdit& edit);

}  // namespace infrashare
