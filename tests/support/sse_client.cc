#include "support/sse_client.h"

#include <fmt/format.h>

#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <deque>
#include <limits>

namespace infrashare {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr size_t kReadChunk = 4 * 1024;
// A non-stream body larger than this is a test failure, not something to keep.
constexpr size_t kMaxBody = size_t{16} << 20;

std::string Str(beast::string_view s) { return std::string(s.data(), s.size()); }

}  // namespace

// Plain asio operations (not beast::tcp_stream, whose timeouts close the
// socket) on a private io_context, run by the calling thread for at most the
// time allowed; an operation still pending then is cancelled, so a timeout
// leaves the connection usable.
class SseClient::Impl {
 public:
  Impl() : socket_(ioc_) {}

  Result<void> Open(uint16_t port, std::string_view target, const std::map<std::string, std::string>& headers,
                    std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    beast::error_code ec = asio::error::would_block;
    socket_.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                          [&ec](beast::error_code e) { ec = e; });
    RunUntil(deadline);
    if (ec) return Unavailable(fmt::format("cannot connect to 127.0.0.1:{}: {}", port, Describe(ec)));
    socket_.set_option(tcp::no_delay(true), ec);

    http::request<http::empty_body> request(http::verb::get, beast::string_view(target.data(), target.size()),
                                            11);
    request.set(http::field::host, fmt::format("127.0.0.1:{}", port));
    request.set(http::field::accept, "text/event-stream");
    request.set(http::field::user_agent, "infrashare-test-sse-client");
    for (const auto& [name, value] : headers) request.set(name, value);
    ec = asio::error::would_block;
    http::async_write(socket_, request, [&ec](beast::error_code e, size_t) { ec = e; });
    RunUntil(deadline);
    if (ec) return Unavailable(fmt::format("GET {}: sending failed: {}", target, Describe(ec)));

    parser_.body_limit(std::numeric_limits<std::uint64_t>::max());  // a stream has no end to limit
    ec = asio::error::would_block;
    http::async_read_header(socket_, buffer_, parser_, [&ec](beast::error_code e, size_t) { ec = e; });
    RunUntil(deadline);
    if (ec) return Unavailable(fmt::format("GET {}: no response header: {}", target, Describe(ec)));
    const auto& header = parser_.get();
    status_ = static_cast<int>(header.result_int());
    for (const auto& field : header) {
      std::string name = Str(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      auto [it, inserted] = headers_.emplace(std::move(name), Str(field.value()));
      if (!inserted) it->second += ", " + Str(field.value());
    }
    if (!Header("content-type").starts_with("text/event-stream")) {
      // Not a stream: read the whole body.
      while (!ended_ && body_.size() <= kMaxBody)
        if (!ReadSome(deadline, body_)) break;
      ended_ = true;
      if (!parser_.is_done())
        return Unavailable(fmt::format("GET {}: status {} with an incomplete body", target, status_));
    }
    return {};
  }

