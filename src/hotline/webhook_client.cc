// The machinery behind WebhookClient (see webhook_client.h for the contract).
//
// Objects and threads:
//  - Core owns the io_context (Options::threads run it), the TLS context, the
//    FIFO of posts waiting for a slot and the set of exchanges on the network.
//  - An Exchange is one POST. All its state lives on its own strand, so it
//    needs no locks; its async steps come in named pairs (DoResolve /
//    OnResolve, DoConnect / OnConnect, ...). One timer is its deadline; when
//    it fires, or when the client stops, the exchange closes its resolver and
//    socket, and the step then pending completes and reports why
//    (Interrupted). Finish is the one place an exchange ends: it frees the
//    slot (which may start a queued post) and then runs `done`.
//  - Stop (the destructor) marks the core stopping, answers the queued posts
//    "client stopped", cancels every exchange, lets the io_context run out of
//    work and joins its threads: when it returns, every `done` has run.
//    Exchanges are started while the core's mutex is held, so Stop never
//    misses one that was being started.
#include "hotline/webhook_client.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cctype>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include "hotline/webhook_url.h"

namespace infrashare {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

constexpr char kUserAgent[] = "infrashare-webhook/1";
constexpr std::string_view kStopped = "client stopped";

WebhookAnswer Stopped() { return WebhookAnswer{.status = 0, .error = std::string(kStopped)}; }

// An error code's message as part of a sentence: "connection reset by peer".
std::string Describe(const beast::error_code& ec) {
  std::string text = ec.message();
  if (!text.empty()) text[0] = char(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// RFC 9110 token characters: what a header name may consist of.
bool IsToken(std::string_view name) {
  constexpr std::string_view kSpecials = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::ranges::all_of(name, [&](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || kSpecials.find(c) != std::string_view::npos;
  });
}

bool IsHeaderValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

}  // namespace

class WebhookClient::Core {
 public:
  struct Pending {
    WebhookPost post;
    std::function<void(WebhookAnswer)> done;
  };
  class Exchange;

  explicit Core(Options options);
  ~Core() { Stop(); }

  void Post(WebhookPost post, std::function<void(WebhookAnswer)> done);
  size_t in_flight() const {
    std::lock_guard lock(mutex_);
    return in_flight_;
  }
  size_t queued() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
  }
  // Called by an exchange once, when it ends, before it runs `done`.
  void Finished(Exchange* exchange);

  asio::io_context& io() { return ioc_; }
  ssl::context& tls() { return tls_; }
  const WebhookAddressPolicy& addresses() const { return options_.addresses; }

 private:
  void Stop();
  // REQUIRES: mutex_ is held.
  void StartLocked(Pending pending);

  const Options options_;
  asio::io_context ioc_;
  ssl::context tls_{ssl::context::tls_client};
  asio::executor_work_guard<asio::io_context::executor_type> work_{ioc_.get_executor()};
  std::vector<std::thread> threads_;

  mutable std::mutex mutex_;
  // State below is protected by mutex_.
  bool stopping_ = false;
  size_t in_flight_ = 0;
  std::deque<Pending> queue_;
  std::unordered_map<Exchange*, std::shared_ptr<Exchange>> live_;
};

// One POST, from resolving the host to reading the answer.
class WebhookClient::Core::Exchange : public std::enable_shared_from_this<Exchange> {
 public:
  Exchange(Core& core, Pending pending)
      : core_(core),
        pending_(std::move(pending)),
        strand_(asio::make_strand(core.io())),
        resolver_(strand_),
        deadline_(strand_) {
    parser_.body_limit(kMaxWebhookAnswerBody);
  }

  // Any thread.
  void Start() { asio::post(strand_, beast::bind_front_handler(&Exchange::Run, shared_from_this())); }
  void Cancel() {
    asio::post(strand_, [self = shared_from_this()] {
      self->stopped_ = true;
      if (!self->finished_) self->Abort();
    });
  }

