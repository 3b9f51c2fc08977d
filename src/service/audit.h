// The audit trail: every change is an event in a SHA-256 hash chain
// (hash = SHA-256 of the previous hash and the event's canonical JSON), so
// that removing or altering any event breaks every link after it.
//
// Thread behaviour: AppendAudit runs inside a store write transaction (the
// store serializes writers, so the chain has one order); VerifyAuditChain
// reads pages through the store and may run beside a serving process.
#pragma once

#include <optional>
#include <string>

#include "common/error.h"
#include "store/store.h"

namespace infrashare {

// The hash of an event: over prev_hash and every field but seq and hash.
std::string AuditHash(const AuditEvent& event);

// Links `event` to the last one and appends it.
Result<void> AppendAudit(WriteTx& tx, AuditEvent event);

struct ChainCheck {
  int64_t events = 0;                   // events checked
  std::optional<int64_t> first_broken;  // seq of the first event whose link is broken
  std::string reason;                   // why it is broken
};

Result<ChainCheck> VerifyAuditChain(Store& store);

}  // namespace infrashare
