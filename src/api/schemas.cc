#include "api/schemas.h"

#include <fmt/format.h>

#include <initializer_list>
#include <string>
#include <utility>

#include "common/input_limits.h"
#include "domain/alert/alert.h"
#include "domain/alert/limits.h"
#include "domain/alert/webhook.h"
#include "domain/registry/limits.h"
#include "domain/registry/password_rules.h"
#include "domain/registry/principal.h"
#include "domain/registry/registry.h"
#include "domain/report/limits.h"
#include "domain/report/report.h"
#include "domain/report/tlp.h"
#include "service/audit_service.h"
#include "service/registry_service.h"

namespace infrashare::schema {
namespace {

using Members = std::initializer_list<std::pair<const char*, Json>>;

Json Str() { return {{"type", "string"}}; }
Json Str(size_t min, size_t max, std::string_view what = "") {
  Json j{{"type", "string"}, {"minLength", min}, {"maxLength", max}};
  if (!what.empty()) j["description"] = what;
  return j;
}
Json Str(StringLimits limits) { return Str(limits.min, limits.max); }
Json Bytes(size_t min, size_t max) { return Str(min, max, "UTF-8; the limits are in bytes"); }
Json Bytes(StringLimits limits) { return Bytes(limits.min, limits.max); }
Json Int() { return {{"type", "integer"}}; }
Json Int(int64_t min, int64_t max) { return {{"type", "integer"}, {"minimum", min}, {"maximum", max}}; }
Json Bool() { return {{"type", "boolean"}}; }
Json Any() { return Json::object(); }
Json AnyObject() { return {{"type", "object"}}; }
Json DateTime() { return {{"type", "string"}, {"format", "date-time"}}; }
Json OptionalDateTime() { return {{"type", {"string", "null"}}, {"format", "date-time"}}; }
Json Array(Json items) { return {{"type", "array"}, {"items", std::move(items)}}; }
Json Array(Json items, size_t max_items) {
  Json j = Array(std::move(items));
  j["maxItems"] = max_items;
  return j;
}
Json Strings() { return Array(Str()); }

template <class E, size_t N>
Json Enum(const std::array<EnumName<E>, N>& names) {
  Json values = Json::array();
  for (const auto& n : names) values.push_back(n.name);
  return {{"type", "string"}, {"enum", std::move(values)}};
}
Json Enum(std::initializer_list<const char*> values) {
  Json list = Json::array();
  for (const char* v : values) list.push_back(v);
  return {{"type", "string"}, {"enum", std::move(list)}};
}
Json LanguageEnum() {
  Json list = Json::array();
  for (std::string_view v : kLanguages) list.push_back(v);
  return {{"type", "string"}, {"enum", std::move(list)}};
}

// A closed object: `required` members, then `optional` ones; nothing else.
Json Object(Members required, Members optional = {}) {
  Json props = Json::object();
  Json names = Json::array();
  for (const auto& [name, s] : required) {
    props[name] = s;
    names.push_back(name);
  }
  for (const auto& [name, s] : optional) props[name] = s;
  Json j{{"type", "object"}, {"properties", std::move(props)}, {"additionalProperties", false}};
  if (!names.empty()) j["required"] = std::move(names);
  return j;
}

// Adds members to a closed object built by Object().
Json With(Json object, Members required, Members optional = {}) {
  for (const auto& [name, s] : required) {
    object["properties"][name] = s;
    object["required"].push_back(name);
  }
  for (const auto& [name, s] : optional) object["properties"][name] = s;
  return object;
}

Json Described(Json schema, std::string_view description) {
  schema["description"] = description;
  return schema;
}

Json ItemsOf(std::string_view item) { return Object({{"items", Array(Ref(item))}}); }
Json PageOf(std::string_view item) {
  return Object({{"items", Array(Ref(item))},
                 {"next_cursor", Described({{"type", {"string", "null"}}},
                                           "pass as `cursor` for the next page; null on the last page")}});
}

// --- reports (domain/report/report_json.cc, service/report_input.cc) ---

Json AudienceOut() {
  return Object({{"everyone", Bool()},
                 {"sectors", Strings()},
                 {"ceptoars", Strings()},
                 {"groups", Strings()},
                 {"organizations", Strings()}});
}

Json AudienceIn() {
  Json list = Array(Str(kIdLimits), kMaxAudienceItems);
  return Object({}, {{"everyone", Bool()},
                     {"sectors", list},
                     {"ceptoars", list},
                     {"groups", list},
                     {"organizations", list}});
}

Json Facts() {
  return Described(AnyObject(), "impact facts (src/domain/severity/facts.h); at most 16 KiB serialized");
}

Json IndicatorOut() { return Object({{"type", Str()}, {"value", Str()}}); }

Json ContentOut() {
  return Object({{"kind", Enum(kReportKindNames)},
                 {"title", Str()},
                 {"text", Str()},
                 {"sectors", Strings()},
                 {"services", Strings()},
                 {"systems", Array(Enum(kSystemKindNames))},
                 {"facts", Any()},
                 {"indicators", Array(Ref("Indicator"))},
                 {"tlp", Enum(kTlpNames)},
                 {"audience", Ref("Audience")}});
}

// Every content field a submission may set; `required` names the ones it must.
Json ContentIn() {
  return Object({}, {{"kind", Enum(kReportKindNames)},
                     {"title", Bytes(1, kMaxTitleBytes)},
                     {"text", Bytes(0, kMaxTextBytes)},
                     {"sectors", Array(Str(kIdLimits), kMaxSectors)},
                     {"services", Array(Bytes(1, kMaxServiceBytes), kMaxServices)},
                     {"systems", Array(Enum(kSystemKindNames), kMaxSystems)},
                     {"facts", Facts()},
                     {"indicators",
                      Array(Object({{"type", Str(kIdLimits)}, {"value", Bytes(1, kMaxIndicatorValueBytes)}}),
                            kMaxIndicators)},
                     {"tlp", Enum(kTlpNames)},
                     {"audience", Ref("AudienceInput")}});
}

Json AssessmentOfReport() {
  return Described(AnyObject(),
                   "the automatic assessment (`automatic`, an Assessment), the level in force, the response "
                   "plan and an analyst's `review` when there is one");
}

Json Report() {
  return With(
      ContentOut(),
      {{"id", Str()},
       {"space", Described(Str(), "`live` or an exercise id")},
       {"revision", Int(1, INT32_MAX)},
       {"route", Enum(kRouteNames)},
       {"anonymized", Bool()},
       {"released", Bool()},
       {"deliveries",
        Array(Object({{"organization", Str()}, {"role", Enum(kDeliveryRoleNames)}, {"at", DateTime()}}))},
       {"created_at", DateTime()},
       {"updated_at", DateTime()}},
      {{"submitter_organization", Described(Str(), "left out where the caller may not see the source")},
       {"submitter_principal", Str()},
       {"relay_organization", Str()},
       {"via_ceptoar", Str()},
       {"assessment", AssessmentOfReport()},
       {"released_at", DateTime()}});
}

Json Revision() {
  return Object(
      {{"report_id", Str()},
       {"number", Int(1, INT32_MAX)},
       {"content", Ref("ReportContent")},
       {"note", Str()},
       {"at", DateTime()}},
      {{"assessment", AssessmentOfReport()}, {"author_principal", Str()}, {"author_organization", Str()}});
}

Json Submission() {
  Json j =
      With(ContentIn(), {{"route", Enum(kRouteNames)}},
           {{"anonymized", Bool()},
            {"ceptoar", Described(Str(kIdLimits), "the CEPTOAR a via_ceptoar report goes through")},
            {"agency", Described(Str(kIdLimits), "the security agency a via_agency report goes through")}});
  for (const char* name : {"kind", "title", "tlp"}) j["required"].push_back(name);
  return j;
}

Json OrganizationBrief() {
  return Object({{"id", Str()}, {"name_ja", Str()}, {"name_en", Str()}, {"kind", Enum(kOrgKindNames)}});
}

Json SubmissionPreview() {
  Json recipient = With(OrganizationBrief(),
                        {{"role", Enum(kDeliveryRoleNames)},
                         {"when", Described(Enum({"submit", "relay"}),
                                            "at submission, or when the relay releases the report")}},
                        {});
  return Object(
      {{"assessment", Described({{"type", {"object", "null"}}},
                                "as the report's `assessment` would be (level, reasons, response plan); null "
                                "without impact facts")},
       {"names", Described(AnyObject(),
                           "organization id -> {name_ja, name_en}, for each organization the "
                           "response plan notifies")},
       {"released_at_submit", Described(Bool(), "false when a relay releases it (via_ceptoar, via_agency)")},
       {"source_hidden",
        Described(Bool(), "everyone but the submitter and the relay would see it anonymized")},
       {"recipients", Described(Array(recipient), "the delivery trail the route makes, in order")},
       {"audience",
        Described(Object({{"count", Int(0, INT64_MAX)},
                          {"organizations", Described(Array(OrganizationBrief()), "the first 50")}}),
                  "the other organizations that would see it once released (TLP caps the "
                  "audience)")},
       {"as_others_see",
        Described(
            Ref(kReport),
            "the report as those organizations would be shown it: when anonymized, everything that names "
            "the source (names, aliases, domains, contacts, people) replaced by [anonymized]")}});
}

Json Update() {
  Json j = With(ContentIn(), {}, {{"note", Bytes(kNoteLimits)}});
  j.erase("required");
  j["minProperties"] = 1;
  j["description"] =
      "the content fields to change; route, anonymized, ceptoar and agency are fixed at submission";
  return j;
}

Json Relay() {
  return Object({},
                {{"anonymized", Bool()}, {"audience", Ref("AudienceInput")}, {"note", Bytes(kNoteLimits)}});
}

// --- registry (domain/registry/registry_json.cc, api/registry_handlers.cc) ---

Json Sector() { return Object({{"id", Str()}, {"name_ja", Str()}, {"name_en", Str()}, {"ministry", Str()}}); }

Json Ministry() {
  return Object({{"id", Str()}, {"name_ja", Str()}, {"name_en", Str()}, {"sectors", Strings()}});
}

Json Figure() { return Object({{"ja", Str()}, {"en", Str()}}, {{"count", Int(0, 1'000'000'000)}}); }

Json Ceptoar() {
  return Object({{"id", Str()},
                 {"name_ja", Str()},
                 {"name_en", Str()},
                 {"sector", Str()},
                 {"scope_ja", Str()},
                 {"scope_en", Str()},
                 {"secretariats", Strings()},
                 {"members", Ref("Figure")},
                 {"further_recipients", Ref("Figure")}});
}

Json Group() { return Object({{"id", Str()}, {"name_ja", Str()}, {"name_en", Str()}, {"nda", Bool()}}); }

Json Organization() {
  return Object(
      {{"id", Str()},
       {"kind", Enum(kOrgKindNames)},
       {"name_ja", Str()},
       {"name_en", Str()},
       {"sectors", Strings()},
       {"ceptoars", Strings()},
       {"groups", Strings()},
       {"aliases", Described(Strings(), "other names it goes by")},
       {"domains", Described(Strings(), "its internet domains")},
       {"contacts",
        Described(Array(Object({{"name", Str()}, {"backup", Bool()}}, {{"email", Str()}, {"phone", Str()}})),
                  "e-mail and phone for the organization itself, NISC, the ministry of one of its "
                  "sectors and the secretariat of one of its CEPTOARs; names for others")}});
}

Json OrganizationIn() {
  Json ids = Array(Str(kIdLimits), kMaxOrganizationLinks);
  return Object({{"id", Str(kIdLimits)},
                 {"kind", Enum(kOrgKindNames)},
                 {"name_ja", Str(kNameLimits)},
                 {"name_en", Str(kNameLimits)}},
                {{"sectors", ids},
                 {"ceptoars", ids},
                 {"groups", ids},
                 {"aliases", Described(Array(Str(1, kNameLimits.max), kMaxAliases),
                                       "other names it goes by: hidden with its name in anonymized reports")},
                 {"domains", Described(Array(Str(kDomainLimits), kMaxDomains),
                                       "its internet domains, lower case: hidden in anonymized reports")},
                 {"contacts", Array(Object({{"name", Str(kNameLimits)}},
                                           {{"email", Str(kEmailLimits)}, {"phone", Str(kPhoneLimits)}}),
                                    kMaxContacts)}});
}

Json Principal() {
  return Object(
      {{"id", Str()},
       {"organization", Str()},
       {"name", Str()},
       {"roles", Array(Enum(kRoleNames))},
       {"created_at", DateTime()}},
      {{"disabled_at", Described(DateTime(), "when an administrator disabled it; absent when active")},
       {"language", Described(LanguageEnum(), "the language the person chose; absent until then")}});
}

Json PrincipalUpdateIn() {
  return Object({}, {{"disabled", Described(Bool(), "true disables, false enables")},
                     {"roles", Array(Enum(kRoleNames), kMaxRoles)}});
}

Json LanguageIn() { return Object({{"language", LanguageEnum()}}); }

Json PrincipalIn() {
  return Object({{"id", Str(kIdLimits)},
                 {"organization", Str(kIdLimits)},
                 {"name", Str(kNameLimits)},
                 {"roles", Array(Enum(kRoleNames), kMaxRoles)}});
}

Json TokenIn() { return Object({}, {{"label", Str(kTokenLabelLimits)}}); }

Json IssuedToken() {
  return Object({{"id", Str()},
                 {"principal", Str()},
                 {"label", Str()},
                 {"created_at", DateTime()},
                 {"token", Described(Str(), "the bearer token; shown once, never stored")}});
}

Json SignInIn() {
  return Object(
      {{"principal", Str(kIdLimits)}},
      {{"password", Described(Str(kPasswordFieldLimits), "the password (not with setup_code)")},
       {"setup_code", Described(Str(kPasswordFieldLimits), "a one-time setup code from an administrator")},
       {"new_password",
        Described(Str(kPasswordFieldLimits),
                  fmt::format("the password to set with setup_code: at least {} characters, not a "
                              "common one",
                              kMinPasswordLength))}});
}

Json Session() {
  return Object({{"principal", Ref(kPrincipal)},
                 {"organization", Ref(kOrganization)},
                 {"csrf_token", Described({{"type", {"string", "null"}}},
                                          "send it as X-CSRF-Token with every change made with the session "
                                          "cookie; null for a bearer token")}},
                {{"expires_at", Described(DateTime(), "when the session ends at the latest")}});
}

Json PasswordChangeIn() {
  return Object(
      {{"current_password", Str(kPasswordFieldLimits)}, {"new_password", Str(kPasswordFieldLimits)}});
}

Json SetupCode() {
  return Object({{"principal", Str()}, {"setup_code", Described(Str(), "shown once; valid 72 hours")}});
}

Json AuditEvent() {
  return Object({{"seq", Int(1, INT64_MAX)},
                 {"at", DateTime()},
                 {"actor_principal", Str()},
                 {"actor_organization", Str()},
                 {"action", Str()},
                 {"target_kind", Str()},
                 {"target_id", Str()},
                 {"detail", AnyObject()},
                 {"hash", Str()}});
}

// --- severity (domain/severity/assess.cc, service/assessment_service.cc) ---

Json Assessment() {
  Json j{{"type", "object"},
         {"required", {"policy", "level", "level_name", "viewpoints", "fired_rules", "missing_facts"}},
         {"properties",
          {{"policy", Object({{"id", Str()}, {"version", Str()}})},
           {"level", Int()},
           {"level_name", Object({{"ja", Str()}, {"en", Str()}})},
           {"viewpoints", Array(Object({{"viewpoint", Str()}, {"level", Int()}}))},
           {"fired_rules", Array(AnyObject())},
           {"missing_facts", Strings()}}}};
  j["description"] = "the level, and every rule that fired with the facts that made it fire";
  return j;
}

Json PreviewIn() {
  return Object({{"facts", Facts()}},
                {{"sector", Described(Str(kIdLimits), "default: the caller's organization's first sector")},
                 {"policy", Described(Str(kIdLimits), "default: the policy in force")}});
}

Json Preview() { return Object({{"assessment", Ref("Assessment")}, {"response_plan", AnyObject()}}); }

Json ReviewIn() {
  return Object({{"action", Enum({"confirm", "override"})}, {"justification", Str(kJustificationLimits)}},
                {{"level", Described(Int(), "required with override, within the policy's scale")}});
}

Json Policy() {
  return Object({{"id", Str()},
                 {"version", Str()},
                 {"title_ja", Str()},
                 {"title_en", Str()},
                 {"in_force", Bool()},
                 {"levels", Array(Object({{"level", Int()}, {"ja", Str()}, {"en", Str()}}))}});
}

// --- alerts and webhooks (domain/alert/alert_json.cc, service/alert_service.cc) ---

Json AlertHeadMembers(Json object) {
  return With(std::move(object), {{"id", Str()},
                                  {"space", Str()},
                                  {"kind", Enum(kAlertKindNames)},
                                  {"report_id", Str()},
                                  {"level", Int(-1, 5)},
                                  {"title", Str()},
                                  {"message", Str()},
                                  {"raised_by_organization", Str()},
                                  {"raised_by_principal", Str()},
                                  {"ack_minutes", Int()},
                                  {"created_at", DateTime()}});
}

Json Summary() {
  Json j = Object({{"recipients", Int(0, INT64_MAX)}});
  for (const auto& n : kDeliveryStateNames) {
    j["properties"][std::string(n.name)] = Int(0, INT64_MAX);
    j["required"].push_back(n.name);
  }
  return j;
}

Json Recipient() {
  return Object({{"organization", Str()},
                 {"reason", Enum(kRecipientReasonNames)},
                 {"escalated_from", Str()},
                 {"step", Int(0, 100)},
                 {"contacts", Strings()},
                 {"must_acknowledge", Bool()},
                 {"deadline", OptionalDateTime()},
                 {"state", Enum(kDeliveryStateNames)},
                 {"queued_at", DateTime()},
                 {"delivered_at", OptionalDateTime()},
                 {"acknowledged_at", OptionalDateTime()},
                 {"escalated_at", OptionalDateTime()},
                 {"failed_at", OptionalDateTime()},
                 {"acknowledged_by", Str()},
                 {"channels", Array(Object({{"channel", Str()},
                                            {"state", Enum(kDeliveryStateNames)},
                                            {"at", DateTime()},
                                            {"attempts", Int()},
                                            {"detail", Str()}}))}});
}

Json Alert() {
  return With(
      AlertHeadMembers(Object({})), {{"recipients", Array(Ref("Recipient"))}},
      {{"summary", Described(Ref("AlertSummary"), "for the raiser and NISC, who see every recipient")}});
}

Json AlertIn() {
  return Object(
      {{"kind", Enum({"early_warning", "recovery_method", "notice"})},
       {"title", Str(kNameLimits)},
       {"recipients", Object({}, {{"organizations", Array(Str(kIdLimits), kMaxAlertOrganizations)},
                                  {"sectors", Array(Str(kIdLimits), kMaxAlertSectors)},
                                  {"ceptoars", Array(Str(kIdLimits), kMaxAlertCeptoars)},
                                  {"everyone", Bool()}})}},
      {{"message", Str(kAlertMessageLimits)},
       {"report_id", Str(kIdLimits)},
       {"level", Int(0, kMaxAlertLevel)},
       {"ack_minutes", Described(Int(1, kMaxAckMinutes), fmt::format("default {}", kDefaultAckMinutes))}});
}

Json AckIn() { return Object({}, {{"note", Str(kNoteLimits)}}); }

Json Webhook() {
  return Object(
      {{"id", Str()},
       {"organization", Str()},
       {"space", Str()},
       {"url", Str()},
       {"active", Bool()},
       {"created_by", Str()},
       {"created_at", DateTime()},
       {"disabled_at", OptionalDateTime()}},
      {{"secret", Described(Str(), "the HMAC signing secret; only in the answer to the registration")}});
}

Json WebhookIn() { return Object({{"url", Str(kWebhookUrlLimits)}}); }

Json WebhookDelivery() {
  return Object({{"id", Int(0, INT64_MAX)},
                 {"webhook_id", Str()},
                 {"event_seq", Int(0, INT64_MAX)},
                 {"event_type", Str()},
                 {"body", Str()},
                 {"state", Enum(kWebhookDeliveryStateNames)},
                 {"attempts", Int()},
                 {"created_at", DateTime()},
                 {"next_attempt_at", DateTime()},
                 {"last_attempt_at", OptionalDateTime()},
                 {"delivered_at", OptionalDateTime()},
                 {"last_status", Int(0, 999)},
                 {"last_error", Str()}});
}

// --- the system (http/problem.cc, api/system_handlers.cc) ---

Json Problem() {
  return Object({{"type", Described(Str(), "urn:infrashare:problem:CODE")},
                 {"title", Str()},
                 {"status", Int(400, 599)},
                 {"detail", Str()},
                 {"code", Str()}},
                {{"field", Described(Str(), "the field at fault, as a JSON path (`indicators[2].value`)")},
                 {"reason", Described(Str(),
                                      "a stable key naming this kind of failure (`sign_in_locked`), for a "
                                      "client to show in its own language")}});
}

}  // namespace

Json Ref(std::string_view name) { return {{"$ref", "#/components/schemas/" + std::string(name)}}; }

Json IdParam() { return Str(kIdLimits); }
Json CursorParam() { return Str(); }
Json PageLimit() { return Int(1, kMaxPageSize); }
Json AuditLimit() { return Int(1, AuditService::kMaxPage); }
Json OrganizationLimit() { return Int(1, kMaxOrganizationPage); }
Json Sequence() { return Int(0, INT64_MAX); }
Json DateTimeParam() { return DateTime(); }
Json TextQuery() { return Str(0, kMaxTextQueryBytes); }
Json BoolParam() { return Enum({"true", "false"}); }
Json ReportKindParam() { return Enum(kReportKindNames); }
Json RouteParam() { return Enum(kRouteNames); }
Json TlpParam() { return Enum(kTlpNames); }
Json OrgKindParam() { return Enum(kOrgKindNames); }

Json ComponentSchemas() {
  return Json{
      {kProblem, Problem()},
      {kHealth, Object({{"status", Enum({"ok"})}})},
      {kOpenApi, Described(AnyObject(), "an OpenAPI 3.1 document")},
      {"Audience", AudienceOut()},
      {"AudienceInput", AudienceIn()},
      {"Indicator", IndicatorOut()},
      {"ReportContent", ContentOut()},
      {kReport, Report()},
      {"Revision", Revision()},
      {kReportPage, PageOf(kReport)},
      {kRevisionList, ItemsOf("Revision")},
      {kReportSubmission, Submission()},
      {kSubmissionPreview, SubmissionPreview()},
      {kReportUpdate, Update()},
      {kRelayRequest, Relay()},
      {"Sector", Sector()},
      {kSectorList, ItemsOf("Sector")},
      {"Ministry", Ministry()},
      {kMinistryList, ItemsOf("Ministry")},
      {"Figure", Figure()},
      {"Ceptoar", Ceptoar()},
      {kCeptoarList, ItemsOf("Ceptoar")},
      {"SharingGroup", Group()},
      {kGroupList, ItemsOf("SharingGroup")},
      {kOrganization, Organization()},
      {kOrganizationPage,
       Object({{"items", Array(Ref(kOrganization))},
               {"total", Described({{"type", "integer"}, {"minimum", 0}}, "how many organizations match")}})},
      {kOrganizationInput, OrganizationIn()},
      {kPrincipal, Principal()},
      {kPrincipalList, ItemsOf(kPrincipal)},
      {kPrincipalInput, PrincipalIn()},
      {kTokenRequest, TokenIn()},
      {kIssuedToken, IssuedToken()},
      {kSignInRequest, SignInIn()},
      {kSession, Session()},
      {kPasswordChange, PasswordChangeIn()},
      {kPrincipalUpdate, PrincipalUpdateIn()},
      {kLanguageChoice, LanguageIn()},
      {kSetupCode, SetupCode()},
      {kSetupCodeRequest, Described(Object({}), "no options yet: {}")},
      {"AuditEvent", AuditEvent()},
      {kAuditPage, ItemsOf("AuditEvent")},
      {"Assessment", Assessment()},
      {kAssessmentRequest, PreviewIn()},
      {kAssessmentPreview, Preview()},
      {kReviewRequest, ReviewIn()},
      {"Policy", Policy()},
      {kPolicyList, ItemsOf("Policy")},
      {"AlertSummary", Summary()},
      {kRecipient, Recipient()},
      {kAlertCreated, With(AlertHeadMembers(Object({})), {{"summary", Ref("AlertSummary")}})},
      {kAlert, Alert()},
      {kAlertPage, PageOf(kAlert)},
      {kAlertRequest, AlertIn()},
      {kAckRequest, AckIn()},
      {kWebhook, Webhook()},
      {kWebhookList, ItemsOf(kWebhook)},
      {kWebhookRequest, WebhookIn()},
      {"WebhookDelivery", WebhookDelivery()},
      {kDeliveryPage, PageOf("WebhookDelivery")},
      {kEventStream, Described(Str(),
                               "Server-Sent Events: `id`, `event` (report.created, alert.raised, …) "
                               "and `data` (the record as the caller may see it) per event")},
  };
}

}  // namespace infrashare::schema
