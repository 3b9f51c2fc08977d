// Hotline alerts: raise by hand, read, acknowledge, escalate, and record
// what each channel delivered, in the caller's space. (Alerts a report's
// response plan raises are recorded with the report change: report_tx.h.)
// Every write is one store transaction with its audit and outbox events;
// every read asks domain/sharing's AlertVisibility() and answers an alert the
// caller may not see exactly as a missing one.
//
// Thread behaviour: thread-safe; holds no state beyond references.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "common/time.h"
#include "domain/alert/alert.h"
#include "domain/sharing/visibility.h"
#include "service/caller.h"
#include "service/registry_service.h"
#include "store/store.h"

namespace infrashare {

// An alert as the caller may see it, and how much of it that is.
struct AlertRead {
  Alert alert;
  bool every_recipient = false;  // AlertView::kFull: every row, not only the caller's
};

struct AlertPage {
  std::vector<AlertRead> items;            // as the caller may see them
  std::optional<std::string> next_cursor;  // absent on the last page
};

// One channel's news about one recipient (stream hub, webhook dispatcher).
struct ChannelUpdate {
  std::string alert_id;
  Space space;  // the alert's
  std::string organization;
  ChannelDelivery delivery;  // its state: kDelivered or kFailed
};

class AlertService {
 public:
  static constexpr int kMaxPage = 200;

  AlertService(Store& store, const Clock& clock, RegistryService& registry);

  // POST /alerts: the body ParseRaise reads (service/alert_input.h).
  // NISC, a ministry, a CEPTOAR secretariat or a security agency, with the
  // duty_officer or analyst role. Recipients: the organizations named, every
  // organization of the sectors, every member and secretariat of the
  // CEPTOARs, or everyone; never the raiser itself; each must acknowledge.
  Result<Alert> Raise(const Caller& caller, const Json& body);

  // GET /alerts/{id}: the alert as the caller may see it. A recipient's first
  // read marks its inbox delivery delivered (a read receipt).
  Result<AlertRead> Get(const Caller& caller, const std::string& id);
  // GET /alerts: newest first; query: cursor, limit.
  Result<AlertPage> List(const Caller& caller, const std::vector<std::pair<std::string, std::string>>& query);

  // POST /alerts/{id}/ack: {"note"?}. A principal of a recipient
  // organization. Errors: not found (not visible), kForbidden (visible but
  // not a recipient), kConflict (already acknowledged).
  Result<AlertRecipient> Acknowledge(const Caller& caller, const std::string& id, const Json& body);

  // Background: escalates recipients whose deadline is <= now (escalation.h),
  // at most `limit` in one transaction. Returns how many were handled.
  Result<int> EscalateDue(int limit);

  // Background: records channel deliveries (one transaction). Updates for
  // recipients that are gone or already in a later state are ignored.
  Result<void> RecordChannels(const std::vector<ChannelUpdate>& updates);

 private:
  Store& store_;
  const Clock& clock_;
  RegistryService& registry_;
};

// {"recipients", "queued", "delivered", "acknowledged", "escalated",
//  "failed"}: how many rows are in each state.
Json AlertSummary(const Alert& alert);
Json AlertSummary(std::span<const DeliveryState> states);

}  // namespace infrashare
