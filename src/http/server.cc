// The machinery behind HttpServer (see server.h for the contract).
//
// Objects and threads:
//  - ServerCore owns the network io_context (io_threads run it), the worker
//    thread_pool (handlers), the acceptor and the set of live sessions.
//  - A Session owns one connection. All its state lives on its strand, so it
//    needs no locks; its async steps come in named pairs (DoRead/OnReadHeader,
//    DoWrite/OnWrite, ...). A handler runs on the worker pool and its result
//    is posted back to the strand (OnHandled); a non-blocking route's answer
//    (Router::TryRunNonBlocking) and a refusal are computed on the strand.
//  - Stop() flips `stopping_`, closes the acceptor on the control strand,
//    asks every session to shut down (idle ones close at once; busy ones
//    finish their response with `Connection: close`; streams end with
//    "server_stopping" and the last chunk) and waits until the last session
//    is gone.
//  - Streamed responses (Server-Sent Events, StreamBody in http.h): the
//    session writes the header (DoWriteStreamHeader / OnStreamHeader), then
//    keeps three things going on its strand until the stream ends: one
//    pending read that notices the client leaving (OnStreamRead), one write at
//    a time of everything queued (StreamFlush / OnStreamWrite), and one timer
//    (OnStreamTimer) that is the heartbeat while the stream is open and the
//    deadline for the final write once it is ending. Writer threads append to
//    a StreamQueue (stream_queue.h) and post a flush only when none is
//    scheduled. Every way a stream ends goes through ReportStreamEnd (the one
//    on_close call) and EndStreamConnection (close, access log).
#include "http/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/problem.h"
#include "http/stream_queue.h"

namespace infrashare {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// After a refusal sent before the request was fully read (413, 431, 400),
// the server stops sending and reads and discards what the client is still
// sending, for at most this long or this many bytes, before closing. Closing
// at once would make the kernel reset the connection, and the client would
// likely lose the refusal it has not read yet.
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr size_t kLingerMaxBytes = size_t{64} << 20;
constexpr size_t kLingerChunk = 16 * 1024;
// The kernel send buffer of a streaming connection.
constexpr int kStreamSendBuffer = 64 * 1024;
// An idle connection keeps at most this much read buffer.
constexpr size_t kIdleBufferCapacity = 64 * 1024;
// When accept fails (e.g. out of file descriptors), wait before retrying
// rather than spinning.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};
// Once a stream is ending (slow consumer, server stopping), its last bytes get
// at most this long to be written before the connection is closed anyway: a
// client that does not read must not hold its connection, or Stop().
constexpr std::chrono::seconds kStreamEndGrace{2};
// While streaming, what the client sends is read into a buffer this small and
// discarded; it only has to notice the client closing.
constexpr size_t kStreamDiscardBuffer = 64;
constexpr std::string_view kHeartbeat = ": keep-alive\n\n";
constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kLastChunk = "0\r\n\r\n";

// The line that opens an HTTP/1.1 chunk of `size` bytes.
std::string ChunkSizeLine(size_t size) { return fmt::format("{:x}\r\n", size); }

// What `parts` hold past their first `written` bytes, as one string.
template <typename Iovecs>
std::string WireRest(const Iovecs& parts, size_t written) {
  std::string rest;
  for (const iovec& part : parts) {
    const size_t skip = std::min(written, part.iov_len);
    written -= skip;
    rest.append(static_cast<const char*>(part.iov_base) + skip, part.iov_len - skip);
  }
  return rest;
}

// "1048576 bytes (1 MiB)": limits are named the way they are documented.
std::string DescribeBytes(size_t bytes) {
  if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0)
    return fmt::format("{} bytes ({} MiB)", bytes, bytes >> 20);
  if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{} bytes ({} KiB)", bytes, bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

std::string_view View(beast::string_view text) { return {text.data(), text.size()}; }

// Header values come from handlers; a CR or LF would split the header.
std::string SanitizeHeaderValue(std::string value) {
  for (char& c : value)
    if (c == '\r' || c == '\n') c = ' ';
  return value;
}

class Session;
class SessionStreamWriter;

class ServerCore {
 public:
  ServerCore(ServerOptions options, const Router& router)
      : options_(std::move(options)),
        router_(router),
        control_(asio::make_strand(ioc_)),
        acceptor_(control_),
        accept_retry_(control_) {}

  Result<void> Start();
  void Stop();
  void Wait();
  uint16_t port() const { return port_.load(); }

