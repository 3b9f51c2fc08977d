// The gate every line of the route table passes: authenticate (a bearer
// token, or the browser's session cookie with its CSRF check:
// http/cookie.h), check the line's Access, then run its handler (see
// route_table.h).
#include <optional>

#include "api/route_table.h"
#include "http/cookie.h"
#include "http/problem.h"

namespace infrashare {
namespace {

Result<void> Admit(const Access& access, const Caller& caller) {
  switch (access.level) {
    case Access::Level::kPublic:
      return {};
    case Access::Level::kToken:
      return caller.RequireAuthenticated();
    case Access::Level::kRole:
      return caller.RequireAny(access.roles());
  }
  return caller.RequireAuthenticated();
}

// Runs the line's handler for `caller` once it is admitted.
HttpResponse RunAdmitted(const ApiRoute& route, const ApiCall& call) {
  if (auto admitted = Admit(route.access, call.caller); !admitted) return ProblemResponse(admitted.error());
  return route.handler.fn(call);
}

// A public line ignores the Authorization header: it is judged against the
// registry as it is, for no one in particular.
Caller PublicCaller(Services& services) { return Caller{.registry = services.registry.Snapshot()}; }

class Gate {
 public:
  Gate(const ApiRoute& route, Services& services, const StreamLimits& limits)
      : route_(route), services_(services), limits_(limits) {}

  // On a worker thread: may read the store to authenticate.
  HttpResponse operator()(const HttpRequest& request) const {
    if (route_.access.level == Access::Level::kPublic)
      return RunAdmitted(route_, {services_, PublicCaller(services_), request, limits_});
    auto caller = Authenticate(request);
    if (!caller) return ProblemResponse(caller.error());
    return RunAdmitted(route_, {services_, *caller, request, limits_});
  }

  // On the network thread (non_blocking lines): the authentication cache
  // only; nullopt sends the request to operator() on the pool.
  std::optional<HttpResponse> TryNow(const HttpRequest& request) const {
    if (route_.access.level == Access::Level::kPublic) {
      auto registry = services_.registry.CachedSnapshot();
      if (!registry) return std::nullopt;
      return RunAdmitted(route_, {services_, Caller{.registry = std::move(registry)}, request, limits_});
    }
    const std::string authorization = request.Header("authorization");
    if (authorization.empty() && CookieValue(request, kSessionCookie)) return std::nullopt;
    auto caller = services_.auth.AuthenticateCached(authorization);
    if (!caller) return std::nullopt;
    if (!*caller) return ProblemResponse(caller->error());
    return RunAdmitted(route_, {services_, **caller, request, limits_});
  }

 private:
  // A bearer token when there is an Authorization header; otherwise the
  // browser's session cookie, whose changes must carry its CSRF token.
  Result<Caller> Authenticate(const HttpRequest& request) const {
    const std::string authorization = request.Header("authorization");
    auto cookie = CookieValue(request, kSessionCookie);
    if (!authorization.empty() || !cookie) return services_.auth.Authenticate(authorization);
    auto session = INFRASHARE_TRY(services_.sessions.Authenticate(*cookie));
    if (ChangesState(request.method)) INFRASHARE_TRY(CheckCsrf(request, session.csrf_token));
    return std::move(session.caller);
  }

  const ApiRoute& route_;  // a line of the static table
  Services& services_;
  const StreamLimits limits_;
};

}  // namespace

void AddRoutes(Router& router, Services& services, StreamLimits stream_limits) {
  for (const ApiRoute& route : ApiRoutes()) {
    Gate gate(route, services, stream_limits);
    if (route.non_blocking)
      router.Add(std::string(route.method), std::string(route.pattern), std::string(route.summary), gate,
                 [gate](const HttpRequest& request) { return gate.TryNow(request); });
    else
      router.Add(std::string(route.method), std::string(route.pattern), std::string(route.summary), gate);
  }
}

}  // namespace infrashare