 private:
  void Run();
  void DoResolve();
  void OnResolve(beast::error_code ec, tcp::resolver::results_type results);
  void DoConnect(const std::vector<tcp::endpoint>& endpoints);
  void OnConnect(beast::error_code ec, const tcp::endpoint& endpoint);
  void DoHandshake();
  void OnHandshake(beast::error_code ec);
  void DoWrite();
  void OnWrite(beast::error_code ec, size_t bytes);
  void DoRead();
  void OnRead(beast::error_code ec, size_t bytes);
  void OnDeadline(beast::error_code ec);

  // The request, or why it cannot be sent.
  std::optional<std::string> BuildRequest();
  // When the deadline passed or the client stops, ends the exchange and
  // returns true. Every completion handler asks first.
  bool Interrupted();
  // Closes whatever is open; pending operations complete with an error.
  void Abort();
  void Finish(int status, std::string error);
  std::string Where() const;

  beast::tcp_stream& Lowest() { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }
  template <class F>
  void WithStream(F&& f) {
    if (tls_) {
      f(*tls_);
    } else {
      f(*plain_);
    }
  }

  Core& core_;
  Pending pending_;
  // State below is used on strand_ only.
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::resolver resolver_;
  asio::steady_timer deadline_;
  WebhookUrl url_;
  std::optional<beast::tcp_stream> plain_;                   // http
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_;  // https
  http::request<http::string_body> request_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
  std::chrono::steady_clock::time_point started_;
  bool stopped_ = false;
  bool timed_out_ = false;
  bool finished_ = false;
};

// --- Exchange -------------------------------------------------------------

void WebhookClient::Core::Exchange::Run() {
  started_ = std::chrono::steady_clock::now();
  if (Interrupted()) return;
  auto url = ParseWebhookUrl(pending_.post.url);
  if (!url) return Finish(0, fmt::format("bad URL: {}", url.error().message));
  url_ = std::move(*url);
  if (auto refusal = BuildRequest()) return Finish(0, std::move(*refusal));

  if (url_.tls()) {
    tls_.emplace(strand_, core_.tls());
    beast::error_code ec;
    asio::ip::make_address(url_.host, ec);
    const bool is_name = bool(ec);  // SNI carries names only, never addresses
    if (is_name && !SSL_set_tlsext_host_name(tls_->native_handle(), url_.host.c_str()))
      return Finish(0, fmt::format("TLS setup for {} failed (server name)", url_.host));
    tls_->set_verify_callback(ssl::host_name_verification(url_.host));
  } else {
    plain_.emplace(strand_);
  }
  deadline_.expires_after(pending_.post.timeout);
  deadline_.async_wait(beast::bind_front_handler(&Exchange::OnDeadline, shared_from_this()));
  DoResolve();
}

std::optional<std::string> WebhookClient::Core::Exchange::BuildRequest() {
  request_ = {};
  request_.method(http::verb::post);
  request_.target(url_.target);
  request_.version(11);
  request_.set(http::field::host, url_.HostHeader());
  request_.set(http::field::user_agent, kUserAgent);
  request_.set(http::field::content_type, "application/json");
  request_.set(http::field::connection, "close");
  for (const auto& [name, value] : pending_.post.headers) {
    if (!IsToken(name)) return fmt::format("bad header name \"{}\"", name);
    if (!IsHeaderValue(value)) return fmt::format("bad header {}: its value contains CR, LF or NUL", name);
    request_.set(name, value);
  }
  request_.body() = std::move(pending_.post.body);
  request_.prepare_payload();
  return std::nullopt;
}

void WebhookClient::Core::Exchange::DoResolve() {
  resolver_.async_resolve(url_.host, std::to_string(url_.port),
                          beast::bind_front_handler(&Exchange::OnResolve, shared_from_this()));
}

void WebhookClient::Core::Exchange::OnResolve(beast::error_code ec, tcp::resolver::results_type results) {
  if (Interrupted()) return;
  if (ec) return Finish(0, fmt::format("could not resolve {}: {}", url_.host, Describe(ec)));
  // Only the permitted addresses, judged now that they are known (a name
  // that resolved outward yesterday may resolve inward today).
  std::vector<tcp::endpoint> permitted;
  std::optional<std::string_view> refusal;
  for (const auto& entry : results) {
    const auto why = core_.addresses().Refusal(entry.endpoint().address());
    if (!why) {
      permitted.push_back(entry.endpoint());
    } else if (!refusal) {
      refusal = why;
    }
  }
  if (permitted.empty())
    return Finish(0, fmt::format("{} may not be reached: {} address{}", url_.host, refusal.value_or("no"),
                                 refusal ? "" : "es"));
  DoConnect(permitted);
}

void WebhookClient::Core::Exchange::DoConnect(const std::vector<tcp::endpoint>& endpoints) {
  Lowest().async_connect(endpoints, beast::bind_front_handler(&Exchange::OnConnect, shared_from_this()));
}

void WebhookClient::Core::Exchange::OnConnect(beast::error_code ec, const tcp::endpoint&) {
  if (Interrupted()) return;
  if (ec == asio::error::connection_refused)
    return Finish(0, fmt::format("connection refused by {}", Where()));
  if (ec) return Finish(0, fmt::format("could not connect to {}: {}", Where(), Describe(ec)));
  if (tls_) return DoHandshake();
  DoWrite();
}

void WebhookClient::Core::Exchange::DoHandshake() {
  tls_->async_handshake(ssl::stream_base::client,
                        beast::bind_front_handler(&Exchange::OnHandshake, shared_from_this()));
}

void WebhookClient::Core::Exchange::OnHandshake(beast::error_code ec) {
  if (Interrupted()) return;
  if (ec) return Finish(0, fmt::format("TLS handshake with {} failed: {}", url_.host, Describe(ec)));
  DoWrite();
}

void WebhookClient::Core::Exchange::DoWrite() {
  WithStream([&](auto& stream) {
    http::async_write(stream, request_, beast::bind_front_handler(&Exchange::OnWrite, shared_from_this()));
  });
}

void WebhookClient::Core::Exchange::OnWrite(beast::error_code ec, size_t) {
  if (Interrupted()) return;
  // A receiver may answer (say 413) and close before reading all we send:
  // try to read its answer anyway.
  if (ec && ec != asio::error::broken_pipe && ec != asio::error::connection_reset)
    return Finish(0, fmt::format("sending the request to {} failed: {}", Where(), Describe(ec)));
  DoRead();
}

void WebhookClient::Core::Exchange::DoRead() {
  WithStream([&](auto& stream) {
    http::async_read(stream, buffer_, parser_,
                     beast::bind_front_handler(&Exchange::OnRead, shared_from_this()));
  });
}

void WebhookClient::Core::Exchange::OnRead(beast::error_code ec, size_t) {
  // Once the status line and headers are in, that is the answer, whatever
  // became of the body (too long, cut off, slow).
  if (!finished_ && parser_.is_header_done()) return Finish(parser_.get().result_int(), "");
  if (Interrupted()) return;
  if (ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
      ec == ssl::error::stream_truncated)
    return Finish(0, fmt::format("connection closed by {} before an answer", Where()));
  if (ec.category() ==
      http::make_error_code(http::error::end_of_stream).category())  // anything Beast's parser refused
    return Finish(0, fmt::format("bad HTTP answer from {}: {}", Where(), Describe(ec)));
  Finish(0, fmt::format("reading the answer from {} failed: {}", Where(), Describe(ec)));
}

void WebhookClient::Core::Exchange::OnDeadline(beast::error_code ec) {
  if (ec || finished_) return;  // cancelled: the exchange ended in time
  timed_out_ = true;
  Abort();
}

bool WebhookClient::Core::Exchange::Interrupted() {
  if (finished_) return true;
  if (stopped_) {
    Finish(0, std::string(kStopped));
    return true;
  }
  if (timed_out_) {
    const auto ms = pending_.post.timeout.count();
    Finish(0, ms % 1000 == 0 ? fmt::format("timeout after {} s", ms / 1000)
                             : fmt::format("timeout after {} ms", ms));
    return true;
  }
  return false;
}

void WebhookClient::Core::Exchange::Abort() {
  resolver_.cancel();
  deadline_.cancel();
  if (plain_ || tls_) Lowest().close();
}

void WebhookClient::Core::Exchange::Finish(int status, std::string error) {
  finished_ = true;
  Abort();
  WebhookAnswer answer{.status = status,
                       .error = std::move(error),
                       .latency = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::steady_clock::now() - started_)};
  auto done = std::move(pending_.done);
  core_.Finished(this);
  done(std::move(answer));
}

