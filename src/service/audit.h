// Verifying the audit trail: every change is an event in a SHA-256 hash
// chain that the store links as it appends (store/audit_chain.h:
// WriteTx::AppendAudit), so that removing or altering any event breaks every
// link after it.
//
// Thread behaviour: VerifyAuditChain reads pages through the store and may
// run beside a serving process.
#pragma once

#include <optional>
#include <string>

#include "common/error.h"
#include "store/store.h"

namespace infrashare {

struct ChainCheck {
  int64_t events = 0;                   // events checked
  std::optional<int64_t> first_broken;  // seq of the first event whose link is broken
  std::string reason;                   // why it is broken
};

Result<ChainCheck> VerifyAuditChain(Store& store);

}  // namespace infrashare
