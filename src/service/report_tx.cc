#include "service/report_tx.h"

#include "service/alert_tx.h"

namespace infrashare {

Result<std::pair<Report, View>> LoadVisibleReport(ReadTx& tx, const Caller& caller, const std::string& id) {
  auto found = tx.GetReport(Space::Live(), id);
  if (!found) return std::unexpected(found.error());
  if (!*found) return NotFound("report not found");
  const View view = Visibility(caller.organization, **found, *caller.registry);
  if (view == View::kNone) return NotFound("report not found");
  return std::pair{std::move(**found), view};
}

Result<void> RecordReportChange(WriteTx& tx, const Caller& caller, const Report& head,
                                const ReportChange& change) {
  const auto grants = GrantKeys(head);
  int previous_level = -1;  // the level alerted on so far: none until released
  if (change.insert) {
    auto seq = tx.InsertReport(head, grants);
    if (!seq) return std::unexpected(seq.error());
  } else {
    auto previous = tx.GetReport(head.space, head.id);
    if (!previous) return std::unexpected(previous.error());
    if (*previous && (*previous)->released) previous_level = LevelInForce(**previous);
    if (auto u = tx.UpdateReport(head, grants); !u) return u;
  }
  Revision rev{.report_id = head.id,
               .number = head.revision,
               .content = head.content,
               .assessment = head.assessment,
               .author_principal = caller.principal->id,
               .author_org = caller.principal->organization,
               .note = change.note,
               .at = head.updated_at};
  if (auto r = tx.InsertRevision(rev); !r) return r;
  Json detail{{"revision", head.revision},
              {"route", NameOf(kRouteNames, head.route)},
              {"anonymized", head.anonymized}};
  detail.update(change.audit_detail);
  if (auto a = tx.AppendAudit(AuditEvent{.at = head.updated_at,
                                         .actor_principal = caller.principal->id,
                                         .actor_org = caller.principal->organization,
                                         .action = change.action,
                                         .target_kind = "report",
                                         .target_id = head.id,
                                         .detail = std::move(detail)});
      !a)
    return a;
  auto e = tx.AppendOutbox(OutboxEvent{
      .at = head.updated_at, .space = head.space, .type = change.event_type, .record_id = head.id});
  if (!e) return std::unexpected(e.error());
  return RaiseResponseAlert(tx, head, previous_level, *caller.registry);
}

}  // namespace infrashare
