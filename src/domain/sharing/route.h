// Routes (連絡形態): who receives a report because of the way it was sent,
// and the audience rules that TLP imposes. The delivery trail that these
// functions produce is what Visibility() reads.
//
//   direct       -> the ministries of the submitter's sectors and NISC, at once
//   via_ceptoar  -> the secretariat(s) of the submitter's CEPTOAR; NISC when relayed
//   via_agency   -> the named security agency; NISC when relayed
//   crime_report -> also every incident-handling agency, when released
//   anonymized   -> only on a relayed route (the relay hides the source)
//
// Thread behaviour: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/error.h"
#include "domain/registry/registry.h"
#include "domain/report/report.h"

namespace infrashare {

struct RouteRequest {
  Route route = Route::kDirect;
  bool anonymized = false;
  std::optional<std::string> ceptoar;  // via_ceptoar: which of the submitter's CEPTOARs
  std::optional<std::string> agency;   // via_agency: which security agency
};

struct RouteDecision {
  std::string relay_org;    // first relay secretariat or agency; empty for direct
  std::string via_ceptoar;  // the CEPTOAR of a via_ceptoar route
  bool released = false;    // direct routes are released at once
  std::vector<Delivery> deliveries;
};

// Decides the recipients when `submitter` submits a report of `kind` on the
// requested route. Errors name the field ("route", "ceptoar", "agency",
// "anonymized").
Result<RouteDecision> RouteAtSubmit(const RouteRequest& request, ReportKind kind, const Organization& submitter,
                                    const Registry& registry, Timestamp now);

// The deliveries a relay adds when it releases `report` (NISC, and incident
// agencies for a crime report), skipping organizations already on the trail.
std::vector<Delivery> DeliveriesAtRelay(const Report& report, const Registry& registry, Timestamp now);

// Checks an audience against the registry and the TLP cap: every id exists;
// "everyone" only with CLEAR or GREEN; AMBER+STRICT and RED name
// organizations only. `path` prefixes field names in errors.
Result<void> ValidateAudience(const Audience& audience, Tlp tlp, const Registry& registry, const std::string& path);

}  // namespace infrashare
