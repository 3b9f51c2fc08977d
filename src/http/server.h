// The HTTP/1.1 server: Boost.Beast sessions on a few network threads, handlers
// on a separate worker pool.
//
//   Router router;  AddRoutes(router, services);
//   HttpServer server({.host = "127.0.0.1", .port = 8080, .handle_signals = true}, router);
//   if (auto started = server.Start(); !started) return Fail(started.error());
//   fmt::print("listening on 127.0.0.1:{}\n", server.port());
//   server.Wait();  // until SIGINT/SIGTERM (or Stop() elsewhere), then drained
//
// How a connection is served (the session in server.cc owns it):
//  - Each connection lives on its own strand of the network io_context; no
//    locks in the session. Keep-alive is honoured; the next request is read
//    only after the previous response is written (no pipelining).
//  - Limits, enforced while parsing: body_limit (413 problem+json naming the
//    limit, then close), header_limit (431, then close), read_timeout for a
//    whole request and for an idle keep-alive connection (the connection is
//    closed), write_timeout. Malformed HTTP or a malformed target answers 400
//    problem+json and closes. `Expect: 100-continue` is answered.
//  - Handlers are plain synchronous functions that may block (database
//    calls): they run on a pool of worker_threads, and the response is posted
//    back to the connection's strand, so a slow handler never stalls the
//    network threads. Routes added with a non-blocking handler (router.h)
//    are tried first on the network thread, which saves the two hand-offs;
//    when that handler declines (it would block), the route's handler runs on
//    the pool as above. Refusals (404, 405, a bad path) are answered on the
//    network thread too.
//  - Access log (spdlog logger "access" if the program registered one,
//    otherwise the default logger, info level): method, route pattern (never
//    the concrete path, so no id appears), status, latency in microseconds
//    from the end of the request header to the end of the response. Never
//    principals, query strings or bodies.
//  - Streamed responses (Server-Sent Events): a handler returns an
//    HttpResponse with `stream` set (StreamBody in http.h). The session writes
//    the header with chunked transfer encoding, then one chunk per write of
//    everything the application queued since the last one (StreamWriter::Send
//    from any thread never blocks). No read timeout applies; write_timeout
//    applies to each write. One read stays pending to notice the client
//    leaving (what it sends is discarded). A client that lets more than
//    max_buffered_bytes pile up is cut off ("slow_consumer"). The access log
//    line is written when the stream ends, with its whole duration. Memory: a
//    held stream costs about 4 KiB of heap on the server (measured in
//    server_stream_test.cc, StreamBody and writer included) plus the kernel's
//    socket buffers.
//
// Shutdown: Stop() closes the listening socket, closes idle connections and
// connections still receiving a request (such a request is not answered),
// lets requests already handed to a handler finish and their responses be
// written (with `Connection: close`), ends open streams (on_close gets
// "server_stopping"; what was queued and the last chunk are written, with at
// most 2 s for a client that does not read), waits up to shutdown_timeout for that,
// then stops the threads and returns. A handler that never returns makes
// Stop() wait for it: the router and the services it uses must outlive it.
//
// Thread behaviour: Start, Stop and Wait may be called from any thread except
// the server's own network and worker threads (a handler must not call Stop:
// it would wait for itself). Stop and Wait may be called concurrently and more
// than once. The Router must outlive the server and not change after Start.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/error.h"
#include "http/router.h"

namespace infrashare {

// The documented default request body limit: 1 MiB. Larger bodies get 413.
inline constexpr size_t kDefaultBodyLimit = size_t{1} << 20;
// Request line plus header fields; a bearer token and the usual headers fit
// many times over. Larger headers get 431.
inline constexpr size_t kDefaultHeaderLimit = 16 * 1024;

struct ServerOptions {
  std::string host = "127.0.0.1";  // an address or a name that resolves to one
  uint16_t port = 8080;            // 0 picks a free port; see HttpServer::port()
  int io_threads = 2;              // network threads (parsing, writing)
  int worker_threads = 64;         // handler threads; handlers may block on the database
  size_t body_limit = kDefaultBodyLimit;
  size_t header_limit = kDefaultHeaderLimit;
  // Time allowed to receive one whole request, and to wait idle for the next
  // one on a keep-alive connection; then the connection is closed.
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds write_timeout{30};     // time allowed to write one response
  std::chrono::seconds shutdown_timeout{30};  // how long Stop() waits for in-flight requests
  bool handle_signals = false;                // SIGINT/SIGTERM make Wait() stop the server
  bool access_log = true;
};

class HttpServer {
 public:
  // REQUIRES: `router` outlives the server and is not changed after Start.
  HttpServer(ServerOptions options, const Router& router);
  // Stops the server if it is running (as Stop()).
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the threads. Errors: kInvalidArgument for bad
  // options (no threads, a host that does not resolve), kUnavailable when the
  // address cannot be bound (in use, not local), kConflict when called twice.
  Result<void> Start();

  // The bound port (the chosen one when options.port was 0); 0 before Start.
  uint16_t port() const;

  // Stops accepting, drains in-flight requests (see above) and returns when
  // every server thread has ended. Idempotent; a no-op before Start.
  void Stop();

  // Blocks until the server has stopped: until Stop() returned in another
  // thread or, with handle_signals, until SIGINT/SIGTERM arrived — then Wait
  // itself performs the Stop. Returns at once if the server never started.
  void Wait();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace infrashare
