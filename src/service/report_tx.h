// The steps every report change takes inside its store transaction, in one
// place for every use case that changes a report (submit, relay, revise,
// severity review): load the report as the caller may see it, and record a
// change — head and grant keys, the new revision, the audit event and the
// outbox event, all or nothing with the transaction.
//
// Thread behaviour: call only inside Store::Write/Read, on that thread.
#pragma once

#include <string>
#include <utility>

#include "common/error.h"
#include "common/json.h"
#include "domain/sharing/visibility.h"
#include "service/caller.h"
#include "store/store.h"

namespace infrashare {

// The live report `id` and the caller's view of it. A report the caller may
// not see answers exactly like a missing one: kNotFound "report not found".
Result<std::pair<Report, View>> LoadVisibleReport(ReadTx& tx, const Caller& caller, const std::string& id);

struct ReportChange {
  std::string note;          // the revision's note
  std::string action;        // the audit action ("report.submit", ...)
  std::string event_type;    // the outbox event ("report.created", ...)
  bool insert = false;       // a new report rather than a new revision of one
  Json audit_detail = Json::object();  // added to the audit event's detail
};

// Records `head` (whose revision and updated_at the caller has set) as
// changed by `caller`, and raises the hotline alert its response plan asks
// for when its level in force rose (alert_tx.h RaiseResponseAlert). The audit detail never names the submitter: audit
// views are read by other organizations (see AuditService).
Result<void> RecordReportChange(WriteTx& tx, const Caller& caller, const Report& head, const ReportChange& change);

}  // namespace infrashare
