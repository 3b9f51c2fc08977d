// What every change writes beside its rows, inside its store transaction:
// one hash-chained audit event and, when a live channel must hear of it, one
// outbox event about the same record — both in the writer's space. Every
// service records its changes here, so no event is stored outside the space
// of the record it concerns.
//
// Audit details never name a report's submitter: audit views are read by
// other organizations (AuditService).
//
// Thread behaviour: call only inside Store::Write, on that thread.
#pragma once

#include <string>

#include "common/error.h"
#include "common/json.h"
#include "common/time.h"
#include "domain/space/space.h"
#include "service/caller.h"
#include "store/store.h"

namespace infrashare {

// Who made a change: a principal of an organization, or the system (empty
// ids, or "system" for the registry import).
struct ChangeActor {
  std::string principal;
  std::string organization;

  // The caller's principal (the system when it has none).
  static ChangeActor Of(const Caller& caller);
};

struct ChangeRecord {
  Timestamp at;
  ChangeActor actor;
  std::string action;       // audit: "report.submit", "token.issue", ...
  std::string target_kind;  // "report", "alert", "webhook", "principal", ...
  std::string target_id;
  Json detail = Json::object();
  std::string event_type;  // outbox: "report.created", ...; "" for no outbox event
  std::string subject;     // outbox: an alert event's recipient organization ("" for all)
};

// Appends `change`'s audit event, and its outbox event when it names one,
// both in `space`.
Result<void> RecordChange(WriteTx& tx, const Space& space, ChangeRecord change);

}  // namespace infrashare
