#include "support/http_client.h"

#include <fmt/format.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <optional>

namespace infrashare {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Responses larger than this are a test failure, not something to buffer.
constexpr uint64_t kMaxResponseBody = uint64_t{256} << 20;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Str(beast::string_view s) { return std::string(s.data(), s.size()); }

}  // namespace

std::string HttpClient::Response::Header(std::string_view name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? std::string() : it->second;
}

Result<Json> HttpClient::Response::JsonBody() const { return ParseJson(body); }

// Async operations on a private io_context, run to completion by the calling
// thread: this is how each step gets a deadline (beast::tcp_stream timeouts),
// which blocking socket calls in Asio cannot have.
class HttpClient::Impl {
 public:
  Impl(std::string host, uint16_t port, std::chrono::milliseconds timeout)
      : host_(std::move(host)), port_(port), timeout_(timeout), stream_(ioc_) {}

  Result<Response> Request(std::string_view method, std::string_view target, std::string_view body,
                           const std::map<std::string, std::string>& headers) {
    http::request<http::string_body> request;
    http::verb verb = http::string_to_verb(beast::string_view(method.data(), method.size()));
    if (verb == http::verb::unknown)
      request.method_string(beast::string_view(method.data(), method.size()));
    else
      request.method(verb);
    request.target(beast::string_view(target.data(), target.size()));
    request.version(11);
    request.set(http::field::host, fmt::format("{}:{}", host_, port_));
    request.set(http::field::user_agent, "infrashare-test-client");
    bool has_authorization = false, has_content_type = false;
    for (const auto& [name, value] : headers) {
      has_authorization = has_authorization || beast::iequals(name, "authorization");
      has_content_type = has_content_type || beast::iequals(name, "content-type");
      request.insert(name, value);
    }
    if (!has_authorization && !bearer_token_.empty())
      request.set(http::field::authorization, "Bearer " + bearer_token_);
    if (!has_content_type && !body.empty()) request.set(http::field::content_type, "application/json");
    request.body() = std::string(body);
    request.prepare_payload();

    for (int attempt = 0;; ++attempt) {
      const bool reused = connected_;
      if (!connected_) INFRASHARE_TRY(Connect());
      beast::error_code write_ec = Write(request);
      // Even after a failed write, a response may be waiting (a server that
      // refused the body early, e.g. 413, and closed).
      ReadOutcome read = Read();
      if (read.response) {
        if (!read.response->keep_alive()) Close();
        return Convert(std::move(*read.response));
      }
      Close();
      if (reused && !read.got_some && attempt == 0) continue;
      std::string why = write_ec ? fmt::format("sending failed: {}; ", write_ec.message()) : std::string();
      return Unavailable(fmt::format("{} {} to {}:{}: {}no response: {}", method, target, host_, port_, why,
                                     read.ec.message()));
    }
  }

  void SetBearerToken(std::string token) { bearer_token_ = std::move(token); }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
    buffer_.clear();
    connected_ = false;
  }

 private:
  void Run() {
    ioc_.restart();
    ioc_.run();
  }

  Result<void> Connect() {
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    auto endpoints = resolver.resolve(host_, std::to_string(port_), ec);
    if (ec) return Unavailable(fmt::format("cannot resolve {}: {}", host_, ec.message()));
    stream_.expires_after(timeout_);
    stream_.async_connect(endpoints, [&ec](beast::error_code e, const tcp::endpoint&) { ec = e; });
    Run();
    if (ec) return Unavailable(fmt::format("cannot connect to {}:{}: {}", host_, port_, ec.message()));
    stream_.socket().set_option(tcp::no_delay(true), ec);
    buffer_.clear();
    connected_ = true;
    return {};
  }

  beast::error_code Write(http::request<http::string_body>& request) {
    beast::error_code ec;
    stream_.expires_after(timeout_);
    http::async_write(stream_, request, [&ec](beast::error_code e, size_t) { ec = e; });
    Run();
    return ec;
  }

  struct ReadOutcome {
    std::optional<http::response<http::string_body>> response;  // set on success
    beast::error_code ec;
    bool got_some = false;  // some bytes of a response arrived
  };

  ReadOutcome Read() {
    ReadOutcome outcome;
    std::optional<http::response_parser<http::string_body>> parser;
    do {  // interim responses (100 Continue) are skipped
      parser.emplace();
      parser->body_limit(kMaxResponseBody);
      stream_.expires_after(timeout_);
      http::async_read(stream_, buffer_, *parser,
                       [&outcome](beast::error_code e, size_t) { outcome.ec = e; });
      Run();
      outcome.got_some = outcome.got_some || parser->got_some();
      if (outcome.ec) return outcome;
    } while (parser->get().result_int() / 100 == 1);
    outcome.response = parser->release();
    return outcome;
  }

  static Response Convert(http::response<http::string_body> message) {
    Response response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
      auto [it, inserted] = response.headers.emplace(Lower(Str(field.name_string())), Str(field.value()));
      if (!inserted) it->second += ", " + Str(field.value());
    }
    response.body = std::move(message.body());
    return response;
  }

  const std::string host_;
  const uint16_t port_;
  const std::chrono::milliseconds timeout_;
  std::string bearer_token_;
  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  bool connected_ = false;
};

HttpClient::HttpClient(std::string host, uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>(std::move(host), port, timeout)) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

Result<HttpClient::Response> HttpClient::Request(std::string_view method, std::string_view target,
                                                 std::string_view body,
                                                 const std::map<std::string, std::string>& headers) {
  return impl_->Request(method, target, body, headers);
}

void HttpClient::SetBearerToken(std::string token) { impl_->SetBearerToken(std::move(token)); }
void HttpClient::Close() { impl_->Close(); }

}  // namespace infrashare
