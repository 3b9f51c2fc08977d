// The router: matches a request to a route and runs its handler (Seastar's
// httpd `routes`). The api/ layer adds every line of its route table
// (api/routes.cc) at start-up, each handler behind the gate that checks the
// line's authentication (api/route_gate.cc; http/ knows no service); the
// server calls Match and Run for each request.
//
//   Router router;
//   router.Add("GET", "/api/v1/reports/{id}", "Fetch one report", handler);
//   HttpResponse r = router.Dispatch(request);   // request.path_params["id"]
//
// Blocking and non-blocking routes: a handler may block (database calls), so
// the server runs it on its worker pool. A route whose answer is usually
// pure computation (the severity preview: parse, authenticate from the token
// cache, assess, render) is added with a second, non-blocking handler too;
// the server calls that one on its network thread, saving two thread
// hand-offs, and it answers nullopt when this request would have to block
// (a token not in the cache), so that the blocking handler answers on the
// pool instead. The server's steps: Match, then TryRunNonBlocking, then Run
// on the pool when that gave nothing.
//
// Matching: the path is split on '/', each segment percent-decoded, then
// compared with the pattern's segments; "{name}" matches any one non-empty
// segment. When several patterns match, the one with a literal segment
// earliest wins ("/reports/search" before "/reports/{id}"). A path that no
// pattern matches answers 404; a path that matches only under other methods
// answers 405 with an Allow header. Both are problem+json.
//
// Exceptions: a handler that throws is a bug. The router is the one place
// that catches it (Run, TryRunNonBlocking, Dispatch): the exception is logged
// (spdlog, error level) and the client gets a 500 problem whose detail is
// "internal error" — nothing from the exception reaches the client.
//
// Thread behaviour: Add is for start-up only (not thread-safe). After the
// last Add, Dispatch and routes() may be called from any number of threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http.h"

namespace infrashare {

// A route's answer computed without blocking, or nullopt when this request
// needs something that may block (the database, the network, a lock held
// across I/O). REQUIRES: never blocks; answers as the route's Handler would.
using NonBlockingHandler = std::function<std::optional<HttpResponse>(const HttpRequest&)>;

// One route, as the server's access log and the route tests see it.
struct RouteInfo {
  std::string method;         // "GET"
  std::string pattern;        // "/api/v1/reports/{id}"
  std::string summary;        // one line
  bool non_blocking = false;  // added with a NonBlockingHandler
};

// Where a request goes, found once by Router::Match before any handler runs.
struct RouteMatch {
  const RouteInfo* route = nullptr;  // null: no route; `refusal` answers (400, 404, 405)
  HttpResponse refusal;
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
  // The same for a route that can usually answer without blocking: `try_now`
  // first (on the server's network thread), `handler` when it declines.
  void Add(std::string method, std::string pattern, std::string summary, Handler handler,
           NonBlockingHandler try_now);

  // Finds the route for `request` (its method and path) and fills its
  // path_params. Runs no handler; never throws.
  RouteMatch Match(HttpRequest& request) const;
  // Runs the matched route's handler, or answers the refusal. May block (it
  // is the handler that may); never throws.
  DispatchResult Run(const RouteMatch& match, const HttpRequest& request) const;
  // The answer when it can be given without blocking: the refusal of an
  // unmatched request, or what a non-blocking route's try_now answered.
  // nullopt: call Run where blocking is allowed. Never blocks, never throws.
  std::optional<DispatchResult> TryRunNonBlocking(const RouteMatch& match, const HttpRequest& request) const;

  // Match then Run, in the caller's thread.
  HttpResponse Dispatch(HttpRequest request) const;
  DispatchResult DispatchWithRoute(HttpRequest request) const;

  // The answer to a GET that no route matches and whose first path segment
  // (decoded) is not `reserved` ("api": /api/… stays the API's, a 404
  // problem): the browser UI's files and pages (http/static_site.h).
  // `handler` must not block: it runs on the network thread. At most one
  // fallback; start-up only.
  void SetFallback(std::string reserved, std::string summary, Handler handler);

  const std::vector<RouteInfo>& routes() const { return routes_; }

 private:
  struct Segment {
    std::string text;  // the literal, or the parameter's name
    bool is_param = false;
  };
  struct Entry {
    std::vector<Segment> segments;
    Handler handler;
    NonBlockingHandler try_now;  // empty for a blocking route
  };

  const Entry& EntryOf(const RouteInfo& route) const {
    return &route == &fallback_route_ ? fallback_entry_ : entries_[&route - routes_.data()];
  }

  // routes_[i] and entries_[i] describe the same route.
  std::vector<RouteInfo> routes_;
  std::vector<Entry> entries_;
  // SetFallback's; the pattern is empty while there is none.
  std::string reserved_segment_;
  RouteInfo fallback_route_;
  Entry fallback_entry_;
};

}  // namespace infrashare
