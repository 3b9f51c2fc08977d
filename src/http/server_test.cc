// The server over loopback with a stub route table: keep-alive, limits,
// protocol errors, exceptions, worker threads and graceful stop.
#include "http/server.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "common/json.h"

namespace infrashare {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// One client connection. Every operation is bounded by a deadline so that a
// server bug fails the test instead of hanging it.
class Connection {
 public:
  explicit Connection(uint16_t port) : stream_(ioc_) {
    stream_.expires_after(5s);
    stream_.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                          [this](beast::error_code ec) { ec_ = ec; });
    Run();
    if (ec_) throw std::runtime_error("connect: " + ec_.message());
  }

  // Sends bytes as they are; returns false if the server refused them.
  bool SendRaw(std::string bytes) {
    stream_.expires_after(5s);
    asio::async_write(stream_, asio::buffer(bytes), [this](beast::error_code ec, size_t) { ec_ = ec; });
    Run();
    return !ec_;
  }

  // The next response, or nullopt when the connection ended first.
  std::optional<http::response<http::string_body>> Read() {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    stream_.expires_after(10s);
    http::async_read(stream_, buffer_, parser, [this](beast::error_code ec, size_t) { ec_ = ec; });
    Run();
    if (ec_) return std::nullopt;
    return parser.release();
  }

  http::response<http::string_body> Request(http::verb method, std::string target, std::string body = "",
                                            bool keep_alive = true) {
    http::request<http::string_body> req(method, target, 11);
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(keep_alive);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    stream_.expires_after(10s);
    http::async_write(stream_, req, [this](beast::error_code ec, size_t) { ec_ = ec; });
    Run();
    if (ec_) throw std::runtime_error("write: " + ec_.message());
    auto res = Read();
    if (!res) throw std::runtime_error("read: " + ec_.message());
    return std::move(*res);
  }

  // True when the server has closed the connection (reads EOF or reset).
  bool ServerClosed() {
    char byte;
    stream_.expires_after(5s);
    stream_.async_read_some(asio::buffer(&byte, 1), [this](beast::error_code ec, size_t) { ec_ = ec; });
    Run();
    return ec_ == asio::error::eof || ec_ == asio::error::connection_reset;
  }

  beast::error_code error() const { return ec_; }

 private:
  void Run() {
    ioc_.restart();
    ioc_.run();
  }

  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  beast::error_code ec_;
};

std::string Str(beast::string_view s) { return std::string(s.data(), s.size()); }

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    router_.Add("GET", "/hello", "Hello",
                [](const HttpRequest&) { return JsonResponse(200, R"({"hello":"world"})"); });
    router_.Add("POST", "/echo", "Echo the request", [](const HttpRequest& r) {
      Json query = Json::object();
      for (const auto& [k, v] : r.query) query[k] = v;
      return JsonResponse(200, Json{{"method", r.method},
                                    {"path", r.path},
                                    {"query", query},
                                    {"content_type", r.Header("Content-Type")},
                                    {"x_multi", r.Header("x-multi")},
                                    {"body_size", r.body.size()}}
                                   .dump());
    });
    router_.Add("GET", "/items/{id}", "One item", [](const HttpRequest& r) {
      return HttpResponse{.status = 200, .content_type = "text/plain", .body = r.path_params.at("id")};
    });
    router_.Add("GET", "/boom", "Throws", [](const HttpRequest&) -> HttpResponse {
      throw std::runtime_error("db password is hunter2");
    });
    router_.Add("GET", "/slow", "Sleeps", [this](const HttpRequest&) {
      slow_entered_.set_value();
      std::this_thread::sleep_for(slow_for_);
      return JsonResponse(200, R"({"slow":true})");
    });
    // A non-blocking route: answered on the network thread when the request
    // says "X-Cached: yes", otherwise on the pool; each records its thread.
    router_.Add(
        "POST", "/assess", "Preview",
        [this](const HttpRequest&) {
          RecordThread(pool_threads_);
          if (pool_entered_) pool_entered_->set_value();
          std::this_thread::sleep_for(pool_sleep_);
          return JsonResponse(200, R"({"from":"pool"})");
        },
        [this](const HttpRequest& r) -> std::optional<HttpResponse> {
          if (r.Header("x-cached") != "yes") return std::nullopt;
          RecordThread(network_threads_);
          if (r.body == "boom") throw std::runtime_error("db password is hunter2");
          return JsonResponse(200, R"({"from":"network thread"})");
        });
    router_.Add("GET", "/bad-header", "Tries header injection", [](const HttpRequest&) {
      HttpResponse r = JsonResponse(200, "{}");
      r.headers.emplace_back("X-Test", "a\r\nSet-Cookie: evil=1");
      return r;
    });
  }

  void StartServer(ServerOptions options = {}, bool access_log = false) {
    options.port = 0;
    options.access_log = access_log;
    server_.emplace(std::move(options), router_);
    auto started = server_->Start();
    ASSERT_TRUE(started) << started.error().message;
    ASSERT_NE(server_->port(), 0);
  }

  void RecordThread(std::set<std::thread::id>& into) {
    std::lock_guard lock(threads_mutex_);
    into.insert(std::this_thread::get_id());
  }

  // A raw POST /assess, with or without the header that lets it answer on
  // the network thread.
  static std::string Assess(bool cached, const std::string& body = "{}") {
    return "POST /assess HTTP/1.1\r\nHost: x\r\n" + std::string(cached ? "X-Cached: yes\r\n" : "") +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  Router router_;
  std::optional<HttpServer> server_;
  std::promise<void> slow_entered_;
  std::chrono::milliseconds slow_for_{500};
  std::optional<std::promise<void>> pool_entered_;  // set: the pool handler of /assess signals it
  std::chrono::milliseconds pool_sleep_{0};
  std::mutex threads_mutex_;
  // State below is protected by threads_mutex_.
  std::set<std::thread::id> pool_threads_;     // where /assess ran its blocking handler
  std::set<std::thread::id> network_threads_;  // where /assess answered without blocking
};