  // Called by Session's destructor (any thread).
  void Forget(Session* session);

  const ServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  bool stopping() const { return stopping_.load(); }
  asio::thread_pool& workers() { return *workers_; }
  spdlog::logger* access_logger() const { return access_logger_.get(); }

 private:
  void DoAccept();
  void OnAccept(beast::error_code ec, tcp::socket socket);

  const ServerOptions options_;
  const Router& router_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint16_t> port_{0};
  std::shared_ptr<spdlog::logger> access_logger_;  // null: no access log; set in Start

  std::mutex mutex_;
  std::condition_variable cv_;  // signals changes of the state below
  // State below is protected by mutex_.
  bool started_ = false;
  bool stop_begun_ = false;
  bool stopped_ = false;
  bool signalled_ = false;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;

  // Declared after the state above: handlers still queued when the
  // io_context or the pool is destroyed hold sessions, whose destructors
  // reach sessions_. The pool is declared after the io_context because
  // queued work holds sockets of the io_context.
  asio::io_context ioc_;
  std::optional<asio::thread_pool> workers_;
  asio::strand<asio::io_context::executor_type> control_;  // acceptor, retry timer, signals
  tcp::acceptor acceptor_;
  asio::steady_timer accept_retry_;
  std::optional<asio::signal_set> signals_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_;
  std::vector<std::thread> io_threads_;
};

// One connection. Every member function below runs on the strand of
// stream_, except the constructor, the destructor, Start and Shutdown.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket&& socket, ServerCore& server) : server_(server), stream_(std::move(socket)) {}
  ~Session() {
    AbandonStream();
    server_.Forget(this);
  }

  void Start() {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&Session::DoRead, shared_from_this()));
  }

  // Stop() wants the connection gone: close it now if it is idle or still
  // receiving a request; otherwise the response in progress ends with close.
  // A stream ends with "server_stopping" and its last chunk.
  void Shutdown() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      if (self->state_ == State::kReading || self->state_ == State::kLingering) self->stream_.cancel();
      if (self->state_ == State::kStreaming) self->StopStream();
    });
  }

  // For SessionStreamWriter (any thread): schedule StreamFlush, or the end of
  // a stream whose queue overflowed, on the strand.
  void PostStreamFlush() {
    asio::post(stream_.get_executor(), beast::bind_front_handler(&Session::StreamFlush, shared_from_this()));
  }
  void PostStreamOverflow() {
    asio::post(stream_.get_executor(),
               beast::bind_front_handler(&Session::OnStreamOverflow, shared_from_this()));
  }

 private:
  enum class State { kReading, kHandling, kWriting, kStreaming, kLingering, kClosed };

  // What a streamed response needs while it lasts; allocated only then.
  struct Stream {
    Stream(asio::any_io_executor executor, std::shared_ptr<StreamBody> stream_body, int response_status)
        : body(std::move(stream_body)), timer(std::move(executor)), status(response_status) {}

    std::shared_ptr<StreamBody> body;
    std::shared_ptr<SessionStreamWriter> writer;
    asio::steady_timer timer;  // the heartbeat; once ending, the final write's deadline
    // Only while the header is being written.
    std::unique_ptr<http::response<http::empty_body>> header;
    std::unique_ptr<http::response_serializer<http::empty_body>> serializer;
    std::string writing;  // the batch being written
    std::array<char, kStreamDiscardBuffer> discard;
    int status;
    bool opened = false;     // on_open was called
    bool reported = false;   // on_close was called (or must never be)
    bool ending = false;     // no more data from the application; last bytes under way
    bool in_flight = false;  // a write is pending
    bool last = false;       // the write pending is the last one
    std::chrono::steady_clock::time_point last_write{};  // when bytes last went out
  };

  void DoRead();
  void OnReadHeader(beast::error_code ec, size_t bytes);
  void DoReadBody();
  void OnReadBody(beast::error_code ec, size_t bytes);
  void OnReadError(beast::error_code ec);
  void Handle();
  void OnHandled(DispatchResult result);
  void DoWrite(HttpResponse response, bool close, bool linger);
  void OnWrite(beast::error_code ec, size_t bytes);
  void DoLinger();
  void OnLinger(beast::error_code ec, size_t bytes);
  void DoClose();
  void LogAccess(unsigned status);

  void DoWriteStreamHeader(HttpResponse response);
  void OnStreamHeader(beast::error_code ec, size_t bytes);
  void DoStreamRead();
  void OnStreamRead(beast::error_code ec, size_t bytes);
  void StreamFlush();
  enum class WriteNow { kAll, kPartial, kFailed };
  // Writes `st.writing` (wire bytes) as far as the socket takes it without
  // waiting; kPartial leaves the rest in `st.writing`.
  WriteNow WriteWireNow(Stream& st);
  // The writer stops writing to the socket (before it is closed: the writer
  // writes to its descriptor directly, and a closed descriptor's number is
  // soon another connection's).
  void AbandonStream();
  void OnStreamWrite(beast::error_code ec, size_t bytes);
  void ArmStreamTimer(std::chrono::steady_clock::duration after);
  void OnStreamTimer(beast::error_code ec);
  void OnStreamOverflow();
  void StopStream();
  void ReportStreamEnd(std::string_view reason);
  void EndStreamConnection(std::string_view reason);

  ServerCore& server_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;  // one per request
  http::response<http::string_body> response_;                     // the response being written
  State state_ = State::kReading;

  // The request being served.
  unsigned version_ = 11;
  bool keep_alive_ = true;
  std::string method_;  // "-" until the request line is parsed
  std::string route_;   // the matched pattern, or "-"
  std::chrono::steady_clock::time_point started_;

  // What to do after the response is written.
  bool close_after_write_ = false;
  bool linger_after_write_ = false;

  std::string linger_buffer_;  // allocated only while lingering
  size_t lingered_bytes_ = 0;

  std::unique_ptr<Stream> stream_state_;  // only for a streamed response
};

