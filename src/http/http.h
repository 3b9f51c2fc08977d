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

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
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

// The sending half of a streamed response (Server-Sent Events). Implemented by
// the server; handed to StreamBody::on_open. Thread-safe: any number of
// threads may call Send and Close at once. Never blocks: Send only appends to
// the stream's queue; the connection's strand writes it.
//
// Keep a writer only until on_close is called: a writer that outlives its
// stream does nothing (Send returns false) but holds a little memory of the
// finished connection.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // Queues `text` (whole SSE events, e.g. "id: 5\nevent: x\ndata: {...}\n\n",
  // see SseEvent) to be written to the client. Everything queued between two
  // writes goes out as one chunk, so one Send is never split or interleaved
  // with another. Returns false when the stream has ended (client gone, server
  // stopping, cut off, Close called): the text is then dropped.
  // If the bytes queued but not yet written (accepted by the socket) would
  // exceed StreamBody::max_buffered_bytes, the client is too slow: the queue
  // is discarded, StreamBody::overflow_text is written as the last data, the
  // connection is closed, on_close is called with reason "slow_consumer", and
  // Send returns false.
  virtual bool Send(std::string_view text) = 0;
  // Ends the stream after what is queued (optionally writing `final_text`
  // last, not counted against the limit); on_close then gets "closed". A no-op
  // when the stream has already ended.
  virtual void Close(std::string_view final_text = {}) = 0;
  // Bytes sent and not yet written to the socket (what counts against
  // StreamBody::max_buffered_bytes): a producer with much to send (a
  // replay) sends more only while this is low.
  virtual size_t buffered_bytes() const = 0;
};

// What a handler returns (in HttpResponse::stream) to answer with an event
// stream instead of a body. The server writes the header (the response's
// status, `Content-Type: text/event-stream`, `Cache-Control: no-store`,
// `X-Accel-Buffering: no`, the response's extra headers; chunked transfer
// encoding, HTTP/1.1), then initial_text, then calls on_open. The stream
// lasts until the writer's Close, the client closing its end, a slow or
// failed client, or Server::Stop; the connection is then closed (it is never
// reused for another request). Bytes the client sends meanwhile are read and
// discarded. The read timeout does not apply; write_timeout applies to each
// write.
//
// Callbacks run on the connection's network thread and must not block (no
// database calls; do a replay before returning the response, into
// initial_text). They are never called concurrently for one stream. If the
// stream never opens (the header could not be written, or the server was
// already stopping), neither is called.
struct StreamBody {
  // The limit on bytes queued but not yet written (see StreamWriter::Send).
  size_t max_buffered_bytes = size_t{1} << 20;
  std::string overflow_text;  // last thing written to a cut-off client ("" for none)
  // A ": keep-alive\n\n" comment is written after this much silence (0 = none),
  // so that proxies keep the connection and a dead client is noticed.
  std::chrono::milliseconds heartbeat{15000};
  // Written right after the header (e.g. "retry: 2000\n\n" plus replayed
  // events); not counted against max_buffered_bytes.
  std::string initial_text;
  // Called once, after the response header has been handed to the socket,
  // with the writer. Any thread (in fact the connection's network thread).
  std::function<void(std::shared_ptr<StreamWriter>)> on_open;
  // Called exactly once when the stream ends, with a reason: "client_closed",
  // "slow_consumer", "write_failed" (incl. write timeout), "server_stopping",
  // "closed" (Close() called). Never called before on_open. Drop the writer
  // here.
  std::function<void(std::string_view reason)> on_close;
};

// One Server-Sent Event, ready for StreamWriter::Send: "id: ID\nevent: EVENT\n"
// then one "data: LINE\n" per line of `data` (split on CRLF, LF or CR, so that
// the client reassembles `data` with LF), then a blank line. An empty `id` or
// `event` is left out. CR, LF and NUL are removed from `id` and `event`: they
// would end the field early or make the client ignore the id.
//   SseEvent("5", "report", "{\"a\":1}") == "id: 5\nevent: report\ndata: {\"a\":1}\n\n"
std::string SseEvent(std::string_view id, std::string_view event, std::string_view data);

// A complete response with its body in memory, or (when `stream` is set) the
// header of an event stream whose body is produced over time.
struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>>
      headers;                         // extra headers, e.g. {"Location", "/api/v1/..."}
  std::shared_ptr<StreamBody> stream;  // set => a streamed response; body and content_type ignored

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
