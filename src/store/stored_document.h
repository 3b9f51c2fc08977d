// Stored documents: the JSON text both backends keep in their `doc` columns
// (the domain's *ToJson forms), written and read only here and in
// stored_alerts.h. Whatever is wrong with a stored document — not JSON,
// rejected by its decoder, a member of the wrong type that makes the JSON
// library throw — answers kInternal naming the record: a damaged row never
// takes the process down.
//
// Thread behaviour: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.h"
#include "common/json.h"
#include "domain/report/report.h"

namespace infrashare::stored {

// A stored document, parsed; kInternal naming `what` if it is not JSON.
Result<Json> ParseStoredDocument(std::string_view text, std::string_view what);

// Parses a stored document and decodes it with `from_json` (a domain
// *FromJson); kInternal naming `what` when either fails.
template <class T>
Result<T> DecodeStored(std::string_view text, const std::string& what, Result<T> (*from_json)(const Json&)) {
  auto json = INFRASHARE_TRY(ParseStoredDocument(text, what));
  try {
    auto value = from_json(json);
    if (!value) return Internal(what + " is unreadable: " + value.error().message);
    return value;
  } catch (const Json::exception& e) {
    return Internal(what + " is unreadable: " + e.what());
  }
}

// JSON text for storing; invalid UTF-8 is replaced, never thrown.
std::string DumpDocument(const Json& json);

// A report head from its stored document (ReportFromJson); kInternal if
// unreadable.
Result<Report> ReportFromStored(int64_t seq, std::string_view doc);
// Only the members of a stored report head that the sharing rule reads
// (ReportSharingFromJson): the rest of the document is scanned, not built
// into a tree or decoded. kInternal if unreadable.
Result<Report> ReportSharingFromStored(int64_t seq, std::string_view doc);
// The stored document of a report head (ReportToJson).
std::string ReportDocument(const Report& report);

}  // namespace infrashare::stored