// The StreamWriter handed to on_open. Holds the session weakly: a writer kept
// after its stream ended must not keep the connection.
class SessionStreamWriter final : public StreamWriter {
 public:
  // `socket`: the connection's descriptor, written directly by Send while
  // the connection is idle (StreamQueue::SendNow; the session abandons the
  // queue before it closes the socket).
  SessionStreamWriter(std::weak_ptr<Session> session, const StreamBody& body, int socket)
      : session_(std::move(session)),
        queue_(body.max_buffered_bytes, body.overflow_text, body.initial_text),
        socket_(socket) {}

  // An event to thousands of streams is written by the caller's thread on
  // each, without a hand-off to the connection's strand; only what the
  // socket does not take at once waits for the strand's async write.
  bool Send(std::string_view text) override {
    auto write_now = [this](std::string_view t) {
      const std::string size_line = ChunkSizeLine(t.size());
      std::array<iovec, 3> parts{iovec{const_cast<char*>(size_line.data()), size_line.size()},
                                 iovec{const_cast<char*>(t.data()), t.size()},
                                 iovec{const_cast<char*>(kCrlf.data()), kCrlf.size()}};
      msghdr msg{};
      msg.msg_iov = parts.data();
      msg.msg_iovlen = parts.size();
      const ssize_t n = ::sendmsg(socket_, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
      // An error other than a full buffer shows again on the strand's write,
      // which ends the stream with its reason.
      return WireRest(parts, n < 0 ? 0 : size_t(n));
    };
    switch (queue_.SendNow(text, write_now)) {
      case StreamQueue::SendOutcome::kQueued:
        return true;
      case StreamQueue::SendOutcome::kFlushNeeded:
        if (auto session = session_.lock()) session->PostStreamFlush();
        return true;
      case StreamQueue::SendOutcome::kOverflow:
        if (auto session = session_.lock()) session->PostStreamOverflow();
        return false;
      case StreamQueue::SendOutcome::kEnded:
        return false;
    }
    return false;
  }

  void Close(std::string_view final_text) override {
    if (queue_.Close(final_text))
      if (auto session = session_.lock()) session->PostStreamFlush();
  }

  size_t buffered_bytes() const override { return queue_.buffered(); }

  StreamQueue& queue() { return queue_; }

 private:
  const std::weak_ptr<Session> session_;
  StreamQueue queue_;
  const int socket_;
};

// --- Session ---------------------------------------------------------------

void Session::DoRead() {
  if (server_.stopping()) return DoClose();
  state_ = State::kReading;
  method_ = "-";
  route_ = "-";
  version_ = 11;
  parser_.emplace();
  parser_->body_limit(server_.options().body_limit);
  parser_->header_limit(static_cast<uint32_t>(server_.options().header_limit));
  // One deadline covers the idle wait and the whole request, body included.
  stream_.expires_after(server_.options().read_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&Session::OnReadHeader, shared_from_this()));
}

