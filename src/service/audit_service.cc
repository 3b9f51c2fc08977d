#include "service/audit_service.h"

#include <fmt/format.h>

#include "domain/sharing/visibility.h"

namespace infrashare {

Result<std::vector<AuditEvent>> AuditService::List(const Caller& caller, int64_t after_seq, int limit) {
  if (auto r = caller.Require(Role::kAdmin); !r) return std::unexpected(r.error());
  if (limit < 1 || limit > kMaxPage)
    return InvalidArgument("limit", fmt::format("must be an integer from 1 to {}", kMaxPage));
  std::vector<AuditEvent> out;
  auto r = store_.Read([&](ReadTx& tx) -> Result<void> {
    auto events = tx.ListAudit(after_seq, limit);
    if (!events) return std::unexpected(events.error());
    for (auto& e : *events) {
      if (e.target_kind == "report") {
        auto report = tx.GetReport("live", e.target_id);
        if (!report) return std::unexpected(report.error());
        if (!*report) continue;
        const View view = Visibility(caller.organization, **report, *caller.registry);
        if (view == View::kNone) continue;
        if (view == View::kSourceHidden && e.actor_org == (*report)->submitter_org) {
          e.actor_org.clear();
          e.actor_principal.clear();
        }
      }
      out.push_back(std::move(e));
    }
    return {};
  });
  if (!r) return std::unexpected(r.error());
  return out;
}

}  // namespace infrashare
