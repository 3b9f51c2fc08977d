#include "store/stored_document.h"

#include <fmt/format.h>

#include <algorithm>

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

Result<Report> ReportSharingFromStored(int64_t seq, std::string_view doc) {
  const auto& members = ReportSharingMembers();
  const auto keep = [&](int depth, Json::parse_event_t event, Json& parsed) {
    if (depth != 1 || event != Json::parse_event_t::key) return true;
    const auto& name = parsed.get_ref<const std::string&>();
    return std::find(members.begin(), members.end(), name) != members.end();
  };
  const auto unreadable = [&](std::string_view why) {
    return Internal(fmt::format("stored report #{} is unreadable: {}", seq, why));
  };
  Json json = Json::parse(doc, keep, /*allow_exceptions=*/false);
  if (json.is_discarded()) return unreadable("not JSON");
  try {
    auto report = ReportSharingFromJson(json);
    if (!report) return unreadable(report.error().message);
    report->seq = seq;
    return report;
  } catch (const Json::exception& e) {
    return unreadable(e.what());
  }
}

std::string ReportDocument(const Report& report) { return DumpDocument(ToJson(report)); }

}  // namespace infrashare::stored