std::string WebhookClient::Core::Exchange::Where() const {
  const bool ipv6 = url_.host.find(':') != std::string::npos;
  return ipv6 ? fmt::format("[{}]:{}", url_.host, url_.port) : fmt::format("{}:{}", url_.host, url_.port);
}

// --- Core -----------------------------------------------------------------

WebhookClient::Core::Core(Options options) : options_(options) {
  beast::error_code ec;
  tls_.set_default_verify_paths(ec);
  if (ec)
    spdlog::warn("webhooks: no default CA paths ({}): https posts will fail verification", ec.message());
  tls_.set_verify_mode(ssl::verify_peer);
  const int threads = std::max(options_.threads, 1);
  threads_.reserve(threads);
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { ioc_.run(); });
}

void WebhookClient::Core::Post(WebhookPost post, std::function<void(WebhookAnswer)> done) {
  std::unique_lock lock(mutex_);
  if (stopping_) {
    lock.unlock();
    done(Stopped());
    return;
  }
  Pending pending{std::move(post), std::move(done)};
  if (in_flight_ < std::max<size_t>(options_.max_in_flight, 1)) {
    StartLocked(std::move(pending));
  } else {
    queue_.push_back(std::move(pending));
  }
}

void WebhookClient::Core::StartLocked(Pending pending) {
  auto exchange = std::make_shared<Exchange>(*this, std::move(pending));
  ++in_flight_;
  live_.emplace(exchange.get(), exchange);
  exchange->Start();  // only posts to its strand
}

