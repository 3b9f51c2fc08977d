// The HTTP vocabulary every handler speaks: a parsed request in, a response
// out. Handlers are plain synchronous functions (the Beast examples'
// `handle_request`): they never see sockets, timers or threads, so they can be
// called directly in unit tests. Everything about connections (timeouts, body
// limit, keep-alive, shutdown) belongs to the server (src/http/server.h).
//
// This header deliberately includes no Boost: the api/ layer and its tests
// include it, and Beast headers cost seconds per translation unit.
//
// Thread behaviour: plain values. A Handler may be called from many worker
// threads at once and must be safe for that; it may block (database calls).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"

namespace infrashare {

struct HttpRequest {
  std::string method;  // "GET", "POST", ... as sent (upper case by convention)
  std::string target;  // the request target as sent: "/api/v1/reports?kind=precursor"
  std::string path;    // target without the query string, still percent-encoded
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order; '+' decodes to a space
  std::map<std::string, std::string> headers;  // names in lower case; repeated fields joined with ", "
  std::string body;
  std::map<std::string, std::string> path_params;  // decoded; filled by Router::Dispatch

  // The header's value, or "" when absent. `name` is matched case-insensitively.
  std::string Header(std::string_view name) const;
  // The first value of a query parameter, or nullopt when absent.
  std::optional<std::string> Query(std::string_view name) const;
};

// A complete response with its body in memory.
//
// Extension point (not implemented yet): Server-Sent Events. A handler for
// the event stream will return a response whose body is produced over time.
// The plan is one added member,
//   std::shared_ptr<EventStreamProducer> stream;  // set => body is ignored
// where the producer is given a sink (write one event, learn that the client
// went away) and runs on the connection's strand. The session in server.cc
// checks it after the handler returns (see Session::OnHandled) and, instead
// of writing a body, writes the header with `Transfer-Encoding: chunked` and
// hands the connection to the producer until either side ends it. The read
// timeout does not apply to such a connection; Stop() ends streams first.
struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>>
      headers;  // extra headers, e.g. {"Location", "/api/v1/..."}

  // The value of an extra header (case-insensitive name), or "" when absent.
  std::string Header(std::string_view name) const;
};

using Handler = std::function<HttpResponse(const HttpRequest&)>;

// A 200/201/... response with a JSON body already serialized by the caller.
HttpResponse JsonResponse(int status, std::string body);

// The target split into its path and decoded query parameters.
struct ParsedTarget {
  std::string path;  // still percent-encoded; routing decodes per segment
  std::vector<std::pair<std::string, std::string>> query;
};

// Splits an origin-form request target ("/a/b?x=1&y=%20"). Errors
// (kInvalidArgument): a target that does not start with '/', or a bad
// percent-escape in the query.
Result<ParsedTarget> ParseTarget(std::string_view target);

// Decodes %XX escapes (and '+' as a space when `plus_is_space`). Errors
// (kInvalidArgument): a '%' not followed by two hex digits.
Result<std::string> PercentDecode(std::string_view text, bool plus_is_space);

}  // namespace infrashare
