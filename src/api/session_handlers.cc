#include "api/session_handlers.h"

#include "api/handler_support.h"
#include "domain/registry/registry_json.h"
#include "http/cookie.h"

namespace infrashare::api {
namespace {

// The Secure flag waits for the server to serve TLS.
constexpr bool kSecureCookies = false;

Json IdentityJson(const Principal& principal, const Organization* organization,
                  const std::optional<std::string>& csrf_token) {
  return Json{{"principal", ToJson(principal)},
              {"organization", organization ? ToJson(*organization) : Json(nullptr)},
              {"csrf_token", csrf_token ? Json(*csrf_token) : Json(nullptr)}};
}

// A new session's answer: who signed in, the CSRF token, and the cookie.
HttpResponse SessionStarted(int status, const ApiCall& call, const SignedIn& s) {
  Json body = IdentityJson(s.principal, call.caller.registry->FindOrganization(s.principal.organization),
                           s.csrf_token);
  body["expires_at"] = FormatRfc3339(s.expires_at);
  HttpResponse r = JsonResponse(status, body.dump());
  r.headers.emplace_back(
      "Set-Cookie", SessionCookie(s.session_id, call.services.sessions.limits().lifetime, kSecureCookies));
  return r;
}

}  // namespace

HttpResponse SignIn(const ApiCall& call) {
  // Exactly JSON: a cross-site page may send a body without a type (or with
  // a "simple" one) with no preflight, but never application/json.
  if (!call.request.Header("content-type").starts_with("application/json"))
    return ProblemResponse(Error{ErrorCode::kInvalidArgument, "the body must be application/json", ""});
  return WithJsonBody(call.request, [&](const Json& body) {
    auto s = call.services.sessions.SignIn(body);
    if (!s) return ProblemResponse(s.error());
    return SessionStarted(201, call, *s);
  });
}

HttpResponse WhoAmI(const ApiCall& call) {
  auto who = call.services.sessions.WhoAmI(call.caller, CookieValue(call.request, kSessionCookie));
  if (!who) return ProblemResponse(who.error());
  return JsonResponse(200, IdentityJson(who->principal, who->organization, who->csrf_token).dump());
}

HttpResponse SignOut(const ApiCall& call) {
  auto cookie = CookieValue(call.request, kSessionCookie);
  if (!cookie)
    return ProblemResponse(
        Error{ErrorCode::kInvalidArgument, "only a browser session (the cookie) signs out", "cookie"});
  if (auto r = call.services.sessions.SignOut(call.caller, *cookie); !r) return ProblemResponse(r.error());
  HttpResponse r{.status = 204, .content_type = "", .body = ""};
  r.headers.emplace_back("Set-Cookie", SessionCookie("", std::chrono::seconds(0), kSecureCookies));
  return r;
}

HttpResponse ChangePassword(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto s = call.services.sessions.ChangePassword(call.caller, body);
    if (!s) return ProblemResponse(s.error());
    return SessionStarted(200, call, *s);
  });
}

HttpResponse SetLanguage(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto p = call.services.sessions.SetLanguage(call.caller, body);
    return Render(200, p ? Result<Json>(ToJson(*p)) : std::unexpected(p.error()));
  });
}

HttpResponse IssueSetupCode(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    const std::string& id = call.request.path_params.at("id");
    auto code = call.services.sessions.IssueSetupCode(call.caller, id, body);
    if (!code) return ProblemResponse(code.error());
    return JsonResponse(201, Json{{"principal", id}, {"setup_code", *code}}.dump());
  });
}

}  // namespace infrashare::api