TEST_F(ServerTest, KeepsTheConnectionAlive) {
  StartServer();
  Connection c(server_->port());
  for (int i = 0; i < 5; ++i) {
    auto res = c.Request(http::verb::get, "/hello");
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), R"({"hello":"world"})");
    EXPECT_EQ(Str(res[http::field::content_type]), "application/json");
    EXPECT_TRUE(res.keep_alive());
  }
}

TEST_F(ServerTest, ClosesWhenTheClientAsks) {
  StartServer();
  Connection c(server_->port());
  auto res = c.Request(http::verb::get, "/hello", "", /*keep_alive=*/false);
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(c.ServerClosed());
}

TEST_F(ServerTest, PassesMethodPathQueryHeadersAndBody) {
  StartServer();
  Connection c(server_->port());
  ASSERT_TRUE(
      c.SendRaw("POST /echo?kind=near_miss&q=a+b HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                "X-Multi: 1\r\nx-multi: 2\r\nContent-Length: 7\r\n\r\n{\"a\":1}"));
  auto res = c.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(Json::parse(res->body()), (Json{{"method", "POST"},
                                            {"path", "/echo"},
                                            {"query", {{"kind", "near_miss"}, {"q", "a b"}}},
                                            {"content_type", "application/json"},
                                            {"x_multi", "1, 2"},
                                            {"body_size", 7}}));
}

TEST_F(ServerTest, SetsSafeDefaultHeadersAndStripsLineBreaks) {
  StartServer();
  Connection c(server_->port());
  auto res = c.Request(http::verb::get, "/bad-header");
  EXPECT_EQ(Str(res["Cache-Control"]), "no-store");
  EXPECT_EQ(Str(res["X-Content-Type-Options"]), "nosniff");
  EXPECT_EQ(Str(res["Referrer-Policy"]), "no-referrer");
  EXPECT_EQ(Str(res["Content-Security-Policy"]), "default-src 'none'; frame-ancestors 'none'");
  EXPECT_EQ(Str(res["X-Test"]), "a  Set-Cookie: evil=1");
  EXPECT_EQ(Str(res["Set-Cookie"]), "");
}

TEST_F(ServerTest, UnknownPathIs404AndWrongMethodIs405) {
  StartServer();
  Connection c(server_->port());
  auto missing = c.Request(http::verb::get, "/nothing");
  EXPECT_EQ(missing.result_int(), 404);
  EXPECT_EQ(Str(missing[http::field::content_type]), "application/problem+json");
  auto wrong = c.Request(http::verb::delete_, "/hello");
  EXPECT_EQ(wrong.result_int(), 405);
  EXPECT_EQ(Str(wrong[http::field::allow]), "GET");
  EXPECT_EQ(Json::parse(wrong.body())["code"], "method_not_allowed");
  // Still usable afterwards.
  EXPECT_EQ(c.Request(http::verb::get, "/items/a%20b").body(), "a b");
}

TEST_F(ServerTest, HandlerExceptionIs500WithoutTheMessage) {
  StartServer();
  Connection c(server_->port());
  auto res = c.Request(http::verb::get, "/boom");
  EXPECT_EQ(res.result_int(), 500);
  EXPECT_EQ(Json::parse(res.body())["detail"], "internal error");
  EXPECT_EQ(res.body().find("hunter2"), std::string::npos);
  EXPECT_EQ(c.Request(http::verb::get, "/hello").result_int(), 200);
}

TEST_F(ServerTest, BodyAtTheLimitIsAccepted) {
  StartServer();
  Connection c(server_->port());
  auto res = c.Request(http::verb::post, "/echo", std::string(kDefaultBodyLimit, 'x'));
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(Json::parse(res.body())["body_size"], kDefaultBodyLimit);
}

TEST_F(ServerTest, OversizedBodyIs413ProblemThenClose) {
  StartServer();
  Connection c(server_->port());
  auto res = c.Request(http::verb::post, "/echo", std::string(kDefaultBodyLimit + 1, 'x'));
  EXPECT_EQ(res.result_int(), 413);
  EXPECT_EQ(Str(res[http::field::content_type]), "application/problem+json");
  Json body = Json::parse(res.body());
  EXPECT_EQ(body["detail"], "the request body exceeds the limit of 1048576 bytes (1 MiB)");
  EXPECT_EQ(body["code"], "too_large");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(c.ServerClosed());
}

TEST_F(ServerTest, OversizedChunkedBodyIs413) {
  StartServer({.body_limit = 1000});
  Connection c(server_->port());
  std::string chunk(800, 'y');
  c.SendRaw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk + "\r\n");
  c.SendRaw("320\r\n" + chunk + "\r\n0\r\n\r\n");
  auto res = c.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 413);
  EXPECT_EQ(Json::parse(res->body())["detail"], "the request body exceeds the limit of 1000 bytes");
}

