#include "store/stored_document.h"

#include <fmt/format.h>

#include "domain/report/report_json.h"

namespace infrashare::stored {

Result<Json> ParseStoredDocument(std::string_view text, std::string_view what) {
  Json json = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Internal(fmt::format("{} is unreadable: not JSON", what));
  return json;
}

std::string DumpDocument(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

Result<Report> ReportFromStored(int64_t seq, std::string_view doc) {
  auto report = DecodeStored<Report>(doc, fmt::format("stored report #{}", seq), ReportFromJson);
  if (report) report->seq = seq;
  return report;
}

std::string ReportDocument(const Report& report) { return DumpDocument(ToJson(report)); }

}  // namespace infrashare::stored
