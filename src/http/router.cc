#include "http/router.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <stdexcept>

#include "http/problem.h"

namespace infrashare {
namespace {

// "/a/b/" -> {"a", "b", ""}; "/" -> {""}. The leading '/' is not a segment.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> parts;
  path.remove_prefix(1);
  while (true) {
    size_t slash = path.find('/');
    parts.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return parts;
}

// The one place where a handler's exception becomes a response: runs
// `call` (a handler of `route`); an exception is logged and answers 500.
template <class Call>
auto Guarded(const RouteInfo& route, const Call& call) -> decltype(call()) {
  try {
    return call();
  } catch (const std::exception& e) {
    spdlog::error("handler for {} {} threw: {}", route.method, route.pattern, e.what());
  } catch (...) {
    spdlog::error("handler for {} {} threw a non-standard exception", route.method, route.pattern);
  }
  return ProblemResponse(Error{ErrorCode::kInternal, "", ""});
}

}  // namespace

void Router::Add(std::string method, std::string pattern, std::string summary, Handler handler,
                 NonBlockingHandler try_now) {
  if (!try_now) throw std::invalid_argument("route has an empty non-blocking handler: " + pattern);
  Add(std::move(method), std::move(pattern), std::move(summary), std::move(handler));
  routes_.back().non_blocking = true;
  entries_.back().try_now = std::move(try_now);
}

void Router::Add(std::string method, std::string pattern, std::string summary, Handler handler) {
  if (pattern.empty() || pattern.front() != '/')
    throw std::invalid_argument("route pattern must start with '/': " + pattern);
  if (!handler) throw std::invalid_argument("route has no handler: " + pattern);
  for (const auto& route : routes_)
    if (route.method == method && route.pattern == pattern)
      throw std::invalid_argument("route added twice: " + method + " " + pattern);
  Entry entry{.handler = std::move(handler)};
  for (std::string_view part : SplitPath(pattern)) {
    bool opens = part.starts_with('{');
    bool closes = part.ends_with('}');
    if (opens != closes || (opens && part.size() < 3) ||
        (!opens && (part.find('{') != std::string_view::npos || part.find('}') != std::string_view::npos)))
      throw std::invalid_argument("route parameter must be a whole segment like {id}: " + pattern);
    if (opens)
      entry.segments.push_back({std::string(part.substr(1, part.size() - 2)), true});
    else
      entry.segments.push_back({std::string(part), false});
  }
  routes_.push_back({std::move(method), std::move(pattern), std::move(summary)});
  entries_.push_back(std::move(entry));
}

void Router::SetFallback(std::string reserved, std::string summary, Handler handler) {
  if (!handler) throw std::invalid_argument("fallback has no handler");
  if (!fallback_route_.pattern.empty()) throw std::invalid_argument("fallback set twice");
  reserved_segment_ = std::move(reserved);
  fallback_route_ = {.method = "GET", .pattern = "/*", .summary = std::move(summary), .non_blocking = true};
  Handler shared = std::move(handler);
  fallback_entry_ = {
      .handler = shared,
      .try_now = [shared](const HttpRequest& r) -> std::optional<HttpResponse> { return shared(r); }};
}

HttpResponse Router::Dispatch(HttpRequest request) const {
  return DispatchWithRoute(std::move(request)).response;
}

DispatchResult Router::DispatchWithRoute(HttpRequest request) const {
  const RouteMatch match = Match(request);
  return Run(match, request);
}

DispatchResult Router::Run(const RouteMatch& match, const HttpRequest& request) const {
  if (match.route == nullptr) return {match.refusal};
  const Entry& entry = EntryOf(*match.route);
  return {Guarded(*match.route, [&] { return entry.handler(request); }), match.route};
}

std::optional<DispatchResult> Router::TryRunNonBlocking(const RouteMatch& match, const HttpRequest& request) const {
  if (match.route == nullptr) return DispatchResult{match.refusal};
  const Entry& entry = EntryOf(*match.route);
  if (!entry.try_now) return std::nullopt;
  std::optional<HttpResponse> answer = Guarded(*match.route, [&] { return entry.try_now(request); });
  if (!answer) return std::nullopt;
  return DispatchResult{std::move(*answer), match.route};
}

RouteMatch Router::Match(HttpRequest& request) const {
  if (request.path.empty() || request.path.front() != '/')
    return {.refusal = ProblemResponse(Error{ErrorCode::kInvalidArgument, "the request path must start with '/'", ""})};
  std::vector<std::string> segments;
  for (std::string_view raw : SplitPath(request.path)) {
    auto decoded = PercentDecode(raw, false);
    if (!decoded) return {.refusal = ProblemResponse(decoded.error())};
    segments.push_back(std::move(*decoded));
  }

  // Among the routes whose pattern matches the path, pick the most specific
  // one for this method: the first literal segment wins over a parameter.
  std::optional<size_t> best;
  std::vector<bool> best_shape;
  std::vector<std::string> allowed;
  for (size_t i = 0; i < entries_.size(); ++i) {
    const auto& pattern = entries_[i].segments;
    if (pattern.size() != segments.size()) continue;
    std::vector<bool> shape;  // true where the pattern has a literal
    bool matches = true;
    for (size_t s = 0; s < pattern.size() && matches; ++s) {
      if (pattern[s].is_param)
        matches = !segments[s].empty();
      else
        matches = pattern[s].text == segments[s];
      shape.push_back(!pattern[s].is_param);
    }
    if (!matches) continue;
    if (routes_[i].method != request.method) {
      if (std::ranges::find(allowed, routes_[i].method) == allowed.end())
        allowed.push_back(routes_[i].method);
      continue;
    }
    if (!best || shape > best_shape) {
      best = i;
      best_shape = std::move(shape);
    }
  }
  if (!best) {
    if (!allowed.empty()) return {.refusal = MethodNotAllowedResponse(allowed)};
    if (!fallback_route_.pattern.empty() && request.method == "GET" && segments.front() != reserved_segment_)
      return {.route = &fallback_route_};
    return {.refusal = ProblemResponse(Error{ErrorCode::kNotFound, "there is no endpoint at this path", ""})};
  }

  const auto& pattern = entries_[*best].segments;
  for (size_t s = 0; s < pattern.size(); ++s)
    if (pattern[s].is_param) request.path_params[pattern[s].text] = std::move(segments[s]);
  return {.route = &routes_[*best]};
}

}  // namespace infrashare