void Session::OnReadHeader(beast::error_code ec, size_t /*bytes*/) {
  if (ec) return OnReadError(ec);
  started_ = std::chrono::steady_clock::now();
  auto& request = parser_->get();
  method_ = std::string(request.method_string());
  version_ = request.version();
  if (!parser_->is_done() && beast::iequals(request[http::field::expect], "100-continue")) {
    // The body is within the limit (the parser checked Content-Length); ask
    // the client to send it.
    state_ = State::kWriting;
    auto interim = std::make_shared<http::response<http::empty_body>>(http::status::continue_, version_);
    http::async_write(stream_, *interim, [self = shared_from_this(), interim](beast::error_code ec, size_t) {
      if (ec) return self->DoClose();
      self->DoReadBody();
    });
    return;
  }
  DoReadBody();
}

void Session::DoReadBody() {
  state_ = State::kReading;
  if (parser_->is_done()) return Handle();
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&Session::OnReadBody, shared_from_this()));
}

void Session::OnReadBody(beast::error_code ec, size_t /*bytes*/) {
  if (ec) return OnReadError(ec);
  Handle();
}

void Session::OnReadError(beast::error_code ec) {
  if (parser_->is_header_done()) {
    method_ = std::string(parser_->get().method_string());
    version_ = parser_->get().version();
  }
  if (started_ == std::chrono::steady_clock::time_point{}) started_ = std::chrono::steady_clock::now();
  if (ec == http::error::body_limit) {
    const size_t limit = server_.options().body_limit;
    return DoWrite(ProblemResponse(Error{
                       ErrorCode::kTooLarge,
                       fmt::format("the request body exceeds the limit of {}", DescribeBytes(limit)), ""}),
                   /*close=*/true, /*linger=*/true);
  }
  if (ec == http::error::header_limit)
    return DoWrite(HeadersTooLargeResponse(server_.options().header_limit), true, true);
  // end_of_stream: the client closed between requests; partial_message: it
  // closed in the middle of one. Neither can be answered.
  if (ec.category() == beast::http::make_error_code(http::error::bad_target).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message)
    return DoWrite(ProblemResponse(Error{ErrorCode::kInvalidArgument,
                                         fmt::format("malformed HTTP request: {}", ec.message()), ""}),
                   true, true);
  // Timeout, reset, or cancelled by Shutdown: nothing to answer.
  DoClose();
}

void Session::Handle() {
  auto& message = parser_->get();
  keep_alive_ = message.keep_alive();
  auto target = ParseTarget(View(message.target()));
  if (!target) return DoWrite(ProblemResponse(target.error()), !keep_alive_, false);

  HttpRequest request;
  request.method = method_;
  request.target = std::string(message.target());
  request.path = std::move(target->path);
  request.query = std::move(target->query);
  for (const auto& field : message) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto [it, inserted] = request.headers.emplace(std::move(name), std::string(View(field.value())));
    if (!inserted) it->second.append(", ").append(View(field.value()));
  }
  request.body = std::move(message.body());

  // A refusal, or a route that can answer without blocking: answered here,
  // with no hand-off to the worker pool and back.
  const Router& router = server_.router();
  RouteMatch match = router.Match(request);
  if (auto answer = router.TryRunNonBlocking(match, request)) return OnHandled(std::move(*answer));

  // The handler may block: run it on the worker pool, never on this strand.
  state_ = State::kHandling;
  asio::post(server_.workers(), [self = shared_from_this(), match = std::move(match),
                                 request = std::move(request)]() mutable {
    DispatchResult result = self->server_.router().Run(match, request);
    asio::post(self->stream_.get_executor(),
               [self, result = std::move(result)]() mutable { self->OnHandled(std::move(result)); });
  });
}

void Session::OnHandled(DispatchResult result) {
  route_ = result.route != nullptr ? result.route->pattern : "-";
  if (result.response.stream) return DoWriteStreamHeader(std::move(result.response));
  DoWrite(std::move(result.response), !keep_alive_, false);
}

