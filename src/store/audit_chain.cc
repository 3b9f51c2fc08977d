#include "store/audit_chain.h"

#include "common/crypto.h"

namespace infrashare {

std::string AuditHash(const AuditEvent& e) {
  // nlohmann::json orders object keys, so the dump is canonical.
  Json body{{"at", ToMicros(e.at)}, {"actor_principal", e.actor_principal}, {"actor_org", e.actor_org},
            {"action", e.action},   {"target_kind", e.target_kind},         {"target_id", e.target_id},
            {"detail", e.detail}};
  // Live events hash as they did before events had a space: old chains verify.
  if (!e.space.is_live()) body["space"] = e.space.id();
  return Sha256Hex(e.prev_hash + "\n" + body.dump());
}

void LinkAudit(AuditEvent& event, std::string prev_hash) {
  event.prev_hash = std::move(prev_hash);
  event.hash = AuditHash(event);
}

}  // namespace infrashare
