// The route table: one line a route, in one place (Seastar's httpd
// `routes`). The api/ layer adds every endpoint at start-up; the server calls
// Dispatch for each request; an OpenAPI document is generated from routes().
//
//   Router router;
//   router.Add("GET", "/api/v1/reports/{id}", "Fetch one report", GetReport);
//   HttpResponse r = router.Dispatch(request);   // request.path_params["id"]
//
// Matching: the path is split on '/', each segment percent-decoded, then
// compared with the pattern's segments; "{name}" matches any one non-empty
// segment. When several patterns match, the one with a literal segment
// earliest wins ("/reports/search" before "/reports/{id}"). A path that no
// pattern matches answers 404; a path that matches only under other methods
// answers 405 with an Allow header. Both are problem+json.
//
// Exceptions: a handler that throws is a bug. Dispatch is the one place that
// catches it: the exception is logged (spdlog, error level) and the client
// gets a 500 problem whose detail is "internal error" — nothing from the
// exception reaches the client.
//
// Thread behaviour: Add is for start-up only (not thread-safe). After the
// last Add, Dispatch and routes() may be called from any number of threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/http.h"

namespace infrashare {

// One row of the table, as the OpenAPI generator sees it.
struct RouteInfo {
  std::string method;   // "GET"
  std::string pattern;  // "/api/v1/reports/{id}"
  std::string summary;  // one line for the OpenAPI document
};

// What Dispatch did: the response, and which route answered (nullptr for a
// 404/405 or a malformed path). The server logs the route's pattern, not the
// concrete path, so that no id ever reaches the access log.
struct DispatchResult {
  HttpResponse response;
  const RouteInfo* route = nullptr;  // points into the Router; valid while it lives
};

class Router {
 public:
  Router() = default;
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // REQUIRES: `pattern` starts with '/', parameters are whole segments
  // ("{id}"), and (method, pattern) was not added before. A violation is a bug
  // in the route table and throws std::invalid_argument at start-up.
  void Add(std::string method, std::string pattern, std::string summary, Handler handler);

  // Routes `request` (its method and path) and runs the handler with
  // path_params filled. Never throws.
  HttpResponse Dispatch(HttpRequest request) const;
  DispatchResult DispatchWithRoute(HttpRequest request) const;

  const std::vector<RouteInfo>& routes() const { return routes_; }

 private:
  struct Segment {
    std::string text;  // the literal, or the parameter's name
    bool is_param = false;
  };
  struct Entry {
    std::vector<Segment> segments;
    Handler handler;
  };

  // routes_[i] and entries_[i] describe the same route.
  std::vector<RouteInfo> routes_;
  std::vector<Entry> entries_;
};

}  // namespace infrashare