  std::optional<SseMessage> Next(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      ParseLines();
      if (!ready_.empty()) {
        SseMessage message = std::move(ready_.front());
        ready_.pop_front();
        return message;
      }
      if (ended_) return std::nullopt;
      if (!ReadSome(deadline, text_)) return std::nullopt;
    }
  }

  bool closed() const { return ended_ && ready_.empty(); }

  std::string Header(std::string_view name) const {
    std::string key(name);
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto it = headers_.find(key);
    return it == headers_.end() ? std::string() : it->second;
  }

  void Close() {
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    ended_ = true;
  }

 private:
  friend class SseClient;  // reads what the stream told (status, body, comments, retry)

  int status_ = 0;
  std::string body_;
  size_t comments_ = 0;
  std::optional<long> retry_;
  static std::string Describe(beast::error_code ec) {
    return ec == asio::error::operation_aborted ? std::string("timed out") : ec.message();
  }

  // Runs the io_context until its work is done or `deadline`; then cancels
  // what is pending and lets it finish (with operation_aborted).
  void RunUntil(std::chrono::steady_clock::time_point deadline) {
    ioc_.restart();
    ioc_.run_until(deadline);
    if (!ioc_.stopped()) {
      beast::error_code ignored;
      socket_.cancel(ignored);
      ioc_.restart();
      ioc_.run();
    }
  }

  // Reads some body bytes into `out`. False on timeout (the connection stays
  // usable) or when the stream ended (ended_ is then set).
  bool ReadSome(std::chrono::steady_clock::time_point deadline, std::string& out) {
    if (parser_.is_done()) {
      ended_ = true;
      return false;
    }
    auto& body = parser_.get().body();
    body.data = chunk_.data();
    body.size = chunk_.size();
    beast::error_code ec = asio::error::would_block;
    http::async_read_some(socket_, buffer_, parser_, [&ec](beast::error_code e, size_t) { ec = e; });
    RunUntil(deadline);
    out.append(chunk_.data(), chunk_.size() - parser_.get().body().size);
    if (ec == http::error::need_buffer) ec = {};
    if (ec == asio::error::operation_aborted) return false;  // timeout
    if (ec || parser_.is_done()) {
      ended_ = true;
      return !ec;  // the last bytes may have come with the end
    }
    return true;
  }

  // Moves complete events from text_ to ready_.
  void ParseLines() {
    size_t start = 0;
    while (true) {
      size_t lf = text_.find('\n', start);
      if (lf == std::string::npos) break;
      std::string_view line(text_.data() + start, lf - start);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      start = lf + 1;
      if (line.empty()) {
        if (has_data_) {
          if (!current_.data.empty() && current_.data.back() == '\n') current_.data.pop_back();
          ready_.push_back(std::move(current_));
        }
        current_ = {};
        has_data_ = false;
        continue;
      }
      if (line.front() == ':') {
        ++comments_;
        continue;
      }
      size_t colon = line.find(':');
      std::string_view field = line.substr(0, colon);
      std::string_view value = colon == std::string_view::npos ? std::string_view{} : line.substr(colon + 1);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (field == "data") {
        current_.data.append(value).append("\n");
        has_data_ = true;
      } else if (field == "event") {
        current_.event = std::string(value);
      } else if (field == "id") {
        current_.id = std::string(value);
      } else if (field == "retry") {
        try {
          retry_ = std::stol(std::string(value));
        } catch (const std::exception&) {
        }
      }
    }
    text_.erase(0, start);
  }

  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
  http::response_parser<http::buffer_body> parser_;
  std::array<char, kReadChunk> chunk_;
  std::map<std::string, std::string> headers_;
  std::string text_;  // received, not yet parsed into events
  SseMessage current_;
  bool has_data_ = false;
  std::deque<SseMessage> ready_;
  bool ended_ = false;
};

Result<SseClient> SseClient::Connect(uint16_t port, std::string_view target,
                                     const std::map<std::string, std::string>& headers,
                                     std::chrono::milliseconds timeout) {
  auto impl = std::make_unique<Impl>();
  INFRASHARE_TRY(impl->Open(port, target, headers, timeout));
  return SseClient(std::move(impl));
}

SseClient::SseClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SseClient::~SseClient() = default;
SseClient::SseClient(SseClient&&) noexcept = default;
SseClient& SseClient::operator=(SseClient&&) noexcept = default;

int SseClient::status() const { return impl_->status_; }
std::string SseClient::Header(std::string_view name) const { return impl_->Header(name); }
const std::string& SseClient::body() const { return impl_->body_; }
std::optional<SseMessage> SseClient::Next(std::chrono::milliseconds timeout) { return impl_->Next(timeout); }
bool SseClient::closed() const { return impl_->closed(); }
size_t SseClient::comments() const { return impl_->comments_; }
std::optional<long> SseClient::retry() const { return impl_->retry_; }
void SseClient::Close() { impl_->Close(); }

}  // namespace infrashare
