#include "service/audit.h"

#include <fmt/format.h>

#include "store/audit_chain.h"

namespace infrashare {

Result<ChainCheck> VerifyAuditChain(Store& store) {
  constexpr int kPage = 1000;
  ChainCheck check;
  std::string prev;
  int64_t after = 0;
  for (;;) {
    auto page = INFRASHARE_TRY(store.Read([&](ReadTx& tx) { return tx.ListAudit(after, kPage); }));
    for (const auto& e : page) {
      ++check.events;
      if (e.prev_hash != prev) {
        check.first_broken = e.seq;
        check.reason = fmt::format(
            "event {} does not link to the event before it (an event was removed or "
            "altered before it)",
            e.seq);
        return check;
      }
      if (AuditHash(e) != e.hash) {
        check.first_broken = e.seq;
        check.reason = fmt::format("event {} does not match its hash (its content was altered)", e.seq);
        return check;
      }
      prev = e.hash;
      after = e.seq;
    }
    if (page.size() < size_t(kPage)) return check;
  }
}

}  // namespace infrashare