void Session::DoWrite(HttpResponse response, bool close, bool linger) {
  if (server_.stopping()) close = true;
  state_ = State::kWriting;
  close_after_write_ = close;
  linger_after_write_ = linger;

  response_ = {};
  response_.version(version_);
  response_.result(static_cast<unsigned>(response.status));
  response_.set(http::field::server, "infrashare");
  if (!response.content_type.empty()) response_.set(http::field::content_type, response.content_type);
  response_.set("X-Content-Type-Options", "nosniff");
  bool has_cache_control = false;
  for (auto& [name, value] : response.headers) {
    has_cache_control = has_cache_control || beast::iequals(name, "cache-control");
    response_.insert(name, SanitizeHeaderValue(std::move(value)));
  }
  // Answers carry TLP-marked data: no cache may keep them unless a handler says so.
  if (!has_cache_control) response_.set(http::field::cache_control, "no-store");
  response_.body() = std::move(response.body);
  response_.keep_alive(!close);
  response_.prepare_payload();

  stream_.expires_after(server_.options().write_timeout);
  http::async_write(stream_, response_, beast::bind_front_handler(&Session::OnWrite, shared_from_this()));
}

void Session::OnWrite(beast::error_code ec, size_t /*bytes*/) {
  LogAccess(response_.result_int());
  started_ = {};
  response_ = {};
  // A large request leaves a large buffer behind; an idle keep-alive
  // connection should not hold on to it.
  if (buffer_.size() == 0 && buffer_.capacity() > kIdleBufferCapacity) buffer_.shrink_to_fit();
  if (ec) return DoClose();
  if (linger_after_write_) return DoLinger();
  if (close_after_write_) return DoClose();
  DoRead();
}

void Session::DoLinger() {
  state_ = State::kLingering;
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  linger_buffer_.resize(kLingerChunk);
  lingered_bytes_ = 0;
  stream_.expires_after(kLingerTimeout);
  stream_.async_read_some(asio::buffer(linger_buffer_),
                          beast::bind_front_handler(&Session::OnLinger, shared_from_this()));
}

void Session::OnLinger(beast::error_code ec, size_t bytes) {
  lingered_bytes_ += bytes;
  if (ec || lingered_bytes_ > kLingerMaxBytes) return DoClose();
  stream_.async_read_some(asio::buffer(linger_buffer_),
                          beast::bind_front_handler(&Session::OnLinger, shared_from_this()));
}

void Session::AbandonStream() {
  if (stream_state_ && stream_state_->writer) stream_state_->writer->queue().Abandon();
}

void Session::DoClose() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  AbandonStream();
  if (stream_state_) stream_state_->timer.cancel();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

void Session::LogAccess(unsigned status) {
  spdlog::logger* logger = server_.access_logger();
  if (logger == nullptr) return;
  auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started_)
          .count();
  logger->info("access method={} route={} status={} latency_us={}", method_, route_, status, micros);
}

// --- Session: streamed responses (Server-Sent Events) ----------------------

void Session::DoWriteStreamHeader(HttpResponse response) {
  state_ = State::kWriting;
  stream_state_ =
      std::make_unique<Stream>(stream_.get_executor(), std::move(response.stream), response.status);
  Stream& st = *stream_state_;
  st.writer = std::make_shared<SessionStreamWriter>(weak_from_this(), *st.body, stream_.socket().native_handle());

  st.header = std::make_unique<http::response<http::empty_body>>();
  auto& header = *st.header;
  header.version(version_);
  header.result(static_cast<unsigned>(response.status));
  header.set(http::field::server, "infrashare");
  header.set(http::field::content_type, "text/event-stream");
  header.set("X-Content-Type-Options", "nosniff");
  header.set("X-Accel-Buffering", "no");  // nginx and friends: pass each chunk on at once
  bool has_cache_control = false;
  for (auto& [name, value] : response.headers) {
    has_cache_control = has_cache_control || beast::iequals(name, "cache-control");
    header.insert(name, SanitizeHeaderValue(std::move(value)));
  }
  if (!has_cache_control) header.set(http::field::cache_control, "no-store");
  header.keep_alive(false);  // the connection ends with the stream
  header.chunked(true);
  st.serializer = std::make_unique<http::response_serializer<http::empty_body>>(header);

  // A stream's backlog waits in its bounded queue, where the limit applies,
  // not in an auto-tuned kernel buffer of several MiB: the slow-consumer cut
  // comes after a bounded amount of data, and 20,000 streams stay cheap.
  beast::error_code ignored;
  stream_.socket().set_option(asio::socket_base::send_buffer_size(kStreamSendBuffer), ignored);

  // The request is done with: a long-lived stream keeps neither its parser
  // nor its read buffer.
  parser_.reset();
  buffer_.clear();
  buffer_.shrink_to_fit();
  response_ = {};

  stream_.expires_after(server_.options().write_timeout);
  http::async_write_header(stream_, *st.serializer,
                           beast::bind_front_handler(&Session::OnStreamHeader, shared_from_this()));
}