void WebhookClient::Core::Finished(Exchange* exchange) {
  std::lock_guard lock(mutex_);
  live_.erase(exchange);  // the running handler still holds the exchange
  --in_flight_;
  if (!stopping_ && !queue_.empty()) {
    Pending next = std::move(queue_.front());
    queue_.pop_front();
    StartLocked(std::move(next));
  }
}

void WebhookClient::Core::Stop() {
  std::deque<Pending> queued;
  std::vector<std::shared_ptr<Exchange>> live;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    queued.swap(queue_);
    live.reserve(live_.size());
    for (const auto& [ptr, exchange] : live_) live.push_back(exchange);
  }
  for (Pending& pending : queued) asio::post(ioc_, [done = std::move(pending.done)] { done(Stopped()); });
  for (const auto& exchange : live) exchange->Cancel();
  live.clear();
  work_.reset();
  for (std::thread& thread : threads_) thread.join();
}

// --- WebhookClient --------------------------------------------------------

WebhookClient::WebhookClient(Options options) : core_(std::make_unique<Core>(options)) {}
WebhookClient::~WebhookClient() = default;

void WebhookClient::Post(WebhookPost post, std::function<void(WebhookAnswer)> done) {
  core_->Post(std::move(post), std::move(done));
}
size_t WebhookClient::in_flight() const { return core_->in_flight(); }
size_t WebhookClient::queued() const { return core_->queued(); }

}  // namespace infrashare
