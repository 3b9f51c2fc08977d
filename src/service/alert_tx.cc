#include "service/alert_tx.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "common/crypto.h"
#include "domain/alert/escalation.h"

namespace infrashare {
namespace {

Result<void> Record(WriteTx& tx, const AlertActor& actor, const Alert& alert, std::string_view action,
                    std::string_view event_type, std::string_view subject, Json detail, Timestamp at) {
  detail["kind"] = NameOf(kAlertKindNames, alert.kind);
  if (auto a = tx.AppendAudit(AuditEvent{.at = at,
                                         .actor_principal = actor.principal,
                                         .actor_org = actor.organization,
                                         .action = std::string(action),
                                         .target_kind = "alert",
                                         .target_id = alert.id,
                                         .detail = std::move(detail)});
      !a)
    return a;
  if (event_type.empty()) return {};
  auto e = tx.AppendOutbox(OutboxEvent{.at = at,
                                       .space = alert.space,
                                       .type = std::string(event_type),
                                       .record_id = alert.id,
                                       .subject = std::string(subject)});
  if (!e) return std::unexpected(e.error());
  return {};
}

std::string SectorNames(const Report& head, const Registry& registry) {
  std::string out;
  for (const auto& id : head.content.sectors) {
    const Sector* s = registry.FindSector(id);
    if (!out.empty()) out += ", ";
    out += s != nullptr ? s->name_en : id;
  }
  return out.empty() ? "an unnamed sector" : out;
}

}  // namespace

int LevelInForce(const Report& report) {
  if (!report.assessment.is_object()) return -1;
  auto it = report.assessment.find("level");
  if (it == report.assessment.end() || !it->is_number_integer()) return -1;
  return it->get<int>();
}

Result<void> RecordAlertRaised(WriteTx& tx, const AlertActor& actor, const Alert& alert) {
  if (auto s = tx.InsertAlert(alert); !s) return std::unexpected(s.error());
  Json detail{{"recipients", alert.recipients.size()}, {"level", alert.level}};
  return Record(tx, actor, alert, "alert.raise", "alert.raised", "", std::move(detail), alert.created_at);
}

Result<void> RecordRecipientChange(WriteTx& tx, const AlertActor& actor, const Alert& alert,
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

Result<void> RecordChannelNews(WriteTx& tx, const std::string& alert_id, const AlertRecipient& row,
                               const ChannelDelivery& delivery) {
  if (delivery.state != DeliveryState::kFailed) return tx.UpsertAlertRecipient(alert_id, row);
  auto head = tx.GetAlertHead(Space::Live(), alert_id);
  if (!head) return std::unexpected(head.error());
  if (!*head) return NotFound("alert not found");
  return RecordRecipientChange(tx, AlertActor{}, **head, row, "alert.delivery_failed", "",
                               {{"channel", delivery.channel}, {"detail", delivery.detail}});
}

Result<void> RaiseResponseAlert(WriteTx& tx, const Report& head, int previous_level,
                                const Registry& registry) {
  if (!head.released) return {};
  const int level = LevelInForce(head);
  if (level <= previous_level) return {};
  const Json& plan = head.assessment.value("response_plan", Json::object());
  const Json& actions = plan.value("actions", Json::array());

  // Every organization notified, in plan order; a deadline for those that
  // must acknowledge (the earliest among the actions naming them).
  std::vector<std::string> order;
  std::map<std::string, std::optional<int64_t>> deadline_minutes;
  std::vector<std::string> meanings;
  for (const Json& action : actions) {
    const auto minutes = action.value("deadline_minutes", int64_t{15});
    const Json& ack = action.value("acknowledge", Json::array());
    for (const Json& n : action.value("notify", Json::array())) {
      const std::string org = n.value("organization", "");
      if (org.empty() || registry.FindOrganization(org) == nullptr) continue;
      auto [it, added] = deadline_minutes.emplace(org, std::nullopt);
      if (added) order.push_back(org);
      if (std::ranges::find(ack, Json(org)) != ack.end())
        it->second = it->second ? std::min(*it->second, minutes) : minutes;
    }
    if (!ack.empty()) meanings.push_back(action.value("meaning", ""));
  }
  if (meanings.empty()) return {};  // nobody must acknowledge: no hotline alert

  const Timestamp now = head.updated_at;
  Alert alert{.id = NewId("alt"),
              .space = head.space,
              .kind = AlertKind::kResponse,
              .report_id = head.id,
              .level = level,
              .title = fmt::format("Severity level {}: {} in {}", level,
                                   NameOf(kReportKindNames, head.content.kind), SectorNames(head, registry)),
              .created_at = now};
  int64_t window = 0;
  for (const auto& [org, minutes] : deadline_minutes)
    if (minutes) window = window == 0 ? *minutes : std::min(window, *minutes);
  alert.ack_minutes = window;
  for (const auto& m : meanings) {
    if (!alert.message.empty()) alert.message += "\n";
    alert.message += m;
  }
  for (const auto& org : order) {
    const auto& minutes = deadline_minutes[org];
    AlertRecipient r{.organization = org,
                     .contacts = HotlineContacts(*registry.FindOrganization(org), /*backup=*/false),
                     .must_acknowledge = minutes.has_value(),
                     .queued_at = now,
                     .channels = {ChannelDelivery{.channel = "inbox", .at = now}}};
    if (minutes) r.deadline = now + std::chrono::minutes(*minutes);
    alert.recipients.push_back(std::move(r));
  }
  return RecordAlertRaised(tx, AlertActor{}, alert);
}

}  // namespace infrashare
