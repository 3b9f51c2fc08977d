// The REST API's one route table (api/routes.cc): one line a route — method,
// pattern, who may call it, the named handler, a summary, and the schemas of
// its request and response bodies. AddRoutes binds each line to the http
// Router; OpenApiDocument (api/openapi.h) is generated from the same lines.
//
// Authentication by the line: before a handler runs, the gate
// (route_gate.cc) authenticates the request — a bearer token with
// AuthService, or the browser's session cookie with SessionService and the
// CSRF check of http/cookie.h — and checks the line's Access —
// kPublic: no check, the header is ignored; kToken: an authenticated caller
// (401 otherwise); kRole: one of its roles too (403 otherwise). The refusals
// are Caller::RequireAuthenticated / Caller::RequireAny, the same errors the
// services give, through the one Error -> HTTP mapping (http/problem.h).
// Services keep their own checks (the command line calls them too).
//
// Thread behaviour: the table is immutable; handlers are called from many
// worker threads at once and hold no state beyond the Services reference.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <initializer_list>
#include <span>
#include <string_view>

#include "common/json.h"
#include "domain/registry/principal.h"
#include "http/http.h"
#include "http/router.h"
#include "service/services.h"

namespace infrashare {

struct StreamLimits {
  size_t max_buffered_bytes = size_t{1} << 20;  // per connection; beyond it a slow client is cut off
  std::chrono::milliseconds heartbeat{15000};
};

// Who may call a route: anybody, any authenticated caller, or one holding
// any of a set of roles.
struct Access {
  enum class Level { kPublic, kToken, kRole };
  Level level = Level::kToken;
  std::array<Role, kRoleNames.size()> role_set{};  // kRole only: the first role_count
  size_t role_count = 0;

  std::span<const Role> roles() const { return {role_set.data(), role_count}; }

  static constexpr Access Public() { return {Level::kPublic}; }
  static constexpr Access Token() { return {Level::kToken}; }
  static constexpr Access WithRole(Role role) { return WithAnyRole({role}); }
  static constexpr Access WithAnyRole(std::initializer_list<Role> roles) {
    Access a{Level::kRole};
    for (Role r : roles) a.role_set[a.role_count++] = r;
    return a;
  }
};

// What a handler is handed: the request, its caller (authenticated as the
// line demands; unauthenticated on a public route) and the services.
struct ApiCall {
  Services& services;
  const Caller& caller;
  const HttpRequest& request;
  const StreamLimits& stream_limits;
};

// A named handler: parse, call one service, render. Errors go through
// ProblemResponse. A handler of a line with `non_blocking` must never block.
using ApiHandler = HttpResponse (*)(const ApiCall& call);

// A handler and its name, which is also the operation's operationId in the
// OpenAPI document (routes.cc writes both from one token).
struct NamedHandler {
  ApiHandler fn;
  std::string_view name;
};

// A query parameter a route reads; its schema comes from `schema()`.
struct QueryParam {
  std::string_view name;
  std::string_view description;
  Json (*schema)();
};

// One response a route gives besides its errors (which are all problem+json).
struct ResponseSpec {
  int status = 200;
  std::string_view schema;  // a name in components.schemas (api/schemas.h); "" for no body
  std::string_view media_type = "application/json";
  std::string_view description = "";
};

struct ApiRoute {
  std::string_view method;
  std::string_view pattern;
  Access access;
  NamedHandler handler;
  std::string_view summary;
  std::string_view request_schema;  // "" for a route without a body
  std::span<const ResponseSpec> responses;
  std::span<const QueryParam> query = {};
  // Tried on the network thread first with the authentication cache only
  // (Router::Add with try_now); answered on the pool when the cache misses.
  bool non_blocking = false;
};

// Every line of the table, in the order of the OpenAPI document.
std::span<const ApiRoute> ApiRoutes();

// Adds every line of ApiRoutes() to `router`, each behind its gate.
// REQUIRES: `services` outlives `router`'s use.
void AddRoutes(Router& router, Services& services, StreamLimits stream_limits = {});

}  // namespace infrashare