void Session::OnStreamHeader(beast::error_code ec, size_t /*bytes*/) {
  Stream& st = *stream_state_;
  st.serializer.reset();
  st.header.reset();
  state_ = State::kStreaming;
  if (ec) {
    st.reported = true;  // never opened: no callbacks
    return EndStreamConnection("write_failed");
  }
  // Events are written at once when the socket's buffer has room
  // (WriteChunkNow); only what does not fit waits for an async write.
  beast::error_code nb;
  stream_.socket().non_blocking(true, nb);
  DoStreamRead();
  if (server_.stopping()) {
    // Stop() began while the header was being written: end at once.
    st.reported = true;
    return StopStream();
  }
  st.opened = true;
  if (st.body->heartbeat.count() > 0) ArmStreamTimer(st.body->heartbeat);
  if (st.body->on_open) {
    try {
      st.body->on_open(st.writer);
    } catch (const std::exception& e) {
      // A bug in the application; end this stream, keep the server.
      spdlog::error("exception in StreamBody::on_open: {}", e.what());
      st.writer->Close({});
    }
  }
  StreamFlush();  // initial_text and whatever on_open sent
}

void Session::DoStreamRead() {
  // Only the write timeout applies to a stream; this resets the read deadline
  // (and the write one only when no write is pending).
  stream_.expires_never();
  stream_.async_read_some(asio::buffer(stream_state_->discard),
                          beast::bind_front_handler(&Session::OnStreamRead, shared_from_this()));
}

void Session::OnStreamRead(beast::error_code ec, size_t /*bytes*/) {
  if (state_ != State::kStreaming) return;
  // Aborted: we closed the socket ourselves (write timeout, end of stream);
  // whoever did that reports the reason.
  if (ec == asio::error::operation_aborted) return;
  if (ec) return EndStreamConnection("client_closed");  // EOF, reset
  DoStreamRead();                                       // the client sent something: discarded
}

void Session::StreamFlush() {
  if (state_ != State::kStreaming) return;
  Stream& st = *stream_state_;
  if (st.in_flight) return;  // OnStreamWrite flushes again
  while (auto batch = st.writer->queue().Take()) {
    if (batch->last) {
      st.last = true;
      st.ending = true;
      // A no-op when the stream already ended for another reason.
      ReportStreamEnd(batch->overflowed ? "slow_consumer" : "closed");
    }
    // The batch in wire form: what SendNow could not write, then what was
    // queued as one chunk, then (at the end) the last chunk.
    std::string wire = std::move(batch->wire_prefix);
    if (!batch->bytes.empty()) {
      wire += ChunkSizeLine(batch->bytes.size());
      wire += batch->bytes;
      wire += kCrlf;
    }
    if (st.last) wire += kLastChunk;
    st.writing = std::move(wire);
    if (!st.last) {
      switch (WriteWireNow(st)) {
        case WriteNow::kAll:
          std::string().swap(st.writing);
          st.writer->queue().Written();
          continue;
        case WriteNow::kFailed:
          std::string().swap(st.writing);
          st.writer->queue().Written();
          return EndStreamConnection("write_failed");
        case WriteNow::kPartial:
          break;
      }
    }
    st.in_flight = true;
    stream_.expires_after(server_.options().write_timeout);
    asio::async_write(stream_, asio::buffer(st.writing),
                      beast::bind_front_handler(&Session::OnStreamWrite, shared_from_this()));
    return;
  }
}

Session::WriteNow Session::WriteWireNow(Stream& st) {
  beast::error_code ec;
  size_t n = stream_.socket().write_some(asio::buffer(st.writing), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    ec = {};
    n = 0;
  }
  if (ec) return WriteNow::kFailed;
  st.last_write = std::chrono::steady_clock::now();
  if (n == st.writing.size()) return WriteNow::kAll;
  st.writing.erase(0, n);
  return WriteNow::kPartial;
}

void Session::OnStreamWrite(beast::error_code ec, size_t /*bytes*/) {
  if (state_ != State::kStreaming) return;
  Stream& st = *stream_state_;
  st.in_flight = false;
  std::string().swap(st.writing);
  st.writer->queue().Written();
  st.last_write = std::chrono::steady_clock::now();
  if (ec) return EndStreamConnection("write_failed");  // includes the write timeout
  if (st.last) return EndStreamConnection("closed");
  if (!st.ending && st.body->heartbeat.count() > 0) ArmStreamTimer(st.body->heartbeat);
  StreamFlush();
}

