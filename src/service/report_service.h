// Reports: submit, relay, update, read. Every write is one store transaction
// (report head, revision, grants, audit event, outbox event together or not
// at all); every read asks domain/sharing's Visibility() for each record and
// answers a record the caller may not see exactly as a missing one.
//
// Thread behaviour: thread-safe; holds no state of its own beyond references.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "common/time.h"
#include "domain/sharing/visibility.h"
#include "service/assessment_service.h"
#include "service/caller.h"
#include "service/registry_service.h"
#include "store/store.h"

namespace infrashare {

struct ReportPage {
  // Each report as the caller may see it, as JSON text (its ToJson form):
  // a report seen in full is its stored document, passed on unparsed.
  std::vector<std::string> items;
  std::optional<std::string> next_cursor;  // absent on the last page
};

// What a submission would do, stored nowhere: the report as it would be
// made (its assessment and response plan), and who would receive it.
struct SubmissionPreview {
  Report report;                   // as its submitter would see it
  std::vector<Delivery> at_relay;  // added when the relay releases it (none on a direct route)
  // The other organizations that would see it once released (the audience
  // as TLP caps it), the trail and the submitter left out; in registry order.
  std::vector<const Organization*> audience;
  // The released report as those organizations would be shown it:
  // OutsiderView (its source scrubbed when it is anonymized).
  Report as_others_see;
};

// How an organization of a report's audience that is neither its source nor
// on its trail is shown it: without its source when it is anonymized.
View OutsiderView(const Report& report);

class ReportService {
 public:
  // `assessments` may be null (no severity assessment); it must outlive this.
  ReportService(Store& store, const Clock& clock, const AssessmentService* assessments);

  // POST /reports. Needs the reporter role. Returns the report as the
  // submitter sees it.
  Result<Report> Submit(const Caller& caller, const Json& body);
  // POST /reports/preview: what Submit would make of `body`, through the
  // same parsing, checks, routing and assessment, with nothing stored.
  // The same errors as Submit.
  Result<SubmissionPreview> PreviewSubmission(const Caller& caller, const Json& body) const;
  // POST /reports/{id}/relay. Needs the relay role and an organization that
  // the route passes through; releases the report to NISC and its audience.
  Result<Report> Relay(const Caller& caller, const std::string& id, const Json& body);
  // PATCH /reports/{id}. Needs the reporter role in the submitting
  // organization; makes a new revision.
  Result<Report> Update(const Caller& caller, const std::string& id, const Json& body);

  Result<Report> Get(const Caller& caller, const std::string& id);
  // GET /reports/{id}/as-others-see: the report as OutsiderView shows it,
  // for its submitter or relay to check what the audience receives (before
  // a relay releases it, too); never more than the caller itself may see.
  // Query: anonymized=true shows it as if anonymized (a relay that is about
  // to hide the source). Errors: kInvalidArgument naming the parameter.
  Result<Report> AsOthersSee(const Caller& caller, const std::string& id,
                             const std::vector<std::pair<std::string, std::string>>& query);
  Result<std::vector<Revision>> Revisions(const Caller& caller, const std::string& id);
  Result<ReportPage> List(const Caller& caller, const std::vector<std::pair<std::string, std::string>>& query);

 private:
  // The report a submission of `body` by `caller` makes, not yet stored.
  Result<Report> NewReport(const Caller& caller, const Json& body) const;
  Result<void> CheckContent(const ReportContent& content, const Registry& registry) const;
  // Sets report.assessment from its facts (keeps an analyst's review).
  Result<void> Assess(Report& report, const Registry& registry) const;

  Store& store_;
  const Clock& clock_;
  const AssessmentService* assessments_;
};

// The terms that name a report's source (domain/sharing/source_identity.h:
// its organization's names, contacts and every principal), scrubbed from
// views that hide it.
Result<std::vector<std::string>> SourceTerms(ReadTx& tx, const Report& report, const Registry& registry);

}  // namespace infrashare
