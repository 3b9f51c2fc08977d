#include "service/audit_service.h"

#include <fmt/format.h>

#include "domain/sharing/visibility.h"

namespace infrashare {

Result<std::vector<AuditEvent>> AuditService::List(const Caller& caller, int64_t after_seq, int limit) {
  if (auto r = caller.Require(Role::kAdmin); !r) return std::unexpected(r.error());
  if (limit < 1 || limit > kMaxPage)
    return InvalidArgument("limit", fmt::format("must be an integer from 1 to {}", kMaxPage));
  const Space& space = caller.space;
  return store_.Read([&](ReadTx& tx) -> Result<std::vector<AuditEvent>> {
    auto events = tx.ListAudit(after_seq, limit);
    if (!events) return std::unexpected(events.error());
    std::vector<AuditEvent> out;
    for (auto& e : *events) {
      if (e.target_kind == "report") {
        auto report = tx.GetReport(space, e.target_id);
        if (!report) return std::unexpected(report.error());
        if (!*report) continue;
        const View view = Visibility(caller.organization, **report, *caller.registry);
        if (view == View::kNone) continue;
        if (view == View::kSourceHidden && e.actor_org == (*report)->submitter_org) {
          e.actor_org.clear();
          e.actor_principal.clear();
        }
      }
      if (e.target_kind == "alert") {
        auto head = tx.GetAlertHead(space, e.target_id);
        if (!head) return std::unexpected(head.error());
        if (!*head) continue;
        const std::string& own = caller.organization->id;
        auto row = tx.GetAlertRecipient(e.target_id, own);
        if (!row) return std::unexpected(row.error());
        if (*row) (*head)->recipients.push_back(std::move(**row));
        const AlertView view = AlertVisibility(caller.organization, **head);
        if (view == AlertView::kNone) continue;
        // A recipient sees the alert being raised and what concerns its own row.
        if (view == AlertView::kOwnRow && e.action != "alert.raise" && e.detail.value("organization", "") != own)
          continue;
      }
      if (e.target_kind == "webhook") {
        if (caller.organization->kind != OrgKind::kCoordinationCenter &&
            e.detail.value("organization", "") != caller.organization->id)
          continue;
        auto hook = tx.GetWebhook(e.target_id);
        if (!hook) return std::unexpected(hook.error());
        if (!*hook || (*hook)->space != space) continue;
      }
      out.push_back(std::move(e));
    }
    return out;
  });
}

}  // namespace infrashare
