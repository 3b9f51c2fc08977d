// Reading report requests from outside: submit and update bodies, relay
// bodies and list query strings. Checks form (types, lengths, enum names,
// unknown fields) and names the field at fault; the registry-dependent rules
// (ids exist, TLP caps the audience, routes) are checked by ReportService.
//
// Thread behaviour: pure functions.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "domain/report/report.h"
#include "domain/sharing/route.h"
#include "store/store.h"

namespace infrashare {

struct SubmitInput {
  ReportContent content;
  RouteRequest route;
};

Result<SubmitInput> ParseSubmit(const Json& body);

// PATCH: fields present replace those of `base`; route and anonymity cannot
// change. Returns the new content and the editor's note.
Result<std::pair<ReportContent, std::string>> ParseUpdate(const Json& body, const ReportContent& base);

struct RelayInput {
  std::optional<bool> anonymized;
  std::optional<Audience> audience;
  std::string note;
};

Result<RelayInput> ParseRelay(const Json& body);

// Query string of GET /api/v1/reports into a query (grant keys not set).
Result<ReportQuery> ParseListQuery(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace infrashare