void Session::ArmStreamTimer(std::chrono::steady_clock::duration after) {
  Stream& st = *stream_state_;
  st.timer.expires_after(after);
  st.timer.async_wait(beast::bind_front_handler(&Session::OnStreamTimer, shared_from_this()));
}

void Session::OnStreamTimer(beast::error_code ec) {
  if (ec || state_ != State::kStreaming) return;
  Stream& st = *stream_state_;
  if (st.timer.expiry() > std::chrono::steady_clock::now()) return;  // re-armed since it fired
  // The last bytes did not get out in time: the client is not reading.
  if (st.ending) return EndStreamConnection("write_failed");
  if (st.in_flight) return;  // OnStreamWrite re-arms
  // Bytes written at once since the timer was armed (WriteChunkNow does not
  // re-arm it): the heartbeat is due a period after them.
  if (const auto due = st.last_write + st.body->heartbeat; due > std::chrono::steady_clock::now())
    return ArmStreamTimer(due - std::chrono::steady_clock::now());
  if (st.writer->queue().AppendUncounted(kHeartbeat)) StreamFlush();
  // Written at once (or queued behind a flush that will be): the next one is
  // a period from now. An async write re-arms when it completes.
  if (state_ == State::kStreaming && !st.in_flight && !st.ending && st.body->heartbeat.count() > 0)
    ArmStreamTimer(st.body->heartbeat);
}

void Session::OnStreamOverflow() {
  if (state_ != State::kStreaming) return;
  Stream& st = *stream_state_;
  // StreamFlush may have taken the overflow text already (and reported).
  st.ending = true;
  ReportStreamEnd("slow_consumer");
  ArmStreamTimer(
      std::min<std::chrono::steady_clock::duration>(kStreamEndGrace, server_.options().write_timeout));
  StreamFlush();  // overflow_text and the last chunk, unless a write is still stuck
}

void Session::StopStream() {
  Stream& st = *stream_state_;
  const auto grace =
      std::min<std::chrono::steady_clock::duration>(kStreamEndGrace, server_.options().write_timeout);
  ArmStreamTimer(grace);  // also when already ending: Stop() must not wait for a stuck write
  if (st.ending) return;
  st.ending = true;
  st.writer->queue().Close({});  // before on_close: Send returns false from then on
  ReportStreamEnd("server_stopping");
  StreamFlush();
}

// The one place on_close is called. REQUIRES: the queue has ended (so a Send
// made after on_close returns false).
void Session::ReportStreamEnd(std::string_view reason) {
  Stream& st = *stream_state_;
  if (st.reported || !st.opened) return;
  st.reported = true;
  if (!st.body->on_close) return;
  try {
    st.body->on_close(reason);
  } catch (const std::exception& e) {
    spdlog::error("exception in StreamBody::on_close: {}", e.what());
  }
}

void Session::EndStreamConnection(std::string_view reason) {
  if (state_ == State::kClosed) return;
  Stream& st = *stream_state_;
  st.writer->queue().Abandon();  // before on_close: Send returns false from then on
  ReportStreamEnd(reason);
  std::string().swap(st.writing);
  LogAccess(static_cast<unsigned>(st.status));
  DoClose();
}

// --- ServerCore ------------------------------------------------------------

