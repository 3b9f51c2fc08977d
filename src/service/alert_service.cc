#include "service/alert_service.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/crypto.h"
#include "common/parse.h"
#include "domain/alert/escalation.h"
#include "domain/sharing/visibility.h"
#include "service/alert_input.h"
#include "service/alert_tx.h"
#include "service/report_tx.h"

namespace infrashare {
namespace {

bool MayRaise(const Organization& org) {
  switch (org.kind) {
    case OrgKind::kCoordinationCenter:
    case OrgKind::kMinistry:
    case OrgKind::kCeptoarSecretariat:
    case OrgKind::kSecurityAgency:
      return true;
    default:
      return false;
  }
}

// Whether `org` may see the report an alert is about.
Result<bool> ReportVisibleTo(ReadTx& tx, const Alert& alert, const Organization* org, const Registry& registry) {
  if (alert.report_id.empty()) return false;
  auto report = INFRASHARE_TRY(tx.GetReport(alert.space, alert.report_id));
  return report && Visibility(org, *report, registry) != View::kNone;
}

// Later states are not overwritten by news from a channel.
bool Settled(DeliveryState s) {
  return s == DeliveryState::kAcknowledged || s == DeliveryState::kEscalated;
}

void SetChannel(AlertRecipient& row, const ChannelDelivery& delivery) {
  auto it = std::ranges::find(row.channels, delivery.channel, &ChannelDelivery::channel);
  if (it == row.channels.end()) {
    row.channels.push_back(delivery);
  } else if (it->state != DeliveryState::kDelivered) {
    *it = delivery;
  }
  if (delivery.state == DeliveryState::kDelivered && !row.delivered_at) {
    row.delivered_at = delivery.at;
    if (row.state == DeliveryState::kQueued || row.state == DeliveryState::kFailed) row.state = DeliveryState::kDelivered;
  }
  const bool all_failed = std::ranges::all_of(row.channels, [](const ChannelDelivery& c) {
    return c.state == DeliveryState::kFailed || c.channel == "inbox";
  }) && std::ranges::any_of(row.channels, [](const ChannelDelivery& c) { return c.state == DeliveryState::kFailed; });
  if (all_failed && row.state == DeliveryState::kQueued) {
    row.state = DeliveryState::kFailed;
    row.failed_at = delivery.at;
  }
}

}  // namespace

Json AlertSummary(std::span<const DeliveryState> states) {
  Json out{{"recipients", states.size()}};
  for (const auto& n : kDeliveryStateNames) out[std::string(n.name)] = 0;
  for (const DeliveryState s : states) {
    auto& slot = out[std::string(NameOf(kDeliveryStateNames, s))];
    slot = slot.get<int64_t>() + 1;
  }
  return out;
}

Json AlertSummary(const Alert& alert) {
  std::vector<DeliveryState> states;
  states.reserve(alert.recipients.size());
  for (const auto& r : alert.recipients) states.push_back(r.state);
  return AlertSummary(states);
}

AlertService::AlertService(Store& store, const Clock& clock, RegistryService& registry)
    : store_(store), clock_(clock), registry_(registry) {}

Result<Alert> AlertService::Raise(const Caller& caller, const Json& body) {
  constexpr Role kRaisers[] = {Role::kDutyOfficer, Role::kAnalyst};
  INFRASHARE_TRY(caller.RequireAny(kRaisers));
  if (!MayRaise(*caller.organization))
    return Forbidden("alerts are raised by NISC, a ministry, a CEPTOAR secretariat or a security agency");
  auto input = INFRASHARE_TRY(ParseRaise(body, *caller.registry, caller.organization->id));
  Alert alert{.id = NewId("alt"),
              .space = caller.space,
              .kind = input.kind,
              .level = input.level,
              .title = std::move(input.title),
              .message = std::move(input.message),
              .raised_by_org = caller.organization->id,
              .raised_by_principal = caller.principal->id,
              .ack_minutes = input.ack_minutes,
              .created_at = clock_.Now()};
  const Timestamp deadline = alert.created_at + std::chrono::minutes(alert.ack_minutes);
  alert.recipients.reserve(input.recipients.size());
  for (const Organization* org : input.recipients)
    alert.recipients.push_back(AlertRecipient{
        .organization = org->id,
        .contacts = HotlineContacts(*org, /*backup=*/false),
        .deadline = deadline,
        .queued_at = alert.created_at,
        .channels = {ChannelDelivery{.channel = "inbox", .at = alert.created_at}}});

  if (input.report_id) alert.report_id = *input.report_id;
  INFRASHARE_TRY(store_.Write([&](WriteTx& tx) -> Result<void> {
    if (input.report_id && !LoadVisibleReport(tx, caller, *input.report_id))
      return InvalidArgument("report_id", "names no report this organization may see");
    return RecordAlertRaised(tx, ChangeActor::Of(caller), alert);
  }));
  return alert;
}

Result<AlertRead> AlertService::Get(const Caller& caller, const std::string& id) {
  INFRASHARE_TRY(caller.RequireAuthenticated());
  auto read = INFRASHARE_TRY(store_.Read([&](ReadTx& tx) -> Result<AlertRead> {
    auto alert = INFRASHARE_TRY(tx.GetAlert(caller.space, id));
    if (!alert) return NotFound("alert not found");
    const AlertView view = AlertVisibility(caller.organization, *alert);
    if (view == AlertView::kNone) return NotFound("alert not found");
    auto show_report = INFRASHARE_TRY(ReportVisibleTo(tx, *alert, caller.organization, *caller.registry));
    return AlertRead{
        .alert = PresentAlert(std::move(*alert), view, *caller.organization, *caller.registry, show_report),
        .every_recipient = view == AlertView::kFull};
  }));
  std::vector<AlertRecipient>& recipients = read.alert.recipients;

  // A recipient's first read is its inbox delivery.
  auto own = std::ranges::find(recipients, caller.organization->id, &AlertRecipient::organization);
  if (own != recipients.end()) {
    auto inbox = std::ranges::find(own->channels, "inbox", &ChannelDelivery::channel);
    if (inbox != own->channels.end() && inbox->state == DeliveryState::kQueued) {
      INFRASHARE_TRY(RecordChannels({ChannelUpdate{
          .alert_id = id,
          .space = caller.space,
          .organization = own->organization,
          .delivery = {.channel = "inbox", .state = DeliveryState::kDelivered, .at = clock_.Now()}}}));
      auto row = INFRASHARE_TRY(
          store_.Read([&](ReadTx& tx) { return tx.GetAlertRecipient(id, own->organization); }));
      if (row) *own = std::move(*row);
    }
  }
  return read;
}

Result<AlertPage> AlertService::List(const Caller& caller,
                                     const std::vector<std::pair<std::string, std::string>>& query) {
  INFRASHARE_TRY(caller.RequireAuthenticated());
  AlertQuery q;
  for (const auto& [name, value] : query) {
    if (name == "cursor") {
      auto seq = ParseInteger(value, name, 1, INT64_MAX);
      if (!seq) return InvalidArgument(name, "is not a cursor this server issued");
      q.before_seq = *seq;
    } else if (name == "limit") {
      auto limit = INFRASHARE_TRY(ParseInteger(value, name, 1, kMaxPage));
      q.limit = int(limit);
    } else {
      return InvalidArgument(name, "is not a known query parameter (cursor, limit)");
    }
  }
  q.space = caller.space;
  if (caller.organization->kind != OrgKind::kCoordinationCenter) q.organization = caller.organization->id;
  const int wanted = q.limit;
  q.limit = wanted + 1;
  return store_.Read([&](ReadTx& tx) -> Result<AlertPage> {
    auto alerts = INFRASHARE_TRY(tx.ListAlerts(q));
    AlertPage page;
    for (auto& a : alerts) {
      if (int(page.items.size()) == wanted) {
        page.next_cursor = std::to_string(page.items.back().alert.seq);
        break;
      }
      const AlertView view = AlertVisibility(caller.organization, a);
      if (view == AlertView::kNone) continue;  // cannot happen with q.organization; kept as the rule
      auto show_report = INFRASHARE_TRY(ReportVisibleTo(tx, a, caller.organization, *caller.registry));
      page.items.push_back(AlertRead{
          .alert = PresentAlert(std::move(a), view, *caller.organization, *caller.registry, show_report),
          .every_recipient = view == AlertView::kFull});
    }
    return page;
  });
}

Result<AlertRecipient> AlertService::Acknowledge(const Caller& caller, const std::string& id, const Json& body) {
  INFRASHARE_TRY(caller.RequireAuthenticated());
  auto note = INFRASHARE_TRY(ParseAcknowledgement(body));

  const std::string& org = caller.organization->id;
  const Timestamp now = clock_.Now();
  return store_.Write([&](WriteTx& tx) -> Result<AlertRecipient> {
    auto head = INFRASHARE_TRY(tx.GetAlertHead(caller.space, id));
    if (!head) return NotFound("alert not found");
    auto row = INFRASHARE_TRY(tx.GetAlertRecipient(id, org));
    if (!row) {
      // Not a recipient: those who may see the alert learn why; others learn nothing.
      if (AlertVisibility(caller.organization, *head) == AlertView::kNone) return NotFound("alert not found");
      return Forbidden("your organization is not a recipient of this alert");
    }
    AlertRecipient& rec = *row;
    if (rec.state == DeliveryState::kAcknowledged)
      return Conflict(fmt::format("this alert was already acknowledged for {} by {} at {}", org,
                                  rec.acknowledged_by, FormatRfc3339(*rec.acknowledged_at)));
    const bool late = rec.state == DeliveryState::kEscalated;
    rec.state = DeliveryState::kAcknowledged;
    rec.acknowledged_at = now;
    rec.acknowledged_by = caller.principal->id;
    rec.deadline.reset();
    Json detail{{"late", late}};
    if (note) detail["note"] = *note;
    INFRASHARE_TRY(RecordRecipientChange(tx, ChangeActor::Of(caller), *head, rec, "alert.acknowledge",
                                         "alert.acknowledged", std::move(detail)));
    return rec;
  });
}

Result<int> AlertService::EscalateDue(int limit) {
  auto registry = registry_.Snapshot();
  return store_.Write([&](WriteTx& tx) -> Result<int> {
    int handled = 0;
    const Timestamp now = clock_.Now();
    auto due = INFRASHARE_TRY(tx.ListDueRecipients(now, limit));
    for (auto& [alert_id, space, row] : due) {
      auto head = INFRASHARE_TRY(tx.GetAlertHead(space, alert_id));
      if (!head) continue;
      const Alert& alert = *head;
      auto on_alert = [&](std::string_view org) {
        auto r = tx.GetAlertRecipient(alert_id, std::string(org));
        return !r || r->has_value();  // an error counts as "on it": never alert twice
      };
      const EscalationStep step = NextEscalation(row, on_alert, *registry);
      const Timestamp next_deadline = now + std::chrono::minutes(alert.ack_minutes);
      const ChangeActor system;
      switch (step.kind) {
        case EscalationStep::Kind::kBackupContacts: {
          row.step = 1;
          row.contacts.insert(row.contacts.end(), step.contacts.begin(), step.contacts.end());
          row.deadline = next_deadline;
          INFRASHARE_TRY(RecordRecipientChange(tx, system, alert, row, "alert.escalate", "alert.escalated",
                                               {{"to", "backup_contacts"}}));
          break;
        }
        case EscalationStep::Kind::kNextOrganization: {
          row.state = DeliveryState::kEscalated;
          row.escalated_at = now;
          row.deadline.reset();
          INFRASHARE_TRY(RecordRecipientChange(tx, system, alert, row, "alert.escalate", "alert.escalated",
                                               {{"to", step.organization}}));
          AlertRecipient added{.organization = step.organization,
                               .reason = step.reason,
                               .escalated_from = row.organization,
                               .contacts = step.contacts,
                               .deadline = next_deadline,
                               .queued_at = now,
                               .channels = {ChannelDelivery{.channel = "inbox", .at = now}}};
          INFRASHARE_TRY(RecordRecipientChange(tx, system, alert, added, "alert.add_recipient",
                                               "alert.recipient_added",
                                               {{"reason", NameOf(kRecipientReasonNames, step.reason)},
                                                {"escalated_from", row.organization}}));
          break;
        }
        case EscalationStep::Kind::kExhausted: {
          row.deadline.reset();
          INFRASHARE_TRY(RecordRecipientChange(tx, system, alert, row, "alert.escalation_exhausted",
                                               "alert.escalated", {{"to", nullptr}}));
          break;
        }
      }
      ++handled;
    }
    return handled;
  });
}

Result<void> AlertService::RecordChannels(const std::vector<ChannelUpdate>& updates) {
  if (updates.empty()) return {};
  return store_.Write([&](WriteTx& tx) -> Result<void> {
    for (const auto& u : updates) {
      auto row = INFRASHARE_TRY(tx.GetAlertRecipient(u.alert_id, u.organization));
      if (!row) continue;
      AlertRecipient rec = *row;
      auto existing = std::ranges::find(rec.channels, u.delivery.channel, &ChannelDelivery::channel);
      if (existing != rec.channels.end() && existing->state == DeliveryState::kDelivered) continue;
      const DeliveryState before = rec.state;
      SetChannel(rec, u.delivery);
      if (Settled(before) && rec.state != before) rec.state = before;
      // Not announced: channel news is read with GET /alerts/{id}; an event
      // per delivery would multiply the fan-out it reports on.
      if (auto c = RecordChannelNews(tx, u.space, u.alert_id, rec, u.delivery); !c) return c;
    }
    return {};
  });
}

}  // namespace infrashare
