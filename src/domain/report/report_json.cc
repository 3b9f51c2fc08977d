#include "domain/report/report_json.h"

#include <fmt/format.h>

namespace infrashare {

namespace {

template <class E, size_t N>
Result<E> EnumFrom(const Json& j, const char* field, const std::array<EnumName<E>, N>& names) {
  if (!j.is_string()) return InvalidArgument(field, "must be a string");
  auto v = ParseName(names, j.get_ref<const std::string&>());
  if (!v) return InvalidArgument(field, AllowedNames(names));
  return *v;
}

Result<Timestamp> TimeFrom(const Json& j, const char* field) {
  if (!j.is_string()) return InvalidArgument(field, "must be an RFC 3339 date-time");
  auto t = ParseRfc3339(j.get_ref<const std::string&>());
  if (!t) return InvalidArgument(field, "must be an RFC 3339 date-time");
  return *t;
}

std::vector<std::string> Strings(const Json& j, const char* key) {
  std::vector<std::string> out;
  if (auto it = j.find(key); it != j.end() && it->is_array())
    for (const auto& s : *it)
      if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

std::string StringOr(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Audience AudienceFrom(const Json& j) {
  Audience a;
  if (!j.is_object()) return a;
  a.everyone = j.value("everyone", false);
  a.sectors = Strings(j, "sectors");
  a.ceptoars = Strings(j, "ceptoars");
  a.groups = Strings(j, "groups");
  a.organizations = Strings(j, "organizations");
  return a;
}

// TLP and audience: what the sharing rule reads of the content.
Result<void> SharingContentFrom(const Json& j, ReportContent& c) {
  auto tlp = INFRASHARE_TRY(EnumFrom(j.value("tlp", Json()), "tlp", kTlpNames));
  c.tlp = tlp;
  c.audience = AudienceFrom(j.value("audience", Json::object()));
  return {};
}

// The members of the head the sharing rule reads (and the principal, which
// goes with the submitting organization).
Result<void> SharingFrom(const Json& j, Report& r) {
  r.anonymized = j.value("anonymized", false);
  r.submitter_org = StringOr(j, "submitter_organization");
  r.submitter_principal = StringOr(j, "submitter_principal");
  r.relay_org = StringOr(j, "relay_organization");
  r.released = j.value("released", false);
  if (auto it = j.find("deliveries"); it != j.end() && it->is_array()) {
    for (const auto& d : *it) {
      auto role = INFRASHARE_TRY(EnumFrom(d.value("role", Json()), "deliveries.role", kDeliveryRoleNames));
      auto at = INFRASHARE_TRY(TimeFrom(d.value("at", Json()), "deliveries.at"));
      r.deliveries.push_back({StringOr(d, "organization"), role, at});
    }
  }
  return {};
}

}  // namespace

const std::vector<std::string_view>& ReportSharingMembers() {
  static const std::vector<std::string_view> kMembers{"anonymized",
                                                      "submitter_organization",
                                                      "submitter_principal",
                                                      "relay_organization",
                                                      "released",
                                                      "deliveries",
                                                      "tlp",
                                                      "audience"};
  return kMembers;
}

Result<Report> ReportSharingFromJson(const Json& j) {
  if (!j.is_object()) return InvalidArgument("", "report must be an object");
  Report r;
  INFRASHARE_TRY(SharingContentFrom(j, r.content));
  INFRASHARE_TRY(SharingFrom(j, r));
  return r;
}

Json ToJson(const Audience& a) {
  return Json{{"everyone", a.everyone},
              {"sectors", a.sectors},
              {"ceptoars", a.ceptoars},
              {"groups", a.groups},
              {"organizations", a.organizations}};
}

Json ToJson(const ReportContent& c) {
  Json systems = Json::array();
  for (SystemKind s : c.systems) systems.push_back(NameOf(kSystemKindNames, s));
  Json indicators = Json::array();
  for (const auto& i : c.indicators) indicators.push_back({{"type", i.type}, {"value", i.value}});
  return Json{{"kind", NameOf(kReportKindNames, c.kind)},
              {"title", c.title},
              {"text", c.text},
              {"sectors", c.sectors},
              {"services", c.services},
              {"systems", std::move(systems)},
              {"facts", c.facts},
              {"indicators", std::move(indicators)},
              {"tlp", NameOf(kTlpNames, c.tlp)},
              {"audience", ToJson(c.audience)}};
}

Json ToJson(const Delivery& d) {
  return Json{{"organization", d.organization},
              {"role", NameOf(kDeliveryRoleNames, d.role)},
              {"at", FormatRfc3339(d.at)}};
}

Json ToJson(const Report& r) {
  Json j = ToJson(r.content);
  j["id"] = r.id;
  j["space"] = r.space.id();
  j["revision"] = r.revision;
  j["route"] = NameOf(kRouteNames, r.route);
  j["anonymized"] = r.anonymized;
  if (!r.submitter_org.empty()) j["submitter_organization"] = r.submitter_org;
  if (!r.submitter_principal.empty()) j["submitter_principal"] = r.submitter_principal;
  if (!r.relay_org.empty()) j["relay_organization"] = r.relay_org;
  if (!r.via_ceptoar.empty()) j["via_ceptoar"] = r.via_ceptoar;
  j["released"] = r.released;
  Json trail = Json::array();
  for (const auto& d : r.deliveries) trail.push_back(ToJson(d));
  j["deliveries"] = std::move(trail);
  if (r.assessment) j["assessment"] = ToJson(*r.assessment);
  j["created_at"] = FormatRfc3339(r.created_at);
  j["updated_at"] = FormatRfc3339(r.updated_at);
  if (r.released_at) j["released_at"] = FormatRfc3339(*r.released_at);
  return j;
}

Json ToJson(const Revision& v) {
  Json j{{"report_id", v.report_id}, {"number", v.number}, {"content", ToJson(v.content)},
         {"note", v.note},           {"at", FormatRfc3339(v.at)}};
  if (v.assessment) j["assessment"] = ToJson(*v.assessment);
  if (!v.author_principal.empty()) j["author_principal"] = v.author_principal;
  if (!v.author_org.empty()) j["author_organization"] = v.author_org;
  return j;
}

Result<ReportContent> ContentFromJson(const Json& j) {
  if (!j.is_object()) return InvalidArgument("", "report content must be an object");
  ReportContent c;
  auto kind = INFRASHARE_TRY(EnumFrom(j.value("kind", Json()), "kind", kReportKindNames));
  c.kind = kind;
  c.title = StringOr(j, "title");
  c.text = StringOr(j, "text");
  c.sectors = Strings(j, "sectors");
  c.services = Strings(j, "services");
  for (const auto& s : Strings(j, "systems")) {
    auto v = ParseName(kSystemKindNames, s);
    if (!v) return InvalidArgument("systems", AllowedNames(kSystemKindNames));
    c.systems.push_back(*v);
  }
  if (auto it = j.find("facts"); it != j.end() && it->is_object()) c.facts = *it;
  if (auto it = j.find("indicators"); it != j.end() && it->is_array())
    for (const auto& i : *it) c.indicators.push_back({StringOr(i, "type"), StringOr(i, "value")});
  INFRASHARE_TRY(SharingContentFrom(j, c));
  return c;
}

Result<Report> ReportFromJson(const Json& j) {
  auto content = INFRASHARE_TRY(ContentFromJson(j));
  Report r;
  r.content = std::move(content);
  r.id = StringOr(j, "id");
  auto space = INFRASHARE_TRY(Space::Parse(j.value("space", Space::Live().id())));
  r.space = std::move(space);
  r.revision = j.value("revision", 1);
  auto route = INFRASHARE_TRY(EnumFrom(j.value("route", Json()), "route", kRouteNames));
  r.route = route;
  INFRASHARE_TRY(SharingFrom(j, r));
  r.via_ceptoar = StringOr(j, "via_ceptoar");
  if (auto it = j.find("assessment"); it != j.end() && !it->is_null()) {
    auto a = INFRASHARE_TRY(ReportAssessmentFromJson(*it));
    r.assessment = std::move(a);
  }
  auto created = INFRASHARE_TRY(TimeFrom(j.value("created_at", Json()), "created_at"));
  r.created_at = created;
  auto updated = INFRASHARE_TRY(TimeFrom(j.value("updated_at", Json()), "updated_at"));
  r.updated_at = updated;
  if (j.contains("released_at")) {
    auto released = INFRASHARE_TRY(TimeFrom(j["released_at"], "released_at"));
    r.released_at = released;
  }
  return r;
}

Result<Revision> RevisionFromJson(const Json& j) {
  if (!j.is_object()) return InvalidArgument("", "revision must be an object");
  auto content = INFRASHARE_TRY(ContentFromJson(j.value("content", Json())));
  Revision v;
  v.content = std::move(content);
  v.report_id = StringOr(j, "report_id");
  v.number = j.value("number", 1);
  v.note = StringOr(j, "note");
  if (auto it = j.find("assessment"); it != j.end() && !it->is_null()) {
    auto a = INFRASHARE_TRY(ReportAssessmentFromJson(*it));
    v.assessment = std::move(a);
  }
  v.author_principal = StringOr(j, "author_principal");
  v.author_org = StringOr(j, "author_organization");
  auto at = INFRASHARE_TRY(TimeFrom(j.value("at", Json()), "at"));
  v.at = at;
  return v;
}

}  // namespace infrashare
