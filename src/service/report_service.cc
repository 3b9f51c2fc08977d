#include "service/report_service.h"

#include <fmt/format.h>

#include "common/crypto.h"
#include "domain/report/report_json.h"
#include "domain/sharing/route.h"
#include "domain/sharing/source_identity.h"
#include "domain/sharing/visibility.h"
#include "service/report_input.h"
#include "service/report_tx.h"
#include "store/search_match.h"
#include "store/stored_document.h"

namespace infrashare {

Result<std::vector<std::string>> SourceTerms(ReadTx& tx, const Report& report, const Registry& registry) {
  std::vector<Principal> people = INFRASHARE_TRY(tx.ListPrincipals(report.submitter_org));
  // The submitter, should it have moved to another organization since.
  if (std::ranges::none_of(people, [&](const Principal& p) { return p.id == report.submitter_principal; }))
    if (auto p = INFRASHARE_TRY(tx.GetPrincipal(report.submitter_principal))) people.push_back(std::move(*p));
  return SourceIdentity(report.submitter_org, registry.FindOrganization(report.submitter_org), people);
}

namespace {

// One row of a page as the caller may see it (nullopt: not at all, or not
// matching the search `words` in the text this caller is shown). The rule
// is asked about the members it reads, parsed alone; a report seen in full
// is its stored document (the report's ToJson text) as it is; only a view
// that changes the report is decoded, presented and encoded again.
Result<std::optional<std::string>> PageItem(ReadTx& tx, const Caller& caller,
                                            std::span<const std::string> viewer_keys, ReportRowText& row,
                                            const std::optional<std::string>& words) {
  auto sharing = INFRASHARE_TRY(stored::ReportSharingFromStored(row.seq, row.doc));
  const View view = Visibility(caller.organization, viewer_keys, sharing);
  if (view == View::kNone)
    return std::nullopt;  // the store's key filter and the rule must agree; the rule wins
  if (view == View::kFull) return std::move(row.doc);
  auto report = INFRASHARE_TRY(stored::ReportFromStored(row.seq, row.doc));
  const auto terms = INFRASHARE_TRY(SourceTerms(tx, report, *caller.registry));
  Report shown = Present(std::move(report), view, terms);
  // The index holds the text as submitted: a search matches only what this
  // viewer is shown (a source's name must find nothing).
  if (words && !INFRASHARE_TRY(SearchMatches(*words, shown.content.title, shown.content.text)))
    return std::nullopt;
  return ToJson(shown).dump();
}

}  // namespace

ReportService::ReportService(Store& store, const Clock& clock, const AssessmentService* assessments)
    : store_(store), clock_(clock), assessments_(assessments) {}

Result<void> ReportService::Assess(Report& report, const Registry& registry) const {
  if (assessments_ == nullptr) return {};
  auto assessed = INFRASHARE_TRY(assessments_->AssessReport(report, registry));
  report.assessment = std::move(assessed);
  return {};
}

Result<void> ReportService::CheckContent(const ReportContent& c, const Registry& registry) const {
  for (size_t i = 0; i < c.sectors.size(); ++i)
    if (!registry.FindSector(c.sectors[i]))
      return InvalidArgument(IndexPath("sectors", i), fmt::format("unknown sector '{}'", c.sectors[i]));
  return ValidateAudience(c.audience, c.tlp, registry, "audience");
}

Result<Report> ReportService::NewReport(const Caller& caller, const Json& body) const {
  INFRASHARE_TRY(caller.Require(Role::kReporter));
  auto input = INFRASHARE_TRY(ParseSubmit(body));
  const Registry& registry = *caller.registry;
  INFRASHARE_TRY(CheckContent(input.content, registry));
  const Timestamp now = clock_.Now();
  auto route =
      INFRASHARE_TRY(RouteAtSubmit(input.route, input.content.kind, *caller.organization, registry, now));

  Report report;
  report.id = NewId("rpt");
  report.space = caller.space;
  report.content = std::move(input.content);
  report.route = input.route.route;
  report.anonymized = input.route.anonymized;
  report.submitter_org = caller.organization->id;
  report.submitter_principal = caller.principal->id;
  report.relay_org = route.relay_org;
  report.via_ceptoar = route.via_ceptoar;
  report.released = route.released;
  if (report.released) report.released_at = now;
  report.deliveries = std::move(route.deliveries);
  report.created_at = report.updated_at = now;
  INFRASHARE_TRY(Assess(report, registry));
  return report;
}

Result<Report> ReportService::Submit(const Caller& caller, const Json& body) {
  Report report = INFRASHARE_TRY(NewReport(caller, body));
  const PreparedReportChange prepared = PrepareReportChange(
      nullptr, std::move(report),
      {.note = "submitted", .action = "report.submit", .event_type = "report.created"}, *caller.registry);
  INFRASHARE_TRY(store_.Write([&](WriteTx& tx) { return RecordReportChange(tx, caller, prepared); }));
  return prepared.head;
}

Result<SubmissionPreview> ReportService::PreviewSubmission(const Caller& caller, const Json& body) const {
  SubmissionPreview preview{.report = INFRASHARE_TRY(NewReport(caller, body))};
  const Registry& registry = *caller.registry;
  // The report as it stands once released: relayed if its route has a relay.
  Report released = preview.report;
  if (!released.released) {
    preview.at_relay = DeliveriesAtRelay(released, registry, released.created_at);
    released.deliveries.insert(released.deliveries.end(), preview.at_relay.begin(), preview.at_relay.end());
    released.released = true;
  }
  for (const Organization& o : registry.data().organizations) {
    const bool on_trail =
        o.id == released.submitter_org ||
        std::ranges::any_of(released.deliveries, [&](const Delivery& d) { return d.organization == o.id; });
    if (!on_trail && Visibility(&o, released, registry) != View::kNone) preview.audience.push_back(&o);
  }
  // The source's terms only when there is a source to hide (they cost a read).
  std::vector<std::string> terms;
  if (OutsiderView(released) != View::kFull)
    terms =
        INFRASHARE_TRY(store_.Read([&](ReadTx& tx) { return SourceTerms(tx, preview.report, registry); }));
  preview.as_others_see = Present(released, OutsiderView(released), terms);
  return preview;
}

Result<Report> ReportService::Relay(const Caller& caller, const std::string& id, const Json& body) {
  INFRASHARE_TRY(caller.Require(Role::kRelay));
  auto input = INFRASHARE_TRY(ParseRelay(body));
  const Registry& registry = *caller.registry;
  return ChangeReport(store_, caller, id, [&](Report& report, View) -> Result<ReportChange> {
    const bool is_relay =
        std::any_of(report.deliveries.begin(), report.deliveries.end(), [&](const Delivery& d) {
          return d.role == DeliveryRole::kRelay && d.organization == caller.organization->id;
        });
    if (!is_relay)
      return Forbidden("only the CEPTOAR secretariat or agency this report was sent through can relay it");
    if (report.released) return Conflict("this report has already been relayed");
    if (input.anonymized) {
      if (!*input.anonymized && report.anonymized)
        return Conflict("the submitter asked for anonymity; a relay cannot lift it", "anonymized");
      report.anonymized = *input.anonymized;
    }
    if (input.audience) {
      if (report.content.tlp == Tlp::kRed)
        return InvalidArgument("audience", "TLP:RED is never relayed onward; its audience cannot be widened");
      INFRASHARE_TRY(ValidateAudience(*input.audience, report.content.tlp, registry, "audience"));
      report.content.audience = *input.audience;
    }
    const Timestamp now = clock_.Now();
    for (auto& d : DeliveriesAtRelay(report, registry, now)) report.deliveries.push_back(std::move(d));
    report.released = true;
    report.released_at = now;
    report.updated_at = now;
    return ReportChange{.note = input.note.empty() ? "relayed" : input.note,
                        .action = "report.relay",
                        .event_type = "report.relayed"};
  });
}

Result<Report> ReportService::Update(const Caller& caller, const std::string& id, const Json& body) {
  INFRASHARE_TRY(caller.Require(Role::kReporter));
  const Registry& registry = *caller.registry;
  return ChangeReport(store_, caller, id, [&](Report& report, View) -> Result<ReportChange> {
    if (report.submitter_org != caller.organization->id)
      return Forbidden("only the submitting organization can revise a report");
    auto update = INFRASHARE_TRY(ParseUpdate(body, report.content));
    INFRASHARE_TRY(CheckContent(update.first, registry));
    report.content = std::move(update.first);
    INFRASHARE_TRY(Assess(report, registry));
    report.updated_at = clock_.Now();
    return ReportChange{.note = update.second.empty() ? "revised" : update.second,
                        .action = "report.update",
                        .event_type = "report.updated"};
  });
}

Result<Report> ReportService::Get(const Caller& caller, const std::string& id) {
  INFRASHARE_TRY(caller.RequireAuthenticated());
  return store_.Read([&](ReadTx& tx) -> Result<Report> {
    auto loaded = INFRASHARE_TRY(LoadVisibleReport(tx, caller, id));
    const auto terms = INFRASHARE_TRY(SourceTerms(tx, loaded.first, *caller.registry));
    return Present(std::move(loaded.first), loaded.second, terms);
  });
}

View OutsiderView(const Report& report) { return report.anonymized ? View::kSourceHidden : View::kFull; }

Result<Report> ReportService::AsOthersSee(const Caller& caller, const std::string& id,
                                          const std::vector<std::pair<std::string, std::string>>& query) {
  INFRASHARE_TRY(caller.RequireAuthenticated());
  bool as_anonymized = false;
  for (const auto& [name, value] : query) {
    if (name != "anonymized") return InvalidArgument(name, "is not a known query parameter (anonymized)");
    if (value != "true" && value != "false") return InvalidArgument(name, "must be true or false");
    as_anonymized = value == "true";
  }
  return store_.Read([&](ReadTx& tx) -> Result<Report> {
    auto [report, view] = INFRASHARE_TRY(LoadVisibleReport(tx, caller, id));
    // Only ever less: kSourceHidden < kFull.
    View shown = std::min(view, OutsiderView(report));
    if (as_anonymized) shown = std::min(shown, View::kSourceHidden);
    const auto terms = INFRASHARE_TRY(SourceTerms(tx, report, *caller.registry));
    return Present(std::move(report), shown, terms);
  });
}

Result<std::vector<Revision>> ReportService::Revisions(const Caller& caller, const std::string& id) {
  INFRASHARE_TRY(caller.RequireAuthenticated());
  return store_.Read([&](ReadTx& tx) -> Result<std::vector<Revision>> {
    auto loaded = INFRASHARE_TRY(LoadVisibleReport(tx, caller, id));
    auto revisions = INFRASHARE_TRY(tx.ListRevisions(id));
    const auto terms = INFRASHARE_TRY(SourceTerms(tx, loaded.first, *caller.registry));
    std::vector<Revision> out;
    for (auto& rev : revisions) {
      const View view = RevisionVisibility(caller.organization, rev, loaded.first, *caller.registry);
      if (view != View::kNone) out.push_back(Present(std::move(rev), loaded.first, view, terms));
    }
    return out;
  });
}

Result<ReportPage> ReportService::List(const Caller& caller,
                                       const std::vector<std::pair<std::string, std::string>>& params) {
  INFRASHARE_TRY(caller.RequireAuthenticated());
  auto query = INFRASHARE_TRY(ParseListQuery(params));
  query.space = caller.space;
  query.grant_keys = ViewerKeys(caller.organization, *caller.registry);
  return store_.Read([&](ReadTx& tx) -> Result<ReportPage> {
    auto rows = INFRASHARE_TRY(tx.ListReportTexts(query));
    ReportPage page;
    if (rows.size() == size_t(query.limit)) page.next_cursor = std::to_string(rows.back().seq);
    for (auto& row : rows) {
      auto item = INFRASHARE_TRY(PageItem(tx, caller, query.grant_keys, row, query.text));
      if (item) page.items.push_back(std::move(*item));
    }
    return page;
  });
}

}  // namespace infrashare
