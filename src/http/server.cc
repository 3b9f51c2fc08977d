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
//  - Streamed responses (Server-Sent Events, StreamBody in http.h;
//    session_stream.cc, the classes in server_session.h): the session
//    writes the header (DoWriteStreamHeader / OnStreamHeader), then
//    keeps three things going on its strand until the stream ends: one
//    pending read that notices the client leaving (OnStreamRead), one write at
//    a time of everything queued (StreamFlush / OnStreamWrite), and one timer
//    (OnStreamTimer) that is the heartbeat while the stream is open and the
//    deadline for the final write once it is ending. A writer thread writes
//    an event straight to an idle connection (StreamQueue::SendNow, under
//    the queue's lock; the session abandons the queue before it closes the
//    socket); otherwise it appends to the StreamQueue (stream_queue.h) and
//    posts a flush only when none is scheduled. Every way a stream ends goes
//    through ReportStreamEnd (the one on_close call) and EndStreamConnection
//    (close, access log).
#include "http/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>

#include "http/problem.h"
#include "http/server_session.h"

namespace infrashare {
namespace server_detail {

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
  if (!response.content_type.empty()) response_.set(http::field::content_type, response.content_type);
  SetResponseHeaders(response_, response.headers);
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

}  // namespace server_detail

using server_detail::ServerCore;

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
