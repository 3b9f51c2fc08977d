// What every handler does the same way: authenticate, parse a JSON body,
// render a result or an error. Keeps the handlers one screen each.
#pragma once

#include <functional>
#include <optional>

#include "common/json.h"
#include "http/http.h"
#include "http/problem.h"
#include "service/services.h"

namespace infrashare {

// Authenticates the request (Authorization header) and runs `fn` with the
// caller; errors become problem+json.
HttpResponse WithCaller(Services& services, const HttpRequest& request,
                        const std::function<HttpResponse(const Caller&)>& fn);

// WithCaller for a non-blocking handler (Router::Add with try_now): the
// caller comes from the authentication cache only; nullopt when
// authenticating needs the store (the route's blocking handler answers then).
std::optional<HttpResponse> WithCachedCaller(Services& services, const HttpRequest& request,
                                             const std::function<HttpResponse(const Caller&)>& fn);

// Parses the request body as JSON and runs `fn` with it.
HttpResponse WithJsonBody(const HttpRequest& request, const std::function<HttpResponse(const Json&)>& fn);

// 2xx with `body` serialized, or the error's problem.
HttpResponse Render(int status, const Result<Json>& body);

}  // namespace infrashare