TEST_F(ServerTest, ExpectContinueGets413BeforeTheBodyIsSent) {
  StartServer();
  Connection c(server_->port());
  ASSERT_TRUE(
      c.SendRaw("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5000000\r\n\r\n"));
  auto res = c.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 413);
}

TEST_F(ServerTest, ExpectContinueWithinLimitGets100ThenTheAnswer) {
  StartServer();
  Connection c(server_->port());
  ASSERT_TRUE(
      c.SendRaw("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"));
  auto interim = c.Read();
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->result_int(), 100);
  ASSERT_TRUE(c.SendRaw("{}"));
  auto res = c.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 200);
  EXPECT_EQ(Json::parse(res->body())["body_size"], 2);
}

TEST_F(ServerTest, MalformedRequestLineIs400ThenClose) {
  StartServer();
  Connection c(server_->port());
  ASSERT_TRUE(c.SendRaw("THIS IS NOT HTTP\r\n\r\n"));
  auto res = c.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 400);
  EXPECT_EQ(Str((*res)[http::field::content_type]), "application/problem+json");
  EXPECT_EQ(Json::parse(res->body())["code"], "invalid_argument");
  EXPECT_TRUE(c.ServerClosed());
}

TEST_F(ServerTest, NonOriginTargetIs400) {
  StartServer();
  Connection c(server_->port());
  ASSERT_TRUE(c.SendRaw("GET http://example.com/hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto res = c.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 400);
  EXPECT_EQ(Json::parse(res->body())["detail"], "the request target must be a path starting with '/'");
}

TEST_F(ServerTest, OversizedHeaderIs431) {
  StartServer({.header_limit = 1024});
  Connection c(server_->port());
  ASSERT_TRUE(c.SendRaw("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n"));
  auto res = c.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->result_int(), 431);
  EXPECT_EQ(Str((*res)[http::field::content_type]), "application/problem+json");
}

TEST_F(ServerTest, IdleConnectionTimesOut) {
  StartServer({.read_timeout = std::chrono::seconds(1)});
  Connection c(server_->port());
  auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.ServerClosed());
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 4s);
}

