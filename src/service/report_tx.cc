#include "service/report_tx.h"

#include "service/alert_tx.h"
#include "service/response_alert.h"

namespace infrashare {

namespace {

// How often ChangeReport prepares a change again when others came first.
constexpr int kChangeAttempts = 5;

}  // namespace

Result<std::pair<Report, View>> LoadVisibleReport(ReadTx& tx, const Caller& caller, const std::string& id) {
  auto found = INFRASHARE_TRY(tx.GetReport(caller.space, id));
  if (!found) return NotFound("report not found");
  const View view = Visibility(caller.organization, *found, *caller.registry);
  if (view == View::kNone) return NotFound("report not found");
  return std::pair{std::move(*found), view};
}

PreparedReportChange PrepareReportChange(const Report* previous, Report head, ReportChange change,
                                         const Registry& registry) {
  // The level alerted on so far: none until released.
  const int previous_level = previous != nullptr && previous->released ? LevelInForce(*previous) : -1;
  std::optional<Alert> alert = ResponseAlert(head, previous_level, registry);
  const int based_on = previous != nullptr ? previous->revision : 0;
  return PreparedReportChange{.head = std::move(head),
                              .based_on_revision = based_on,
                              .change = std::move(change),
                              .response_alert = std::move(alert)};
}

Result<bool> RecordReportChange(WriteTx& tx, const Caller& caller, const PreparedReportChange& prepared) {
  const Report& head = prepared.head;
  const ReportChange& change = prepared.change;
  const auto grants = GrantKeys(head);
  if (prepared.based_on_revision == 0) {
    INFRASHARE_TRY(tx.InsertReport(head, grants));
  } else {
    auto stored = INFRASHARE_TRY(tx.GetReport(head.space, head.id));
    if (!stored || stored->revision != prepared.based_on_revision) return false;
    INFRASHARE_TRY(tx.UpdateReport(head, grants));
  }
  Revision rev{.report_id = head.id,
               .number = head.revision,
               .content = head.content,
               .assessment = head.assessment,
               .author_principal = caller.principal->id,
               .author_org = caller.principal->organization,
               .note = change.note,
               .at = head.updated_at};
  INFRASHARE_TRY(tx.InsertRevision(rev));
  Json detail{{"revision", head.revision},
              {"route", NameOf(kRouteNames, head.route)},
              {"anonymized", head.anonymized}};
  detail.update(change.audit_detail);
  INFRASHARE_TRY(RecordChange(tx, head.space,
                              ChangeRecord{.at = head.updated_at,
                                           .actor = ChangeActor::Of(caller),
                                           .action = change.action,
                                           .target_kind = "report",
                                           .target_id = head.id,
                                           .detail = std::move(detail),
                                           .event_type = change.event_type}));
  if (prepared.response_alert) INFRASHARE_TRY(RecordAlertRaised(tx, ChangeActor{}, *prepared.response_alert));
  return true;
}

Result<Report> ChangeReport(Store& store, const Caller& caller, const std::string& id, const ReportEdit& edit) {
  for (int attempt = 0; attempt < kChangeAttempts; ++attempt) {
    auto prepared = INFRASHARE_TRY(store.Read([&](ReadTx& tx) -> Result<PreparedReportChange> {
      auto loaded = INFRASHARE_TRY(LoadVisibleReport(tx, caller, id));
      Report head = loaded.first;
      auto change = INFRASHARE_TRY(edit(head, loaded.second));
      head.revision = loaded.first.revision + 1;
      return PrepareReportChange(&loaded.first, std::move(head), std::move(change), *caller.registry);
    }));
    auto stored =
        INFRASHARE_TRY(store.Write([&](WriteTx& tx) { return RecordReportChange(tx, caller, prepared); }));
    if (stored) return std::move(prepared.head);
  }
  return Conflict("the report kept changing while this change was made; try again");
}

}  // namespace infrashare
