#include "service/report_input.h"

#include <fmt/format.h>

#include "common/input_limits.h"
#include "common/parse.h"
#include "domain/report/indicator.h"
#include "domain/report/limits.h"
#include "domain/severity/facts.h"

namespace infrashare {

namespace {

Result<Audience> ReadAudience(const Json& j, const std::string& path) {
  ObjectReader in(j, path);
  Audience a;
  auto everyone = INFRASHARE_TRY(in.Bool("everyone", false));
  a.everyone = everyone;
  for (auto [key, out] : {std::pair{"sectors", &a.sectors}, std::pair{"ceptoars", &a.ceptoars},
                          std::pair{"groups", &a.groups}, std::pair{"organizations", &a.organizations}}) {
    auto list = INFRASHARE_TRY(in.StringList(key, kMaxAudienceItems, kIdLimits));
    *out = std::move(list);
  }
  INFRASHARE_TRY(in.Finish());
  return a;
}

// Reads each content field that is present into `c`. With `require_all`,
// the fields a submission must have are required.
Result<void> ReadContent(ObjectReader& in, ReportContent& c, bool require_all) {
  if (require_all || in.Has("kind")) {
    auto kind = INFRASHARE_TRY(ReadEnum(in, "kind", kReportKindNames));
    c.kind = kind;
  }
  if (require_all || in.Has("title")) {
    auto title = INFRASHARE_TRY(in.String("title", {1, kMaxTitleBytes}));
    c.title = std::move(title);
  }
  if (in.Has("text")) {
    auto text = INFRASHARE_TRY(in.String("text", {0, kMaxTextBytes}));
    c.text = std::move(text);
  }
  if (in.Has("sectors")) {
    auto sectors = INFRASHARE_TRY(in.StringList("sectors", kMaxSectors, kIdLimits));
    c.sectors = std::move(sectors);
  }
  if (in.Has("services")) {
    auto services = INFRASHARE_TRY(in.StringList("services", kMaxServices, {1, kMaxServiceBytes}));
    c.services = std::move(services);
  }
  if (in.Has("systems")) {
    auto systems = INFRASHARE_TRY(in.StringList("systems", kMaxSystems, kIdLimits));
    c.systems.clear();
    for (size_t i = 0; i < systems.size(); ++i) {
      auto s = ParseName(kSystemKindNames, systems[i]);
      if (!s) return InvalidArgument(IndexPath("systems", i), AllowedNames(kSystemKindNames));
      c.systems.push_back(*s);
    }
  }
  if (const Json* facts = in.Raw("facts")) {
    if (!facts->is_object()) return InvalidArgument("facts", "must be an object");
    if (facts->dump().size() > kMaxFactsBytes)
      return InvalidArgument("facts", fmt::format("must be at most {} bytes", kMaxFactsBytes));
    INFRASHARE_TRY(ParseFacts(*facts));  // their form, whether or not a policy assesses them
    c.facts = *facts;
  }
  if (const Json* list = in.Raw("indicators")) {
    if (!list->is_array()) return InvalidArgument("indicators", "must be an array of {type, value}");
    if (list->size() > kMaxIndicators)
      return InvalidArgument("indicators", fmt::format("must have at most {} items", kMaxIndicators));
    c.indicators.clear();
    for (size_t i = 0; i < list->size(); ++i) {
      const std::string path = IndexPath("indicators", i);
      ObjectReader ind((*list)[i], path);
      auto type = INFRASHARE_TRY(ind.String("type", kIdLimits));
      auto value = INFRASHARE_TRY(ind.String("value", {1, kMaxIndicatorValueBytes}));
      INFRASHARE_TRY(ind.Finish());
      INFRASHARE_TRY(ValidateIndicator(type, value, path));
      c.indicators.push_back({std::move(type), std::move(value)});
    }
  }
  if (require_all || in.Has("tlp")) {
    auto tlp = INFRASHARE_TRY(ReadEnum(in, "tlp", kTlpNames));
    c.tlp = tlp;
  }
  if (const Json* audience = in.Raw("audience")) {
    auto a = INFRASHARE_TRY(ReadAudience(*audience, "audience"));
    c.audience = std::move(a);
  }
  return {};
}

Result<std::optional<Timestamp>> ReadTime(const std::string& value, const std::string& name) {
  auto t = ParseRfc3339(value);
  if (!t) return InvalidArgument(name, "must be an RFC 3339 date-time, e.g. 2026-11-25T03:00:00Z");
  return std::optional<Timestamp>(*t);
}

}  // namespace

Result<SubmitInput> ParseSubmit(const Json& body) {
  ObjectReader in(body, "");
  SubmitInput out;
  INFRASHARE_TRY(ReadContent(in, out.content, /*require_all=*/true));
  auto route = INFRASHARE_TRY(ReadEnum(in, "route", kRouteNames));
  out.route.route = route;
  auto anonymized = INFRASHARE_TRY(in.Bool("anonymized", false));
  out.route.anonymized = anonymized;
  auto ceptoar = INFRASHARE_TRY(in.OptionalString("ceptoar", kIdLimits));
  out.route.ceptoar = std::move(ceptoar);
  auto agency = INFRASHARE_TRY(in.OptionalString("agency", kIdLimits));
  out.route.agency = std::move(agency);
  INFRASHARE_TRY(in.Finish());
  return out;
}

Result<std::pair<ReportContent, std::string>> ParseUpdate(const Json& body, const ReportContent& base) {
  if (body.is_object())
    for (const char* fixed : {"route", "anonymized", "ceptoar", "agency", "id"})
      if (body.contains(fixed))
        return InvalidArgument(fixed, "cannot be changed after submission");
  ObjectReader in(body, "");
  ReportContent c = base;
  INFRASHARE_TRY(ReadContent(in, c, /*require_all=*/false));
  auto note = INFRASHARE_TRY(in.OptionalString("note", kNoteLimits));
  INFRASHARE_TRY(in.Finish());
  if (c == base) return InvalidArgument("", "the update changes nothing");
  return std::pair{std::move(c), note.value_or("")};
}

Result<RelayInput> ParseRelay(const Json& body) {
  ObjectReader in(body, "");
  RelayInput out;
  if (in.Has("anonymized")) {
    auto a = INFRASHARE_TRY(in.Bool("anonymized"));
    out.anonymized = a;
  }
  if (const Json* audience = in.Raw("audience")) {
    auto a = INFRASHARE_TRY(ReadAudience(*audience, "audience"));
    out.audience = std::move(a);
  }
  auto note = INFRASHARE_TRY(in.OptionalString("note", kNoteLimits));
  out.note = note.value_or("");
  INFRASHARE_TRY(in.Finish());
  return out;
}

Result<ReportQuery> ParseListQuery(const std::vector<std::pair<std::string, std::string>>& params) {
  ReportQuery q;
  q.limit = kDefaultPageSize;
  for (const auto& [name, value] : params) {
    if (name == "kind") {
      auto v = ParseName(kReportKindNames, value);
      if (!v) return InvalidArgument(name, AllowedNames(kReportKindNames));
      q.kind = *v;
    } else if (name == "sector") {
      if (value.empty() || value.size() > 64) return InvalidArgument(name, "must be a sector id");
      q.sector = value;
    } else if (name == "route") {
      auto v = ParseName(kRouteNames, value);
      if (!v) return InvalidArgument(name, AllowedNames(kRouteNames));
      q.route = *v;
    } else if (name == "tlp") {
      auto v = ParseName(kTlpNames, value);
      if (!v) return InvalidArgument(name, AllowedNames(kTlpNames));
      q.tlp = *v;
    } else if (name == "created_from" || name == "created_to" || name == "updated_since") {
      auto t = INFRASHARE_TRY(ReadTime(value, name));
      (name == "created_from" ? q.created_from : name == "created_to" ? q.created_to : q.updated_since) = t;
    } else if (name == "q") {
      if (value.size() > kMaxTextQueryBytes)
        return InvalidArgument(name, fmt::format("must be at most {} bytes", kMaxTextQueryBytes));
      if (!value.empty()) q.text = value;
    } else if (name == "cursor") {
      auto seq = ParseInteger(value, name, 1, INT64_MAX);
      if (!seq) return InvalidArgument(name, "is not a cursor this server issued");
      q.before_seq = *seq;
    } else if (name == "limit") {
      auto limit = INFRASHARE_TRY(ParseInteger(value, name, 1, kMaxPageSize));
      q.limit = int(limit);
    } else {
      return InvalidArgument(name, "is not a known query parameter (kind, sector, route, tlp, created_from, "
                                   "created_to, updated_since, q, cursor, limit)");
    }
  }
  return q;
}

}  // namespace infrashare
