#include "service/alert_tx.h"

#include <fmt/format.h>

#include <algorithm>


namespace infrashare {
namespace {

Result<void> Record(WriteTx& tx, const ChangeActor& actor, const Alert& alert, std::string_view action,
                    std::string_view event_type, std::string_view subject, Json detail, Timestamp at) {
  detail["kind"] = NameOf(kAlertKindNames, alert.kind);
  return RecordChange(tx, alert.space,
                      ChangeRecord{.at = at,
                                   .actor = actor,
                                   .action = std::string(action),
                                   .target_kind = "alert",
                                   .target_id = alert.id,
                                   .detail = std::move(detail),
                                   .event_type = std::string(event_type),
                                   .subject = std::string(subject)});
}

}  // namespace

Result<void> RecordAlertRaised(WriteTx& tx, const ChangeActor& actor, const Alert& alert) {
  INFRASHARE_TRY(tx.InsertAlert(alert));
  Json detail{{"recipients", alert.recipients.size()}, {"level", alert.level}};
  return Record(tx, actor, alert, "alert.raise", "alert.raised", "", std::move(detail), alert.created_at);
}

Result<void> RecordRecipientChange(WriteTx& tx, const ChangeActor& actor, const Alert& alert,
                                   const AlertRecipient& row, std::string_view action,
                                   std::string_view event_type, Json detail) {
  if (auto u = tx.UpsertAlertRecipient(alert.id, row); !u) return u;
  detail["organization"] = row.organization;
  detail["state"] = NameOf(kDeliveryStateNames, row.state);
  Timestamp at = row.queued_at;
  for (const auto& t : {row.delivered_at, row.acknowledged_at, row.escalated_at, row.failed_at})
    if (t && *t > at) at = *t;
  for (const auto& c : row.channels) at = std::max(at, c.at);
  return Record(tx, actor, alert, action, event_type, row.organization, std::move(detail), at);
}

Result<void> RecordChannelNews(WriteTx& tx, const Space& space, const std::string& alert_id,
                               const AlertRecipient& row, const ChannelDelivery& delivery) {
  if (delivery.state != DeliveryState::kFailed) return tx.UpsertAlertRecipient(alert_id, row);
  auto head = INFRASHARE_TRY(tx.GetAlertHead(space, alert_id));
  if (!head) return NotFound("alert not found");
  return RecordRecipientChange(tx, ChangeActor{}, *head, row, "alert.delivery_failed", "",
                               {{"channel", delivery.channel}, {"detail", delivery.detail}});
}

}  // namespace infrashare
