#include "service/change_record.h"

#include <utility>

namespace infrashare {

ChangeActor ChangeActor::Of(const Caller& caller) {
  if (!caller.principal) return {};
  return ChangeActor{.principal = caller.principal->id, .organization = caller.principal->organization};
}

Result<void> RecordChange(WriteTx& tx, const Space& space, ChangeRecord change) {
  INFRASHARE_TRY(tx.AppendAudit(AuditEvent{.at = change.at,
                                           .actor_principal = std::move(change.actor.principal),
                                           .actor_org = std::move(change.actor.organization),
                                           .action = std::move(change.action),
                                           .target_kind = std::move(change.target_kind),
                                           .target_id = change.target_id,
                                           .space = space,
                                           .detail = std::move(change.detail)}));
  if (change.event_type.empty()) return {};
  return tx.AppendOutbox(OutboxEvent{.at = change.at,
                                     .space = space,
                                     .type = std::move(change.event_type),
                                     .record_id = std::move(change.target_id),
                                     .subject = std::move(change.subject)});
}

}  // namespace infrashare
