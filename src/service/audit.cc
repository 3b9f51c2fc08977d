#include "service/audit.h"

#include <fmt/format.h>

#include "common/crypto.h"

namespace infrashare {

std::string AuditHash(const AuditEvent& e) {
  // nlohmann::json orders object keys, so the dump is canonical.
  const Json body{{"at", ToMicros(e.at)},         {"actor_principal", e.actor_principal},
                  {"actor_org", e.actor_org},     {"action", e.action},
                  {"target_kind", e.target_kind}, {"target_id", e.target_id},
                  {"detail", e.detail}};
  return Sha256Hex(e.prev_hash + "\n" + body.dump());
}

Result<void> AppendAudit(WriteTx& tx, AuditEvent event) {
  auto prev = tx.LastAuditHash();
  if (!prev) return std::unexpected(prev.error());
  event.prev_hash = *prev;
  event.hash = AuditHash(event);
  auto seq = tx.AppendAudit(event);
  if (!seq) return std::unexpected(seq.error());
  return {};
}

Result<ChainCheck> VerifyAuditChain(Store& store) {
  constexpr int kPage = 1000;
  ChainCheck check;
  std::string prev;
  int64_t after = 0;
  for (;;) {
    std::vector<AuditEvent> page;
    auto r = store.Read([&](ReadTx& tx) -> Result<void> {
      auto events = tx.ListAudit(after, kPage);
      if (!events) return std::unexpected(events.error());
      page = std::move(*events);
      return {};
    });
    if (!r) return std::unexpected(r.error());
    for (const auto& e : page) {
      ++check.events;
      if (e.prev_hash != prev) {
        check.first_broken = e.seq;
        check.reason = fmt::format("event {} does not link to the event before it (an event was removed or "
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
