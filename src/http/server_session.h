// The HTTP server's inner classes, shared by server.cc (the core, accepting
// connections and serving requests) and session_stream.cc (streamed
// responses): ServerCore, Session and the StreamWriter of a streamed
// response. Not part of the http module's interface (server.h is); only
// those two files include it. How the objects and threads work together is
// described at the top of server.cc.
#pragma once

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
#include <charconv>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/server.h"
#include "http/stream_queue.h"

namespace infrashare::server_detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// After a refusal sent before the request was fully read (413, 431, 400),
// the server stops sending and reads and discards what the client is still
// sending, for at most this long or this many bytes, before closing. Closing
// at once would make the kernel reset the connection, and the client would
// likely lose the refusal it has not read yet.
inline constexpr std::chrono::seconds kLingerTimeout{2};
inline constexpr size_t kLingerMaxBytes = size_t{64} << 20;
inline constexpr size_t kLingerChunk = 16 * 1024;
// The kernel send buffer of a streaming connection.
inline constexpr int kStreamSendBuffer = 64 * 1024;
// An idle connection keeps at most this much read buffer.
inline constexpr size_t kIdleBufferCapacity = 64 * 1024;
// When accept fails (e.g. out of file descriptors), wait before retrying
// rather than spinning.
inline constexpr std::chrono::milliseconds kAcceptRetryDelay{50};
// Once a stream is ending (slow consumer, server stopping), its last bytes get
// at most this long to be written before the connection is closed anyway: a
// client that does not read must not hold its connection, or Stop().
inline constexpr std::chrono::seconds kStreamEndGrace{2};
// While streaming, what the client sends is read into a buffer this small and
// discarded; it only has to notice the client closing.
inline constexpr size_t kStreamDiscardBuffer = 64;
inline constexpr std::string_view kHeartbeat = ": keep-alive\n\n";
inline constexpr std::string_view kCrlf = "\r\n";
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";

// The line that opens an HTTP/1.1 chunk of `size` bytes.
// Written once per event per stream, so without a format string.
inline std::string ChunkSizeLine(size_t size) {
  std::array<char, 20> line;
  char* end = std::to_chars(line.data(), line.data() + 16, size, 16).ptr;  // lower-case hex
  *end++ = '\r';
  *end++ = '\n';
  return std::string(line.data(), end);
}

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
inline std::string DescribeBytes(size_t bytes) {
  if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0)
    return fmt::format("{} bytes ({} MiB)", bytes, bytes >> 20);
  if (bytes >= 1024 && bytes % 1024 == 0) return fmt::format("{} bytes ({} KiB)", bytes, bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

inline std::string_view View(beast::string_view text) { return {text.data(), text.size()}; }

// Header values come from handlers; a CR or LF would split the header.
inline std::string SanitizeHeaderValue(std::string value) {
  for (char& c : value)
    if (c == '\r' || c == '\n') c = ' ';
  return value;
}

// The headers of every response, streamed or not, with the handler's own:
// no sniffing, no referrer, and unless the handler says otherwise no cache
// (answers carry TLP-marked data) and a Content-Security-Policy that lets
// the answer load nothing and be framed by no page (the API's answers are
// data; the browser UI's pages set their own).
template <class Fields>
void SetResponseHeaders(Fields& fields, std::vector<std::pair<std::string, std::string>>& extra) {
  fields.set(http::field::server, "infrashare");
  fields.set("X-Content-Type-Options", "nosniff");
  fields.set("Referrer-Policy", "no-referrer");
  bool has_cache_control = false, has_csp = false;
  for (auto& [name, value] : extra) {
    has_cache_control = has_cache_control || beast::iequals(name, "cache-control");
    has_csp = has_csp || beast::iequals(name, "content-security-policy");
    fields.insert(name, SanitizeHeaderValue(std::move(value)));
  }
  if (!has_cache_control) fields.set(http::field::cache_control, "no-store");
  if (!has_csp) fields.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
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
      if (n > 0)
        last_sent_.store(std::chrono::steady_clock::now().time_since_epoch().count(),
                         std::memory_order_relaxed);
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
  // When Send last wrote bytes itself (the epoch when never): the heartbeat
  // counts its silence from the later of this and the strand's writes.
  std::chrono::steady_clock::time_point last_sent() const {
    return std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(last_sent_.load(std::memory_order_relaxed)));
  }

 private:
  const std::weak_ptr<Session> session_;
  StreamQueue queue_;
  const int socket_;
  std::atomic<std::chrono::steady_clock::rep> last_sent_{0};
};

}  // namespace infrashare::server_detail
