// The route table: every endpoint of the server, one line each (see
// api/route_table.h for the columns, api/schemas.h for the schema names).
#include <array>

#include "api/alert_handlers.h"
#include "api/registry_handlers.h"
#include "api/report_handlers.h"
#include "api/route_table.h"
#include "api/schemas.h"
#include "api/session_handlers.h"
#include "api/severity_handlers.h"
#include "api/stream_handlers.h"
#include "api/system_handlers.h"

namespace infrashare {
namespace {

namespace s = schema;
using A = Access;

// Query parameters, by the routes that read them.
constexpr QueryParam kReportFilters[] = {
    {"kind", "only reports of this kind", s::ReportKindParam},
    {"sector", "only reports naming this sector", s::IdParam},
    {"route", "only reports sent on this route", s::RouteParam},
    {"tlp", "only reports with this TLP marking", s::TlpParam},
    {"created_from", "created at or after", s::DateTimeParam},
    {"created_to", "created before", s::DateTimeParam},
    {"updated_since", "changed at or after", s::DateTimeParam},
    {"q", "words in the title or text", s::TextQuery},
    {"cursor", "the next_cursor of the page before", s::CursorParam},
    {"limit", "reports a page (default 50)", s::PageLimit},
};
constexpr QueryParam kPaging[] = {
    {"cursor", "the next_cursor of the page before", s::CursorParam},
    {"limit", "items a page (default 50)", s::PageLimit},
};
constexpr QueryParam kOrganizationFilters[] = {
    {"kind", "only organizations of this kind", s::OrgKindParam},
    {"sector", "only organizations in this sector", s::IdParam},
    {"q", "a part of the id or of the name in either language (width, case and separators aside)",
     s::TextQuery},
    {"limit", "the first this many (default all); total counts every match", s::OrganizationLimit},
};
constexpr QueryParam kAsOthersSee[] = {
    {"anonymized", "true: as if anonymized (a relay about to hide the source)", s::BoolParam},
};
constexpr QueryParam kPrincipalFilters[] = {
    {"organization", "only this organization's principals (default: the platform's all, or one's own)",
     s::IdParam},
};
constexpr QueryParam kAuditRange[] = {
    {"after", "events after this seq (default 0)", s::Sequence},
    {"limit", "events a page (default 100)", s::AuditLimit},
};
constexpr QueryParam kStreamStart[] = {
    {"last_event_id", "resume after this event id (the Last-Event-ID header wins)", s::Sequence},
};

// Responses, by shape.
constexpr ResponseSpec kHealthOk[] = {
    {200, s::kHealth, "application/json", "The server can serve"},
    {503, s::kProblem, "application/problem+json", "The database does not answer (Retry-After)"}};
constexpr ResponseSpec kOpenApiOk[] = {{200, s::kOpenApi}};
constexpr ResponseSpec kReportCreated[] = {
    {201, s::kReport, "application/json", "Stored; Location names it"}};
constexpr ResponseSpec kReportOk[] = {{200, s::kReport}};
constexpr ResponseSpec kSubmissionPreviewOk[] = {{200, s::kSubmissionPreview}};
constexpr ResponseSpec kReportPageOk[] = {{200, s::kReportPage}};
constexpr ResponseSpec kRevisionsOk[] = {{200, s::kRevisionList}};
constexpr ResponseSpec kSectorsOk[] = {{200, s::kSectorList}};
constexpr ResponseSpec kMinistriesOk[] = {{200, s::kMinistryList}};
constexpr ResponseSpec kCeptoarsOk[] = {{200, s::kCeptoarList}};
constexpr ResponseSpec kGroupsOk[] = {{200, s::kGroupList}};
constexpr ResponseSpec kOrganizationsOk[] = {{200, s::kOrganizationPage}};
constexpr ResponseSpec kOrganizationOk[] = {{200, s::kOrganization}};
constexpr ResponseSpec kOrganizationCreated[] = {{201, s::kOrganization}};
constexpr ResponseSpec kPrincipalCreated[] = {{201, s::kPrincipal}};
constexpr ResponseSpec kPrincipalOk[] = {{200, s::kPrincipal}};
constexpr ResponseSpec kPrincipalsOk[] = {{200, s::kPrincipalList}};
constexpr ResponseSpec kTokenCreated[] = {{201, s::kIssuedToken}};
constexpr ResponseSpec kNoContent[] = {{204, "", "", "Done"}};
constexpr ResponseSpec kSessionCreated[] = {
    {201, s::kSession, "application/json", "Signed in; Set-Cookie carries the session"}};
constexpr ResponseSpec kSessionOk[] = {{200, s::kSession}};
constexpr ResponseSpec kSessionRenewed[] = {
    {200, s::kSession, "application/json",
     "Changed; every other session ended, Set-Cookie carries a new one"}};
constexpr ResponseSpec kSignedOut[] = {{204, "", "", "Signed out; Set-Cookie deletes the cookie"}};
constexpr ResponseSpec kSetupCodeCreated[] = {{201, s::kSetupCode}};
constexpr ResponseSpec kAuditOk[] = {{200, s::kAuditPage}};
constexpr ResponseSpec kPreviewOk[] = {{200, s::kAssessmentPreview}};
constexpr ResponseSpec kPoliciesOk[] = {{200, s::kPolicyList}};
constexpr ResponseSpec kAlertCreated[] = {
    {201, s::kAlertCreated, "application/json", "Raised; Location names it"}};
constexpr ResponseSpec kAlertPageOk[] = {{200, s::kAlertPage}};
constexpr ResponseSpec kAlertOk[] = {{200, s::kAlert}};
constexpr ResponseSpec kRecipientOk[] = {{200, s::kRecipient}};
constexpr ResponseSpec kWebhookCreated[] = {
    {201, s::kWebhook, "application/json", "Registered; with its secret"}};
constexpr ResponseSpec kWebhooksOk[] = {{200, s::kWebhookList}};
constexpr ResponseSpec kWebhookOk[] = {{200, s::kWebhook}};
constexpr ResponseSpec kDeliveriesOk[] = {{200, s::kDeliveryPage}};
constexpr ResponseSpec kStreamOk[] = {
    {200, s::kEventStream, "text/event-stream", "Events until the client leaves"}};

// clang-format off
// A handler and its name from one token (route_table.h NamedHandler).
#define HANDLER(name) NamedHandler{api::name, #name}

const ApiRoute kRoutes[] = {
  // method, pattern, access, handler, summary, request body, responses, query parameters
  {"GET", "/healthz", A::Public(), HANDLER(Healthz),
   "200 when the server can serve (the database answers)", "", kHealthOk},
  {"GET", "/api/v1/openapi.json", A::Public(), HANDLER(GetOpenApi), "This document", "", kOpenApiOk},

  {"POST", "/api/v1/reports", A::WithRole(Role::kReporter), HANDLER(SubmitReport),
   "Submit a report (reporter role); the route decides its recipients", s::kReportSubmission, kReportCreated},
  {"POST", "/api/v1/reports/preview", A::WithRole(Role::kReporter), HANDLER(PreviewReport),
   "What submitting this report would do, storing nothing: its severity assessment and response plan, and who "
   "would receive it (the route's trail, then the audience once released)", s::kReportSubmission,
   kSubmissionPreviewOk},
  {"GET", "/api/v1/reports", A::Token(), HANDLER(ListReports),
   "List the reports the caller may see, newest first (filters: kind, sector, route, tlp, created_from, "
   "created_to, updated_since, q; cursor, limit)", "", kReportPageOk, kReportFilters},
  {"GET", "/api/v1/reports/{id}", A::Token(), HANDLER(GetReport),
   "Fetch one report as the caller may see it", "", kReportOk},
  {"PATCH", "/api/v1/reports/{id}", A::WithRole(Role::kReporter), HANDLER(ReviseReport),
   "Revise a report (submitting organization); makes a new revision", s::kReportUpdate, kReportOk},
  {"POST", "/api/v1/reports/{id}/relay", A::WithRole(Role::kRelay), HANDLER(RelayReport),
   "Relay a report (relay role of the CEPTOAR secretariat or agency it was sent through)", s::kRelayRequest,
   kReportOk},
  {"GET", "/api/v1/reports/{id}/revisions", A::Token(), HANDLER(ListRevisions),
   "Every revision of a report, oldest first", "", kRevisionsOk},
  {"GET", "/api/v1/reports/{id}/as-others-see", A::Token(), HANDLER(ReportAsOthersSee),
   "The report as the organizations of its audience are shown it (its source scrubbed when anonymized): for "
   "its submitter or relay to check, also before the relay releases it; never more than the caller may see",
   "", kReportOk, kAsOthersSee},

  {"GET", "/api/v1/registry/sectors", A::Public(), HANDLER(ListSectors),
   "The CI sectors, in Japanese and English, with their ministry", "", kSectorsOk},
  {"GET", "/api/v1/registry/ministries", A::Public(), HANDLER(ListMinistries),
   "The sector ministries and the sectors under each", "", kMinistriesOk},
  {"GET", "/api/v1/registry/ceptoars", A::Public(), HANDLER(ListCeptoars),
   "The CEPTOARs with their secretariats, member and further-recipient figures from the plan", "", kCeptoarsOk},
  {"GET", "/api/v1/registry/groups", A::Token(), HANDLER(ListGroups),
   "Sharing groups (ISACs, councils)", "", kGroupsOk},
  {"GET", "/api/v1/registry/organizations", A::Token(), HANDLER(ListOrganizations),
   "Organizations (filters: kind, sector)", "", kOrganizationsOk, kOrganizationFilters},
  {"GET", "/api/v1/registry/organizations/{id}", A::Token(), HANDLER(GetOrganization),
   "One organization", "", kOrganizationOk},

  {"POST", "/api/v1/admin/organizations", A::WithRole(Role::kAdmin), HANDLER(AddOrganization),
   "Add an organization (admin of NISC)", s::kOrganizationInput, kOrganizationCreated},
  {"POST", "/api/v1/admin/principals", A::WithRole(Role::kAdmin), HANDLER(AddPrincipal),
   "Add a principal with roles (admin)", s::kPrincipalInput, kPrincipalCreated},
  {"PATCH", "/api/v1/admin/principals/{id}", A::WithRole(Role::kAdmin), HANDLER(UpdatePrincipal),
   "Disable or enable a principal, or change its roles (admin); disabling ends its sessions and refuses its "
   "tokens", s::kPrincipalUpdate, kPrincipalOk},
  {"GET", "/api/v1/admin/principals", A::WithRole(Role::kAdmin), HANDLER(ListPrincipals),
   "List principals (admin; filter: organization)", "", kPrincipalsOk, kPrincipalFilters},
  {"POST", "/api/v1/admin/principals/{id}/tokens", A::WithRole(Role::kAdmin), HANDLER(IssueToken),
   "Issue an API token for a principal (admin); the token is shown once", s::kTokenRequest, kTokenCreated},
  {"POST", "/api/v1/admin/principals/{id}/setup-code", A::WithRole(Role::kAdmin), HANDLER(IssueSetupCode),
   "Issue a one-time setup code for a principal's first sign-in, or reset its password (admin); shown once",
   s::kSetupCodeRequest, kSetupCodeCreated},
  {"POST", "/api/v1/session", A::Public(), HANDLER(SignIn),
   "Sign in (the browser UI): with a password, or a setup code and a new password; 10 failures in 15 minutes "
   "lock the name for 15 minutes", s::kSignInRequest, kSessionCreated},
  {"GET", "/api/v1/session", A::Token(), HANDLER(WhoAmI),
   "Who the caller is, and the session's CSRF token", "", kSessionOk},
  {"DELETE", "/api/v1/session", A::Token(), HANDLER(SignOut), "Sign out (the session cookie)", "", kSignedOut},
  {"PUT", "/api/v1/session/password", A::Token(), HANDLER(ChangePassword),
   "Change one's own password", s::kPasswordChange, kSessionRenewed},
  {"PUT", "/api/v1/session/language", A::Token(), HANDLER(SetLanguage),
   "Choose one's own language for the browser UI (answered in the session's principal)", s::kLanguageChoice,
   kPrincipalOk},
  {"GET", "/api/v1/admin/audit", A::WithRole(Role::kAdmin), HANDLER(ListAudit),
   "The audit trail, oldest first (admin; after, limit); what the caller's organization may not see is left "
   "out or has its source blanked", "", kAuditOk, kAuditRange},
  {"DELETE", "/api/v1/admin/tokens/{id}", A::WithRole(Role::kAdmin), HANDLER(RevokeToken),
   "Revoke an API token (admin)", "", kNoContent},

  {"POST", "/api/v1/assess", A::Token(), HANDLER(PreviewAssessment),
   "Preview a severity assessment and response plan for impact facts; stores nothing", s::kAssessmentRequest,
   kPreviewOk, {}, /*non_blocking=*/true},
  {"POST", "/api/v1/reports/{id}/assessment", A::WithRole(Role::kAnalyst), HANDLER(ReviewAssessment),
   "Confirm or override a report's severity (analysts of NISC or a ministry; justification required)",
   s::kReviewRequest, kReportOk},
  {"GET", "/api/v1/severity/policies", A::Public(), HANDLER(ListPolicies),
   "The severity policies loaded, and the one in force", "", kPoliciesOk},

  {"POST", "/api/v1/alerts", A::WithAnyRole({Role::kDutyOfficer, Role::kAnalyst}), HANDLER(RaiseAlert),
   "Raise a hotline alert by hand (NISC, a ministry, a CEPTOAR secretariat or a security agency); answers the "
   "alert with a summary, its recipients at the Location",
   s::kAlertRequest, kAlertCreated},
  {"GET", "/api/v1/alerts", A::Token(), HANDLER(ListAlerts),
   "List the alerts the caller's organization raised or received (NISC: all), newest first (cursor, limit)",
   "", kAlertPageOk, kPaging},
  {"GET", "/api/v1/alerts/{id}", A::Token(), HANDLER(GetAlert),
   "One alert with its recipients' delivery and acknowledgement states (a recipient sees its own row)", "",
   kAlertOk},
  {"POST", "/api/v1/alerts/{id}/ack", A::Token(), HANDLER(AcknowledgeAlert),
   "Acknowledge an alert for the caller's organization (a recipient)", s::kAckRequest, kRecipientOk},

  {"POST", "/api/v1/webhooks", A::WithRole(Role::kAdmin), HANDLER(RegisterWebhook),
   "Register a webhook endpoint for the caller's organization (admin); the answer shows its signing secret "
   "once", s::kWebhookRequest, kWebhookCreated},
  {"GET", "/api/v1/webhooks", A::Token(), HANDLER(ListWebhooks),
   "The caller's organization's webhooks", "", kWebhooksOk},
  {"DELETE", "/api/v1/webhooks/{id}", A::WithRole(Role::kAdmin), HANDLER(DisableWebhook),
   "Disable a webhook (admin); its delivery log stays", "", kWebhookOk},
  {"GET", "/api/v1/webhooks/{id}/deliveries", A::Token(), HANDLER(ListWebhookDeliveries),
   "A webhook's delivery log, newest first: attempts, last status and error (cursor, limit)", "", kDeliveriesOk,
   kPaging},

  {"GET", "/api/v1/stream", A::Token(), HANDLER(OpenStream),
   "Server-Sent Events: every event the caller's organization may see (reports, alerts, acknowledgements), "
   "with ids; resume with Last-Event-ID", "", kStreamOk, kStreamStart},
};
// clang-format on
#undef HANDLER

}  // namespace

std::span<const ApiRoute> ApiRoutes() { return kRoutes; }

}  // namespace infrashare
