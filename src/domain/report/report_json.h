// The JSON form of a report, a revision and their parts: the one
// representation used by the store (documents) and the API (bodies). A view
// from domain/sharing blanks the source fields first; empty source fields are
// left out of the JSON.
//
// Thread behaviour: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "domain/report/report.h"

namespace infrashare {

Json ToJson(const Audience& audience);
Json ToJson(const ReportContent& content);
Json ToJson(const Report& report);
Json ToJson(const Revision& revision);
Json ToJson(const Delivery& delivery);

// Reads what ToJson wrote (trusted documents from the store). Request bodies
// are read by service/report_input instead, which checks every rule.
Result<Report> ReportFromJson(const Json& json);
Result<Revision> RevisionFromJson(const Json& json);
Result<ReportContent> ContentFromJson(const Json& json);

// Only the members of a report head the sharing rule reads (domain/sharing
// Visibility and GrantKeys: submitter and relay organizations, the
// submitter's principal, anonymized, released, the delivery trail, TLP,
// audience), named by ReportSharingMembers(); the rest is left default. For
// readers that judge a stored document without decoding all of it.
Result<Report> ReportSharingFromJson(const Json& json);
const std::vector<std::string_view>& ReportSharingMembers();

}  // namespace infrashare
