#include "service/response_alert.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <vector>

#include "common/crypto.h"
#include "domain/alert/escalation.h"

namespace infrashare {
namespace {

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

int LevelInForce(const Report& report) { return report.assessment ? report.assessment->level : -1; }

std::optional<Alert> ResponseAlert(const Report& head, int previous_level, const Registry& registry) {
  if (!head.released || !head.assessment) return std::nullopt;
  const int level = head.assessment->level;
  if (level <= previous_level) return std::nullopt;

  // Every organization notified, in plan order; a deadline for those that
  // must acknowledge (the earliest among the actions naming them).
  std::vector<std::string> order;
  std::map<std::string, std::optional<int64_t>> deadline_minutes;
  std::vector<std::string> meanings;
  for (const ResponseAction& action : head.assessment->response_plan.actions) {
    for (const Recipient& n : action.notify) {
      if (n.organization.empty() || registry.FindOrganization(n.organization) == nullptr) continue;
      auto [it, added] = deadline_minutes.emplace(n.organization, std::nullopt);
      if (added) order.push_back(n.organization);
      if (std::ranges::find(action.acknowledge, n.organization) != action.acknowledge.end())
        it->second = it->second ? std::min(*it->second, action.deadline_minutes) : action.deadline_minutes;
    }
    if (!action.acknowledge.empty()) meanings.push_back(action.meaning);
  }
  if (meanings.empty()) return std::nullopt;  // nobody must acknowledge: no hotline alert

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
  return alert;
}

}  // namespace infrashare
