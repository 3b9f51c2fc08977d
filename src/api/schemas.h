// The JSON Schemas (2020-12, as OpenAPI 3.1 uses them) of every request and
// response body of the API, written once: the route table (api/routes.cc)
// names them, the OpenAPI document carries them under components.schemas.
// They follow what the handlers render (domain/*/..._json.cc, the handlers'
// own small objects) and what the services parse (service/report_input.cc,
// the ObjectReader calls of each service): a response schema lists every
// member the server writes and forbids others; a request schema forbids
// members the server would reject as unknown.
//
// Thread behaviour: pure functions of constants.
#pragma once

#include <string_view>

#include "common/json.h"

namespace infrashare::schema {

// Names in components.schemas, for the route table.
inline constexpr std::string_view kProblem = "Problem";
inline constexpr std::string_view kHealth = "Health";
inline constexpr std::string_view kOpenApi = "OpenApiDocument";
inline constexpr std::string_view kReport = "Report";
inline constexpr std::string_view kReportPage = "ReportPage";
inline constexpr std::string_view kRevisionList = "RevisionList";
inline constexpr std::string_view kReportSubmission = "ReportSubmission";
inline constexpr std::string_view kReportUpdate = "ReportUpdate";
inline constexpr std::string_view kSubmissionPreview = "SubmissionPreview";
inline constexpr std::string_view kRelayRequest = "RelayRequest";
inline constexpr std::string_view kSectorList = "SectorList";
inline constexpr std::string_view kMinistryList = "MinistryList";
inline constexpr std::string_view kCeptoarList = "CeptoarList";
inline constexpr std::string_view kGroupList = "SharingGroupList";
inline constexpr std::string_view kOrganization = "Organization";
inline constexpr std::string_view kOrganizationPage = "OrganizationPage";
inline constexpr std::string_view kOrganizationInput = "OrganizationInput";
inline constexpr std::string_view kPrincipal = "Principal";
inline constexpr std::string_view kPrincipalList = "PrincipalList";
inline constexpr std::string_view kPrincipalInput = "PrincipalInput";
inline constexpr std::string_view kTokenRequest = "TokenRequest";
inline constexpr std::string_view kIssuedToken = "IssuedToken";
inline constexpr std::string_view kAuditPage = "AuditEventList";
inline constexpr std::string_view kSignInRequest = "SignInRequest";
inline constexpr std::string_view kSession = "Session";
inline constexpr std::string_view kPasswordChange = "PasswordChange";
inline constexpr std::string_view kPrincipalUpdate = "PrincipalUpdate";
inline constexpr std::string_view kLanguageChoice = "LanguageChoice";
inline constexpr std::string_view kSetupCode = "SetupCode";
inline constexpr std::string_view kSetupCodeRequest = "SetupCodeRequest";
inline constexpr std::string_view kAssessmentRequest = "AssessmentPreviewRequest";
inline constexpr std::string_view kAssessmentPreview = "AssessmentPreview";
inline constexpr std::string_view kReviewRequest = "AssessmentReviewRequest";
inline constexpr std::string_view kPolicyList = "PolicyList";
inline constexpr std::string_view kAlertRequest = "AlertRequest";
inline constexpr std::string_view kAlertCreated = "AlertCreated";
inline constexpr std::string_view kAlert = "Alert";
inline constexpr std::string_view kAlertPage = "AlertPage";
inline constexpr std::string_view kAckRequest = "AcknowledgementRequest";
inline constexpr std::string_view kRecipient = "Recipient";
inline constexpr std::string_view kWebhookRequest = "WebhookRequest";
inline constexpr std::string_view kWebhook = "Webhook";
inline constexpr std::string_view kWebhookList = "WebhookList";
inline constexpr std::string_view kDeliveryPage = "WebhookDeliveryPage";
inline constexpr std::string_view kEventStream = "EventStream";

// components.schemas: every schema above, by name, with the ones they use.
Json ComponentSchemas();

// {"$ref": "#/components/schemas/NAME"}.
Json Ref(std::string_view name);

// Schemas of query parameters, for the route table's QueryParam lines.
Json IdParam();        // a registry or record id
Json CursorParam();    // a cursor this server issued
Json PageLimit();      // 1..200
Json AuditLimit();     // 1..AuditService::kMaxPage
Json OrganizationLimit();  // 1..kMaxOrganizationPage
Json Sequence();       // an integer >= 0
Json DateTimeParam();  // RFC 3339
Json TextQuery();      // free text, at most 200 bytes
Json BoolParam();      // "true" or "false"
Json ReportKindParam();
Json RouteParam();
Json TlpParam();
Json OrgKindParam();

}  // namespace infrashare::schema
