// The stored forms of the hotline's records (domain/alert), shared by both
// backends so that a row means the same in SQLite and PostgreSQL and moves
// between them unchanged (store/dump.h).
//
//   alerts.doc              AlertHeadToJson (the recipients are rows
//                           of alert_recipients); seq is the row's column
//   alert_recipients.doc    RecipientToJson; `deadline` repeats the
//                           recipient's deadline (µs, NULL when unset) for
//                           ListDueRecipients; `ord` is the insertion order
//   webhooks.doc            WebhookToJson with the secret
//   webhook_deliveries.doc  WebhookDeliveryToJson without "id" (the row's
//                           column); `state` and `next_attempt_at` repeat the
//                           delivery's for ListDueWebhookDeliveries
//
// Documents that fail to decode answer kInternal naming the record
// (sqlite::DecodeStored); they never crash the process.
//
// Thread behaviour: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/json.h"
#include "domain/alert/alert.h"
#include "domain/alert/webhook.h"
#include "store/store.h"

namespace infrashare::stored {

// Document text for each table (see above).
std::string AlertDocument(const Alert& alert);
std::string RecipientDocument(const AlertRecipient& recipient);
std::string WebhookDocument(const Webhook& webhook);
std::string DeliveryDocument(const WebhookDelivery& delivery);

// The deadline column of a recipient row.
std::optional<int64_t> DeadlineMicros(const AlertRecipient& recipient);
// The state column of a delivery row.
std::string_view DeliveryStateName(const WebhookDelivery& delivery);

// Records from their stored documents; kInternal naming the record if a
// document is unreadable.
Result<Alert> AlertFromStored(int64_t seq, std::string_view doc);
Result<AlertRecipient> RecipientFromStored(std::string_view alert_id, std::string_view doc);
// A row for ListAlertRecipientTexts: `state` is the document's state as the
// database read it from `doc`. Checks what passing the text on relies on — a
// known state, one line of JSON object text — not the whole document.
Result<RecipientRowText> RecipientTextFromStored(std::string_view alert_id, std::string_view organization,
                                                 std::string_view state, std::string_view doc);
Result<Webhook> WebhookFromStored(std::string_view id, std::string_view doc);
Result<WebhookDelivery> DeliveryFromStored(int64_t id, std::string_view doc);

// `stored` with the state fields of `update` (state, attempts,
// next_attempt_at, last_attempt_at, delivered_at, last_status, last_error):
// what UpdateWebhookDelivery writes. The rest is never changed.
WebhookDelivery WithStateOf(WebhookDelivery stored, const WebhookDelivery& update);

// Argument checks both backends make the same way. kInvalidArgument naming
// the field: a page limit outside 1..kMaxListLimit, a negative cursor.
// (An alert's recipients are checked by domain/alert CheckRecipientsDistinct.)
Result<void> CheckLimit(int limit);
Result<void> CheckAlertQuery(const AlertQuery& query);

// The exclusive upper bound of a newest-first page: the cursor, or "all".
int64_t CursorBound(const std::optional<int64_t>& before);

}  // namespace infrashare::stored
