#include "domain/alert/escalation.h"

namespace infrashare {

std::string DescribeContact(const Contact& c) {
  std::string out = c.name;
  if (!c.email.empty()) out += " <" + c.email + ">";
  if (!c.phone.empty()) out += (c.email.empty() ? " " : ", ") + c.phone;
  return out;
}

std::vector<std::string> HotlineContacts(const Organization& organization, bool backup) {
  std::vector<std::string> out;
  for (const auto& c : organization.contacts)
    if (c.backup == backup) out.push_back(DescribeContact(c));
  return out;
}

EscalationStep NextEscalation(const AlertRecipient& due, const std::function<bool(std::string_view)>& on_alert,
                              const Registry& registry) {
  const Organization* org = registry.FindOrganization(due.organization);
  if (due.step == 0 && org != nullptr) {
    auto backups = HotlineContacts(*org, /*backup=*/true);
    if (!backups.empty())
      return {.kind = EscalationStep::Kind::kBackupContacts, .organization = due.organization,
              .reason = due.reason, .contacts = std::move(backups)};
  }
  auto next = [&](const Organization& target, RecipientReason reason) {
    return EscalationStep{.kind = EscalationStep::Kind::kNextOrganization, .organization = target.id,
                          .reason = reason, .contacts = HotlineContacts(target, /*backup=*/false)};
  };
  if (org != nullptr) {
    for (const auto& sector_id : org->sectors) {
      const Sector* sector = registry.FindSector(sector_id);
      if (sector == nullptr || sector->ministry.empty()) continue;
      const Organization* ministry = registry.FindOrganization(sector->ministry);
      if (ministry == nullptr || ministry->id == due.organization || on_alert(ministry->id)) continue;
      return next(*ministry, RecipientReason::kSectorMinistry);
    }
  }
  const Organization* nisc = registry.CoordinationCenter();
  if (nisc != nullptr && nisc->id != due.organization && !on_alert(nisc->id))
    return next(*nisc, RecipientReason::kCoordinationCenter);
  return {};
}

}  // namespace infrashare