TEST_F(ServerTest, SlowHandlerDoesNotStallTheNetworkThread) {
  StartServer({.io_threads = 1, .worker_threads = 4});
  slow_for_ = 1500ms;
  auto slow = std::async(std::launch::async, [this] {
    Connection c(server_->port());
    return c.Request(http::verb::get, "/slow").result_int();
  });
  slow_entered_.get_future().wait();
  Connection fast(server_->port());
  auto begin = std::chrono::steady_clock::now();
  EXPECT_EQ(fast.Request(http::verb::get, "/hello").result_int(), 200);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 1000ms);
  EXPECT_EQ(slow.get(), 200);
}

TEST_F(ServerTest, NonBlockingRouteAnswersOnTheNetworkThreadOtherwiseOnThePool) {
  StartServer({.io_threads = 1, .worker_threads = 4});
  for (int i = 0; i < 3; ++i) {
    Connection c(server_->port());
    ASSERT_TRUE(c.SendRaw(Assess(/*cached=*/true)));
    auto fast = c.Read();
    ASSERT_TRUE(fast);
    EXPECT_EQ(fast->body(), R"({"from":"network thread"})");
    ASSERT_TRUE(c.SendRaw(Assess(/*cached=*/false)));
    auto declined = c.Read();
    ASSERT_TRUE(declined);
    EXPECT_EQ(declined->result_int(), 200);
    EXPECT_EQ(declined->body(), R"({"from":"pool"})");
  }
  std::lock_guard lock(threads_mutex_);
  ASSERT_EQ(network_threads_.size(), 1u);  // the one network thread, every time
  for (const auto& id : pool_threads_) EXPECT_FALSE(network_threads_.contains(id));
}

TEST_F(ServerTest, DeclinedNonBlockingRouteBlocksOnlyThePool) {
  StartServer({.io_threads = 1, .worker_threads = 4});
  pool_entered_.emplace();
  pool_sleep_ = 1500ms;
  auto declined = std::async(std::launch::async, [this] {
    Connection c(server_->port());
    if (!c.SendRaw(Assess(/*cached=*/false))) return std::string("send failed");
    auto res = c.Read();
    return res ? res->body() : std::string("no answer");
  });
  pool_entered_->get_future().wait();
  Connection fast(server_->port());
  auto begin = std::chrono::steady_clock::now();
  ASSERT_TRUE(fast.SendRaw(Assess(/*cached=*/true)));
  auto res = fast.Read();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body(), R"({"from":"network thread"})");
  EXPECT_EQ(fast.Request(http::verb::get, "/hello").result_int(), 200);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 1000ms);
  EXPECT_EQ(declined.get(), R"({"from":"pool"})");
}

TEST_F(ServerTest, ErrorsOnTheNonBlockingPathAreUnchanged) {
  StartServer({.body_limit = 1000});
  {
    Connection c(server_->port());
    ASSERT_TRUE(c.SendRaw(Assess(/*cached=*/true, "boom")));
    auto res = c.Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->result_int(), 500);
    EXPECT_EQ(Json::parse(res->body())["detail"], "internal error");
    EXPECT_EQ(res->body().find("hunter2"), std::string::npos);
    ASSERT_TRUE(c.SendRaw(Assess(/*cached=*/true)));  // the connection still serves
    auto next = c.Read();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->result_int(), 200);
  }
  for (bool cached : {true, false}) {
    Connection c(server_->port());
    ASSERT_TRUE(c.SendRaw(Assess(cached, std::string(1001, 'x'))));
    auto res = c.Read();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->result_int(), 413);
    EXPECT_EQ(Json::parse(res->body())["detail"], "the request body exceeds the limit of 1000 bytes");
    EXPECT_TRUE(c.ServerClosed());
  }
  std::lock_guard lock(threads_mutex_);
  EXPECT_TRUE(pool_threads_.empty());  // refused before any handler
}

