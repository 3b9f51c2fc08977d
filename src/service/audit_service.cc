#include "service/audit_service.h"

#include <fmt/format.h>

#include "common/parse.h"
#include "domain/sharing/visibility.h"

namespace infrashare {

Result<std::vector<AuditEvent>> AuditService::List(const Caller& caller,
                                                   const std::optional<std::string>& after,
                                                   const std::optional<std::string>& limit) {
  INFRASHARE_TRY(caller.Require(Role::kAdmin));
  auto after_seq = INFRASHARE_TRY(ParseInteger(after.value_or("0"), "after", 0, INT64_MAX));
  auto count =
      INFRASHARE_TRY(ParseInteger(limit.value_or(std::to_string(kDefaultPage)), "limit", 1, kMaxPage));
  return List(caller, after_seq, int(count));
}

Result<std::vector<AuditEvent>> AuditService::List(const Caller& caller, int64_t after_seq, int limit) {
  INFRASHARE_TRY(caller.Require(Role::kAdmin));
  if (limit < 1 || limit > kMaxPage)
    return InvalidArgument("limit", fmt::format("must be an integer from 1 to {}", kMaxPage));
  const Space& space = caller.space;
  return store_.Read([&](ReadTx& tx) -> Result<std::vector<AuditEvent>> {
    auto events = INFRASHARE_TRY(tx.ListAudit(after_seq, limit));
    std::vector<AuditEvent> out;
    for (auto& e : events) {
      if (e.target_kind == "report") {
        auto report = INFRASHARE_TRY(tx.GetReport(space, e.target_id));
        if (!report) continue;
        const View view = Visibility(caller.organization, *report, *caller.registry);
        if (view == View::kNone) continue;
        if (view == View::kSourceHidden && e.actor_org == report->submitter_org) {
          e.actor_org.clear();
          e.actor_principal.clear();
        }
      }
      if (e.target_kind == "alert") {
        auto head = INFRASHARE_TRY(tx.GetAlertHead(space, e.target_id));
        if (!head) continue;
        const std::string& own = caller.organization->id;
        auto row = INFRASHARE_TRY(tx.GetAlertRecipient(e.target_id, own));
        if (row) head->recipients.push_back(std::move(*row));
        const AlertView view = AlertVisibility(caller.organization, *head);
        if (view == AlertView::kNone) continue;
        // A recipient sees the alert being raised and what concerns its own row.
        if (view == AlertView::kOwnRow && e.action != "alert.raise" && e.detail.value("organization", "") != own)
          continue;
      }
      // Principals and tokens: an organization's admins see their own
      // organization's (sign-ins and failures included); NISC sees all.
      if ((e.target_kind == "principal" || e.target_kind == "token") &&
          caller.organization->kind != OrgKind::kCoordinationCenter &&
          e.actor_org != caller.organization->id &&
          e.detail.value("organization", "") != caller.organization->id)
        continue;
      if (e.target_kind == "webhook") {
        if (caller.organization->kind != OrgKind::kCoordinationCenter &&
            e.detail.value("organization", "") != caller.organization->id)
          continue;
        auto hook = INFRASHARE_TRY(tx.GetWebhook(e.target_id));
        if (!hook || hook->space != space) continue;
      }
      out.push_back(std::move(e));
    }
    return out;
  });
}

}  // namespace infrashare
