// The steps every alert change takes inside its store transaction (raise by
// hand or from a response plan, acknowledge, escalate, channel delivery):
// the row, then the audit and outbox events in the alert's space
// (change_record.h), all or nothing with the transaction. The actor is a
// principal, or the system (ChangeActor{}) for response plans, escalations and
// deliveries. Each only stores what its caller computed.
//
// Audit details and generated alert texts never name a report's submitter:
// other organizations read both.
//
// Thread behaviour: call only inside Store::Write/Read, on that thread.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "common/json.h"
#include "domain/alert/alert.h"
#include "service/change_record.h"
#include "store/store.h"

namespace infrashare {

// Stores a new alert with its recipients; audit "alert.raise", outbox
// "alert.raised".
Result<void> RecordAlertRaised(WriteTx& tx, const ChangeActor& actor, const Alert& alert);

// Stores `row` (a recipient of `alert`, new or changed); audit `action`
// ("alert.acknowledge", "alert.escalate", ...) with `detail` and the
// recipient's organization, outbox `event_type` with the organization as its
// subject. `event_type` empty: no outbox event (bookkeeping no channel needs).
Result<void> RecordRecipientChange(WriteTx& tx, const ChangeActor& actor, const Alert& alert,
                                   const AlertRecipient& row, std::string_view action,
                                   std::string_view event_type, Json detail = Json::object());

// Stores what a channel reported about `row` (already updated by the
// caller). A delivery is bookkeeping kept on the row — no audit or outbox
// event, or an alert to thousands would write thousands of each; a channel
// that gave up (`delivery.state` kFailed) is audited ("alert.delivery_failed").
Result<void> RecordChannelNews(WriteTx& tx, const Space& space, const std::string& alert_id,
                               const AlertRecipient& row, const ChannelDelivery& delivery);

}  // namespace infrashare
