// Severity in the running system: the policies in force, the automatic
// assessment of every report that carries impact facts (on submit and on
// every revision), the analyst's confirmation or override, and the form's
// preview. A report's assessment (domain/severity/report_assessment.h) lives
// in its head and in each revision, so its history is the revision history.
//
// Thread behaviour: thread-safe; the policies are immutable after
// construction.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "common/time.h"
#include "domain/severity/policy.h"
#include "domain/severity/report_assessment.h"
#include "service/caller.h"
#include "store/store.h"

namespace infrashare {

class AssessmentService {
 public:
  // REQUIRES: `policies` non-empty; `active` names one of them. Without a
  // store (`store` null: the command line's `assess`) Review is unavailable.
  AssessmentService(Store* store, const Clock& clock, std::vector<Policy> policies, std::string active);

  // Parses and validates every policy text (name, TOML) and checks its
  // sectors against the registry. Errors name the file, line and key.
  static Result<std::vector<Policy>> LoadPolicies(const std::vector<std::pair<std::string, std::string>>& files,
                                                  const Registry& registry);

  const Policy& active() const;
  std::vector<const Policy*> policies() const;

  // The assessment of `report`'s facts (keeping its analyst's review), or
  // nullopt when it has no facts. Errors: facts that do not parse (field
  // "facts.…").
  Result<std::optional<ReportAssessment>> AssessReport(const Report& report, const Registry& registry) const;

  // POST /assess: {"facts", "sector"?, "policy"?} -> {"assessment",
  // "response_plan"}; nothing is stored.
  Result<Json> Preview(const Caller& caller, const Json& body) const;

  // POST /reports/{id}/assessment: {"action": "confirm"|"override", "level"
  // (override), "justification"}. Analysts of NISC or a ministry that may
  // see the report. Makes a new revision whose assessment carries the review.
  Result<Report> Review(const Caller& caller, const std::string& report_id, const Json& body);

 private:
  const Policy* Find(std::string_view id) const;

  Store* store_;  // optional
  const Clock& clock_;
  std::vector<Policy> policies_;
  size_t active_ = 0;
};

// The sector whose thresholds apply to a report: its first affected sector,
// else the submitter's first sector, else none.
std::string AssessmentSector(const Report& report, const Registry& registry);

}  // namespace infrashare