Result<void> ServerCore::Start() {
  std::lock_guard lock(mutex_);
  if (started_) return Conflict("the HTTP server was already started");
  if (options_.io_threads < 1) return InvalidArgument("io_threads", "must be at least 1");
  if (options_.worker_threads < 1) return InvalidArgument("worker_threads", "must be at least 1");

  beast::error_code ec;
  tcp::endpoint endpoint;
  auto address = asio::ip::make_address(options_.host, ec);
  if (!ec) {
    endpoint = tcp::endpoint(address, options_.port);
  } else {
    tcp::resolver resolver(ioc_);
    auto results = resolver.resolve(options_.host, std::to_string(options_.port), ec);
    if (ec || results.empty())
      return InvalidArgument("host", fmt::format("cannot resolve \"{}\": {}", options_.host,
                                                 ec ? ec.message() : std::string("no address")));
    endpoint = results.begin()->endpoint();
  }
  const std::string where = fmt::format("{}:{}", endpoint.address().to_string(), endpoint.port());
  auto fail = [&](std::string_view step) {
    beast::error_code ignored;
    acceptor_.close(ignored);
    return Unavailable(fmt::format("cannot listen on {} ({}): {}", where, step, ec.message()));
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("set_option");
  acceptor_.bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  port_ = acceptor_.local_endpoint().port();

  if (options_.access_log) {
    access_logger_ = spdlog::get("access");
    if (!access_logger_) access_logger_ = spdlog::default_logger();
  }
  workers_.emplace(static_cast<size_t>(options_.worker_threads));
  if (options_.handle_signals) {
    signals_.emplace(control_, SIGINT, SIGTERM);
    signals_->async_wait([this](beast::error_code ec, int signal_number) {
      if (ec) return;
      spdlog::info("received signal {}; stopping the HTTP server", signal_number);
      std::lock_guard lock(mutex_);
      signalled_ = true;
      cv_.notify_all();
    });
  }
  work_.emplace(ioc_.get_executor());
  asio::dispatch(control_, [this] { DoAccept(); });
  for (int i = 0; i < options_.io_threads; ++i) {
    io_threads_.emplace_back([this] {
      while (true) {
        try {
          ioc_.run();
          return;
        } catch (const std::exception& e) {
          // A bug in a completion handler; keep serving the other connections.
          spdlog::error("exception on an HTTP network thread: {}", e.what());
        }
      }
    });
  }
  started_ = true;
  return {};
}

void ServerCore::DoAccept() {
  acceptor_.async_accept(asio::make_strand(ioc_), beast::bind_front_handler(&ServerCore::OnAccept, this));
}

void ServerCore::OnAccept(beast::error_code ec, tcp::socket socket) {
  if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    spdlog::warn("accepting a connection failed: {}; retrying", ec.message());
    accept_retry_.expires_after(kAcceptRetryDelay);
    accept_retry_.async_wait([this](beast::error_code wait_ec) {
      if (!wait_ec && acceptor_.is_open()) DoAccept();
    });
    return;
  }
  if (stopping()) return;  // the socket closes as it goes out of scope
  beast::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto session = std::make_shared<Session>(std::move(socket), *this);
  {
    std::lock_guard lock(mutex_);
    sessions_.emplace(session.get(), session);
  }
  session->Start();
  DoAccept();
}

void ServerCore::Forget(Session* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
  if (sessions_.empty()) cv_.notify_all();
}

void ServerCore::Stop() {
  std::unique_lock lock(mutex_);
  if (!started_) return;
  if (stop_begun_) {
    cv_.wait(lock, [this] { return stopped_; });
    return;
  }
  stop_begun_ = true;
  stopping_ = true;
  // Copy under the lock, act without it.
  std::vector<std::weak_ptr<Session>> sessions;
  sessions.reserve(sessions_.size());
  for (const auto& [key, weak] : sessions_) sessions.push_back(weak);
  lock.unlock();

  asio::post(control_, [this] {
    beast::error_code ignored;
    acceptor_.close(ignored);
    accept_retry_.cancel();
    if (signals_) signals_->cancel(ignored);
  });
  for (const auto& weak : sessions)
    if (auto session = weak.lock()) session->Shutdown();

  lock.lock();
  const bool drained = cv_.wait_for(lock, options_.shutdown_timeout, [this] { return sessions_.empty(); });
  const size_t remaining = sessions_.size();
  lock.unlock();
  if (!drained)
    spdlog::warn("HTTP server: {} connections still busy after {} s; closing them", remaining,
                 options_.shutdown_timeout.count());

  workers_->join();  // waits for handlers still running (none after a drain)
  work_.reset();
  ioc_.stop();
  for (auto& thread : io_threads_) thread.join();
  io_threads_.clear();

  lock.lock();
  stopped_ = true;
  cv_.notify_all();
}

void ServerCore::Wait() {
  std::unique_lock lock(mutex_);
  if (!started_) return;
  cv_.wait(lock, [this] { return stopped_ || signalled_; });
  if (stopped_) return;
  lock.unlock();
  Stop();
}

}  // namespace

class HttpServer::Impl final : public ServerCore {
 public:
  using ServerCore::ServerCore;
};

HttpServer::HttpServer(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

HttpServer::~HttpServer() { impl_->Stop(); }

Result<void> HttpServer::Start() { return impl_->Start(); }
uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::Stop() { impl_->Stop(); }
void HttpServer::Wait() { impl_->Wait(); }

}  // namespace infrashare
