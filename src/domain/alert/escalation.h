// The escalation chain (DESIGN.md flow 5, "Hotline"): a recipient that has
// not acknowledged by its deadline is escalated, one step at a time —
//   1. its backup contacts (Contact::backup), alerted beside the primary
//      ones, with a new deadline — once, and only if it has any;
//   2. the ministry of its first sector that has one (an organization
//      already on the alert is passed over);
//   3. NISC's duty officer (the coordination center), unless already on it.
// When the chain is exhausted nothing new is alerted; the recipient stays
// unacknowledged and visible as such.
//
// Thread behaviour: pure functions.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/alert/alert.h"
#include "domain/registry/registry.h"

namespace infrashare {

struct EscalationStep {
  enum class Kind {
    kBackupContacts,    // alert `due`'s backup contacts; `contacts` are they
    kNextOrganization,  // add `organization` to the alert for `reason`
    kExhausted,         // nobody left to alert
  };
  Kind kind = Kind::kExhausted;
  std::string organization;
  RecipientReason reason = RecipientReason::kRecipient;
  std::vector<std::string> contacts;
};

// What follows for `due`, a recipient of an alert past its deadline;
// `on_alert(org)` tells whether an organization is already on that alert.
EscalationStep NextEscalation(const AlertRecipient& due, const std::function<bool(std::string_view)>& on_alert,
                              const Registry& registry);

// "name <email>, phone" (what a recipient row's contacts hold).
std::string DescribeContact(const Contact& contact);
// DescribeContact of each primary (backup = false) or backup contact.
std::vector<std::string> HotlineContacts(const Organization& organization, bool backup);

}  // namespace infrashare
