// The JSON form of the hotline's records (alert.h, webhook.h): the one
// representation used by the store (documents) and the API (bodies).
//
// Times are RFC 3339 strings; optional times are null when unset; enums are
// their names (kAlertKindNames, kDeliveryStateNames, …). Store-assigned
// numbers are written where the record has them (an alert's seq is not: it
// is the store's list cursor, kept beside the document), and read back as
// optional: a WebhookDelivery's "id" may be absent (0).
//
// *FromJson read what *ToJson wrote and reject anything else: a missing or
// mistyped member, an unknown member or an unknown name answers
// kInvalidArgument naming the field ("recipients[1].channels[0].state").
// They check shape, not the service's rules (who may raise what).
//
// Thread behaviour: pure functions.
#pragma once

#include "common/error.h"
#include "common/json.h"
#include "domain/alert/alert.h"
#include "domain/alert/webhook.h"

namespace infrashare {

Json ChannelDeliveryToJson(const ChannelDelivery& delivery);
Result<ChannelDelivery> ChannelDeliveryFromJson(const Json& json);

Json RecipientToJson(const AlertRecipient& recipient);
// RecipientToJson(recipient).dump() (invalid UTF-8 replaced), written
// without building the Json: an alert to everyone stores and sends
// thousands of rows. alert_json_test holds the two texts equal.
std::string RecipientJsonText(const AlertRecipient& recipient);
Result<AlertRecipient> RecipientFromJson(const Json& json);

// With "recipients": every recipient in order. AlertFromJson takes an absent
// "recipients" as none.
Json AlertToJson(const Alert& alert);
// The alert without "recipients" (what reads the same for every recipient;
// an alert to everyone has thousands of rows).
Json AlertHeadToJson(const Alert& alert);
Result<Alert> AlertFromJson(const Json& json);
// An organization is on an alert once: kInvalidArgument naming
// "recipients[i].organization" of the first repeat. AlertFromJson checks it;
// the store checks it again for every alert inserted.
Result<void> CheckRecipientsDistinct(const Alert& alert);

// The secret only when `with_secret` (the store's document, the answer to
// registering) and there is one (a webhook imported from a dump without
// secrets has none); WebhookFromJson takes an absent secret as "".
Json WebhookToJson(const Webhook& webhook, bool with_secret);
Result<Webhook> WebhookFromJson(const Json& json);

Json WebhookDeliveryToJson(const WebhookDelivery& delivery);
Result<WebhookDelivery> WebhookDeliveryFromJson(const Json& json);

}  // namespace infrashare