TEST_F(ServerTest, StopFinishesTheResponseInFlight) {
  StartServer();
  slow_for_ = 700ms;
  Connection idle(server_->port());
  EXPECT_EQ(idle.Request(http::verb::get, "/hello").result_int(), 200);
  auto slow = std::async(std::launch::async, [this] {
    Connection c(server_->port());
    auto res = c.Request(http::verb::get, "/slow");
    return std::make_pair(res, c.ServerClosed());
  });
  slow_entered_.get_future().wait();
  server_->Stop();  // returns only after the slow response was written
  auto [res, closed] = slow.get();
  EXPECT_EQ(res.result_int(), 200);
  EXPECT_EQ(res.body(), R"({"slow":true})");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_TRUE(closed);
  EXPECT_TRUE(idle.ServerClosed());
  // No longer accepting.
  EXPECT_THROW(Connection{server_->port()}, std::runtime_error);
}

TEST_F(ServerTest, StopIsIdempotentAndWaitReturnsAfterStop) {
  StartServer();
  auto waiter = std::async(std::launch::async, [this] { server_->Wait(); });
  EXPECT_EQ(waiter.wait_for(100ms), std::future_status::timeout);
  server_->Stop();
  EXPECT_EQ(waiter.wait_for(5s), std::future_status::ready);
  server_->Stop();
  server_->Wait();
}

TEST_F(ServerTest, AccessLogNamesTheRouteNeverIdsQueriesOrBodies) {
  std::ostringstream log;
  auto logger =
      std::make_shared<spdlog::logger>("access", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  spdlog::register_logger(logger);
  StartServer({}, /*access_log=*/true);
  {
    Connection c(server_->port());
    EXPECT_EQ(c.Request(http::verb::get, "/items/org-secret-42?token=tok-abc").result_int(), 200);
    EXPECT_EQ(c.Request(http::verb::post, "/echo", R"({"principal":"alice"})").result_int(), 200);
    EXPECT_EQ(c.Request(http::verb::get, "/nothing/bob").result_int(), 404);
  }
  server_->Stop();
  spdlog::drop("access");
  const std::string text = log.str();
  EXPECT_NE(text.find("method=GET route=/items/{id} status=200 latency_us="), std::string::npos) << text;
  EXPECT_NE(text.find("method=POST route=/echo status=200"), std::string::npos) << text;
  EXPECT_NE(text.find("method=GET route=- status=404"), std::string::npos) << text;
  for (const char* secret : {"org-secret-42", "tok-abc", "alice", "bob"})
    EXPECT_EQ(text.find(secret), std::string::npos) << secret << " leaked into: " << text;
}

TEST_F(ServerTest, SigtermMakesWaitDrainAndReturn) {
  StartServer({.handle_signals = true});
  slow_for_ = 500ms;
  auto slow = std::async(std::launch::async, [this] {
    Connection c(server_->port());
    return c.Request(http::verb::get, "/slow").result_int();
  });
  slow_entered_.get_future().wait();
  ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
  server_->Wait();
  EXPECT_EQ(slow.get(), 200);
}

TEST_F(ServerTest, StartTwiceIsAConflict) {
  StartServer();
  auto again = server_->Start();
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
}

TEST(ServerStartTest, PortInUseIsUnavailable) {
  Router router;
  HttpServer first({.port = 0, .access_log = false}, router);
  ASSERT_TRUE(first.Start());
  HttpServer second({.port = first.port(), .access_log = false}, router);
  auto started = second.Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(started.error().message.find("cannot listen on 127.0.0.1:"), std::string::npos)
      << started.error().message;
}

TEST(ServerStartTest, BadOptionsAreInvalid) {
  Router router;
  HttpServer no_threads({.port = 0, .worker_threads = 0}, router);
  auto started = no_threads.Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().field, "worker_threads");
  HttpServer bad_host({.host = "no-such-host.invalid", .port = 0}, router);
  EXPECT_EQ(bad_host.Start().error().field, "host");
}

TEST(ServerStartTest, StopBeforeStartIsANoOp) {
  Router router;
  HttpServer server({}, router);
  server.Stop();
  server.Wait();
  EXPECT_EQ(server.port(), 0);
}

}  // namespace
}  // namespace infrashare
