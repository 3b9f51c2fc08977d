#include "store/stored_alerts.h"

#include <fmt/format.h>

#include <limits>

#include "domain/alert/alert_json.h"
#include "store/store_limits.h"
#include "store/stored_document.h"

namespace infrashare::stored {

std::string AlertDocument(const Alert& alert) { return DumpDocument(AlertHeadToJson(alert)); }

std::string RecipientDocument(const AlertRecipient& recipient) { return RecipientJsonText(recipient); }

std::string WebhookDocument(const Webhook& webhook) {
  return DumpDocument(WebhookToJson(webhook, /*with_secret=*/true));
}

std::string DeliveryDocument(const WebhookDelivery& delivery) {
  Json doc = WebhookDeliveryToJson(delivery);
  doc.erase("id");
  return DumpDocument(doc);
}

std::optional<int64_t> DeadlineMicros(const AlertRecipient& recipient) {
  if (!recipient.deadline) return std::nullopt;
  return ToMicros(*recipient.deadline);
}

std::string_view DeliveryStateName(const WebhookDelivery& delivery) {
  return NameOf(kWebhookDeliveryStateNames, delivery.state);
}

Result<Alert> AlertFromStored(int64_t seq, std::string_view doc) {
  auto alert = DecodeStored<Alert>(doc, fmt::format("stored alert #{}", seq), AlertFromJson);
  if (alert) alert->seq = seq;
  return alert;
}

Result<AlertRecipient> RecipientFromStored(std::string_view alert_id, std::string_view doc) {
  return DecodeStored<AlertRecipient>(doc, fmt::format("stored recipient of alert '{}'", alert_id),
                                      RecipientFromJson);
}

Result<RecipientRowText> RecipientTextFromStored(std::string_view alert_id, std::string_view organization,
                                                 std::string_view state, std::string_view doc) {
  auto parsed = ParseName(kDeliveryStateNames, state);
  const bool one_object = doc.size() >= 2 && doc.front() == '{' && doc.back() == '}' &&
                          doc.find('\n') == std::string_view::npos &&
                          doc.find('\r') == std::string_view::npos;
  if (!parsed || !one_object)
    return Internal(fmt::format("stored recipient '{}' of alert '{}' is unreadable", organization, alert_id));
  return RecipientRowText{
      .organization = std::string(organization), .state = *parsed, .json = std::string(doc)};
}

Result<Webhook> WebhookFromStored(std::string_view id, std::string_view doc) {
  return DecodeStored<Webhook>(doc, fmt::format("stored webhook '{}'", id), WebhookFromJson);
}

Result<WebhookDelivery> DeliveryFromStored(int64_t id, std::string_view doc) {
  auto delivery = DecodeStored<WebhookDelivery>(doc, fmt::format("stored webhook delivery #{}", id),
                                                WebhookDeliveryFromJson);
  if (delivery) delivery->id = id;
  return delivery;
}

WebhookDelivery WithStateOf(WebhookDelivery stored, const WebhookDelivery& update) {
  stored.state = update.state;
  stored.attempts = update.attempts;
  stored.next_attempt_at = update.next_attempt_at;
  stored.last_attempt_at = update.last_attempt_at;
  stored.delivered_at = update.delivered_at;
  stored.last_status = update.last_status;
  stored.last_error = update.last_error;
  return stored;
}

Result<void> CheckLimit(int limit) {
  if (limit < 1 || limit > kMaxListLimit)
    return InvalidArgument("limit", fmt::format("must be between 1 and {}", kMaxListLimit));
  return {};
}

Result<void> CheckAlertQuery(const AlertQuery& query) {
  if (query.before_seq && *query.before_seq < 0) return InvalidArgument("before", "must not be negative");
  return CheckLimit(query.limit);
}

int64_t CursorBound(const std::optional<int64_t>& before) {
  return before.value_or(std::numeric_limits<int64_t>::max());
}

}  // namespace infrashare::stored
