// The audit chain's links: every audit event carries the hash of the event
// before it (prev_hash) and its own hash, a SHA-256 over prev_hash and the
// event's canonical JSON, so that removing or altering any event breaks
// every link after it. The store links each event as it appends it
// (WriteTx::AppendAudit); service/audit verifies a chain with the same hash.
//
// Thread behaviour: pure functions, safe from any thread.
#pragma once

#include <string>

#include "store/store.h"

namespace infrashare {

// The hash of an event: over prev_hash and every field but seq and hash.
std::string AuditHash(const AuditEvent& event);

// Links `event` after the event whose hash is `prev_hash` ("" for the
// first): sets its prev_hash and hash.
void LinkAudit(AuditEvent& event, std::string prev_hash);

}  // namespace infrashare
