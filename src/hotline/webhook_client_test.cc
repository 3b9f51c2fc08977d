#include "hotline/webhook_client.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <condition_variable>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

namespace infrashare {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

// A webhook receiver on 127.0.0.1 with a thread of its own.
class TestReceiver {
 public:
  enum class Mode {
    kAnswer,  // reads the request, answers `status` with a body of `body_bytes`
    kClose,   // reads the request, closes without an answer
    kHang,    // accepts, never reads nor answers
  };

  explicit TestReceiver(Mode mode, int status = 200, size_t body_bytes = 2)
      : mode_(mode), status_(status), body_bytes_(body_bytes) {
    acceptor_.open(tcp::v4());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind({asio::ip::make_address("127.0.0.1"), 0});
    acceptor_.listen(asio::socket_base::max_listen_connections);
    asio::co_spawn(ioc_, Accept(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~TestReceiver() {
    ioc_.stop();
    thread_.join();
  }

  std::string Url(std::string_view target = "/hook") const {
    return fmt::format("http://127.0.0.1:{}{}", acceptor_.local_endpoint().port(), target);
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int accepted() const { return accepted_.load(); }
  int requests() const { return requests_.load(); }
  int max_concurrent() const { return max_concurrent_.load(); }
  http::request<http::string_body> last_request() const {
    std::lock_guard lock(mutex_);
    return last_request_;
  }

 private:
  asio::awaitable<void> Accept() {
    for (;;) {
      tcp::socket socket = co_await acceptor_.async_accept(asio::use_awaitable);
      ++accepted_;
      if (mode_ == Mode::kHang) {
        held_.push_back(std::move(socket));
        continue;
      }
      asio::co_spawn(ioc_, Serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> Serve(tcp::socket socket) {
    const int now = ++concurrent_;
    for (int seen = max_concurrent_.load();
         now > seen && !max_concurrent_.compare_exchange_weak(seen, now);) {
    }
    try {
      beast::flat_buffer buffer;
      http::request<http::string_body> request;
      co_await http::async_read(socket, buffer, request, asio::use_awaitable);
      ++requests_;
      {
        std::lock_guard lock(mutex_);
        last_request_ = request;
      }
      if (mode_ == Mode::kAnswer) {
        http::response<http::string_body> response{http::int_to_status(unsigned(status_)), 11};
        response.body() = std::string(body_bytes_, 'x');
        response.set(http::field::connection, "close");
        response.prepare_payload();
        co_await http::async_write(socket, response, asio::use_awaitable);
      }
      beast::error_code ignored;
      socket.shutdown(tcp::socket::shutdown_send, ignored);
    } catch (const std::exception&) {  // the client went away: nothing to do
    }
    --concurrent_;
  }

  const Mode mode_;
  const int status_;
  const size_t body_bytes_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_{ioc_};
  std::vector<tcp::socket> held_;  // kHang; used on thread_ only
  std::atomic<int> accepted_{0}, requests_{0}, concurrent_{0}, max_concurrent_{0};
  mutable std::mutex mutex_;
  http::request<http::string_body> last_request_;  // guarded by mutex_
  std::thread thread_;
};

WebhookAnswer PostAndWait(WebhookClient& client, WebhookPost post) {
  std::promise<WebhookAnswer> answer;
  auto future = answer.get_future();
  client.Post(std::move(post), [&answer](WebhookAnswer a) { answer.set_value(std::move(a)); });
  if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    ADD_FAILURE() << "no answer within 30 s";
    std::abort();  // `answer` is still referenced by the client
  }
  return future.get();
}

// `options` with loopback allowed: the test receivers listen there.
WebhookClient::Options OnLoopback(WebhookClient::Options options) {
  const std::vector<std::string> loopback{"127.0.0.0/8", "::1"};
  options.addresses = WebhookAddressPolicy::Make(loopback).value();
  return options;
}

// A port with no listener: bound once, then released.
uint16_t FreePort() {
  asio::io_context ioc;
  tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  return acceptor.local_endpoint().port();
}

// Counts the callbacks of many posts, each by its index.
class Tally {
 public:
  explicit Tally(size_t n) : calls_(n, 0), answers_(n) {}
  std::function<void(WebhookAnswer)> Callback(size_t i) {
    return [this, i](WebhookAnswer a) {
      std::lock_guard lock(mutex_);
      ++calls_[i];
      answers_[i] = std::move(a);
      ++total_;
      changed_.notify_all();
    };
  }
  bool WaitForAll(std::chrono::seconds limit) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return total_ >= calls_.size(); });
  }
  std::vector<int> calls() {
    std::lock_guard lock(mutex_);
    return calls_;
  }
  std::vector<WebhookAnswer> answers() {
    std::lock_guard lock(mutex_);
    return answers_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<int> calls_;
  std::vector<WebhookAnswer> answers_;
  size_t total_ = 0;
};

TEST(WebhookClientTest, Posts2xxWithItsHeadersAndBody) {
  TestReceiver receiver(TestReceiver::Mode::kAnswer, 200);
  WebhookClient client(OnLoopback({}));
  const WebhookAnswer answer = PostAndWait(
      client, {.url = receiver.Url("/hook?x=1"),
               .body = R"({"event_id":7})",
               .headers = {{"Infrashare-Signature", "t=1,v1=ab"}, {"Infrashare-Event", "report.submitted"}}});
  EXPECT_EQ(answer.status, 200);
  EXPECT_EQ(answer.error, "");
  EXPECT_GT(answer.latency.count(), 0);
  const auto request = receiver.last_request();
  EXPECT_EQ(request.method(), http::verb::post);
  EXPECT_EQ(request.target(), "/hook?x=1");
  EXPECT_EQ(request.body(), R"({"event_id":7})");
  EXPECT_EQ(request[http::field::content_type], "application/json");
  EXPECT_EQ(request[http::field::host], fmt::format("127.0.0.1:{}", receiver.port()));
  EXPECT_EQ(request[http::field::connection], "close");
  EXPECT_EQ(request["Infrashare-Signature"], "t=1,v1=ab");
  EXPECT_EQ(request["Infrashare-Event"], "report.submitted");
}

TEST(WebhookClientTest, Reports500AsStatus) {
  TestReceiver receiver(TestReceiver::Mode::kAnswer, 500);
  WebhookClient client(OnLoopback({}));
  const WebhookAnswer answer = PostAndWait(client, {.url = receiver.Url(), .body = "{}"});
  EXPECT_EQ(answer.status, 500);
  EXPECT_EQ(answer.error, "");
}

TEST(WebhookClientTest, ReportsStatusOfAnAnswerWithAHugeBody) {
  TestReceiver receiver(TestReceiver::Mode::kAnswer, 202, 4 * kMaxWebhookAnswerBody);
  WebhookClient client(OnLoopback({}));
  const WebhookAnswer answer = PostAndWait(client, {.url = receiver.Url(), .body = "{}"});
  EXPECT_EQ(answer.status, 202);
  EXPECT_EQ(answer.error, "");
}

TEST(WebhookClientTest, ResolvesLocalhost) {
  TestReceiver receiver(TestReceiver::Mode::kAnswer, 204, 0);
  WebhookClient client(OnLoopback({}));
  const WebhookAnswer answer =
      PostAndWait(client, {.url = fmt::format("http://localhost:{}/in", receiver.port()), .body = "{}"});
  EXPECT_EQ(answer.status, 204);
  EXPECT_EQ(answer.error, "");
}

TEST(WebhookClientTest, NamesConnectionRefused) {
  const uint16_t port = FreePort();
  WebhookClient client(OnLoopback({}));
  const WebhookAnswer answer =
      PostAndWait(client, {.url = fmt::format("http://127.0.0.1:{}/", port), .body = "{}"});
  EXPECT_EQ(answer.status, 0);
  EXPECT_EQ(answer.error, fmt::format("connection refused by 127.0.0.1:{}", port));
}

TEST(WebhookClientTest, NamesAConnectionClosedWithoutAnswer) {
  TestReceiver receiver(TestReceiver::Mode::kClose);
  WebhookClient client(OnLoopback({}));
  const WebhookAnswer answer = PostAndWait(client, {.url = receiver.Url(), .body = "{}"});
  EXPECT_EQ(answer.status, 0);
  EXPECT_EQ(answer.error, fmt::format("connection closed by 127.0.0.1:{} before an answer", receiver.port()));
}

TEST(WebhookClientTest, HttpsToAPlainHttpReceiverFailsTheHandshake) {
  TestReceiver receiver(TestReceiver::Mode::kAnswer);
  WebhookClient client(OnLoopback({}));
  const WebhookAnswer answer =
      PostAndWait(client, {.url = fmt::format("https://127.0.0.1:{}/", receiver.port()), .body = "{}"});
  EXPECT_EQ(answer.status, 0);
  EXPECT_THAT(answer.error, HasSubstr("TLS handshake with 127.0.0.1 failed: "));
}

TEST(WebhookClientTest, RefusesBadUrlsAndHeadersWithoutSending) {
  TestReceiver receiver(TestReceiver::Mode::kAnswer);
  WebhookClient client(OnLoopback({}));
  EXPECT_EQ(PostAndWait(client, {.url = "ftp://example.org/"}).error,
            "bad URL: must start with http:// or https://");
  EXPECT_EQ(PostAndWait(client, {.url = receiver.Url(), .headers = {{"X-A\r\nX-B", "1"}}}).error,
            "bad header name \"X-A\r\nX-B\"");
  EXPECT_EQ(PostAndWait(client, {.url = receiver.Url(), .headers = {{"X-A", "1\r\nX-B: 2"}}}).error,
            "bad header X-A: its value contains CR, LF or NUL");
  EXPECT_EQ(receiver.accepted(), 0);
}

TEST(WebhookClientTest, TimesOutInMilliseconds) {
  TestReceiver hanging(TestReceiver::Mode::kHang);
  WebhookClient client(OnLoopback({}));
  const WebhookAnswer answer =
      PostAndWait(client, {.url = hanging.Url(), .body = "{}", .timeout = milliseconds(250)});
  EXPECT_EQ(answer.status, 0);
  EXPECT_EQ(answer.error, "timeout after 250 ms");
  EXPECT_GE(answer.latency, milliseconds(240));
}

TEST(WebhookClientTest, HangingReceiverTimesOutWithoutDelayingOthers) {
  TestReceiver hanging(TestReceiver::Mode::kHang);
  TestReceiver healthy(TestReceiver::Mode::kAnswer, 200);
  WebhookClient client(OnLoopback({.threads = 1}));  // one thread: waiting must not hold it
  const auto start = Clock::now();
  std::promise<WebhookAnswer> slow_answer;
  auto slow = slow_answer.get_future();
  client.Post({.url = hanging.Url(), .body = "{}", .timeout = milliseconds(1000)},
              [&](WebhookAnswer a) { slow_answer.set_value(std::move(a)); });
  while (hanging.accepted() == 0 && Clock::now() - start < std::chrono::seconds(5))
    std::this_thread::sleep_for(milliseconds(5));
  ASSERT_EQ(hanging.accepted(), 1);

  const WebhookAnswer fast = PostAndWait(client, {.url = healthy.Url(), .body = "{}"});
  EXPECT_EQ(fast.status, 200);
  EXPECT_LT(fast.latency, milliseconds(500));
  EXPECT_EQ(slow.wait_for(milliseconds(0)), std::future_status::timeout) << "the hanging post ended early";

  ASSERT_EQ(slow.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  const WebhookAnswer timed_out = slow.get();
  const auto waited = Clock::now() - start;
  EXPECT_EQ(timed_out.status, 0);
  EXPECT_EQ(timed_out.error, "timeout after 1 s");
  EXPECT_GE(timed_out.latency, milliseconds(990));
  EXPECT_LT(waited, milliseconds(3000));
}

TEST(WebhookClientTest, ThousandPostsEachAnsweredOnce) {
  constexpr size_t kPosts = 1000;
  constexpr size_t kMaxInFlight = 64;
  TestReceiver receiver(TestReceiver::Mode::kAnswer, 200);
  WebhookClient client(OnLoopback({.threads = 2, .max_in_flight = kMaxInFlight}));
  Tally tally(kPosts);
  for (size_t i = 0; i < kPosts; ++i)
    client.Post({.url = receiver.Url(), .body = fmt::format(R"({{"n":{}}})", i)}, tally.Callback(i));
  EXPECT_LE(client.in_flight(), kMaxInFlight);
  EXPECT_GT(client.queued(), 0u);  // 1000 posts cannot all be on the network yet
  ASSERT_TRUE(tally.WaitForAll(std::chrono::seconds(60)));
  std::this_thread::sleep_for(milliseconds(50));  // a second call would show now
  const auto calls = tally.calls();
  const auto answers = tally.answers();
  for (size_t i = 0; i < kPosts; ++i) {
    EXPECT_EQ(calls[i], 1) << i;
    EXPECT_EQ(answers[i].status, 200) << i << ": " << answers[i].error;
  }
  EXPECT_EQ(receiver.requests(), int(kPosts));
  EXPECT_LE(receiver.max_concurrent(), int(kMaxInFlight));
  EXPECT_EQ(client.in_flight(), 0u);
  EXPECT_EQ(client.queued(), 0u);
}

TEST(WebhookClientTest, DestructorAnswersEveryPostOnce) {
  constexpr size_t kPosts = 20;
  TestReceiver hanging(TestReceiver::Mode::kHang);
  Tally tally(kPosts);
  std::optional<WebhookClient> client;
  client.emplace(OnLoopback({.threads = 2, .max_in_flight = 5}));
  for (size_t i = 0; i < kPosts; ++i)
    client->Post({.url = hanging.Url(), .body = "{}", .timeout = std::chrono::minutes(1)}, tally.Callback(i));
  const auto start = Clock::now();
  while (hanging.accepted() < 5 && Clock::now() - start < std::chrono::seconds(5))
    std::this_thread::sleep_for(milliseconds(5));
  EXPECT_EQ(client->in_flight(), 5u);
  EXPECT_EQ(client->queued(), kPosts - 5);
  const auto before = Clock::now();
  client.reset();
  EXPECT_LT(Clock::now() - before, std::chrono::seconds(2));
  ASSERT_TRUE(tally.WaitForAll(std::chrono::seconds(0)));  // all ran before the destructor returned
  const auto calls = tally.calls();
  const auto answers = tally.answers();
  for (size_t i = 0; i < kPosts; ++i) {
    EXPECT_EQ(calls[i], 1) << i;
    EXPECT_EQ(answers[i].status, 0) << i;
    EXPECT_EQ(answers[i].error, "client stopped") << i;
  }
}

TEST(WebhookClientTest, PostFromCallbackWhileStoppingIsAnsweredAtOnce) {
  TestReceiver hanging(TestReceiver::Mode::kHang);
  std::atomic<int> second{0};
  std::string second_error;
  {
    WebhookClient client(OnLoopback({}));
    client.Post({.url = hanging.Url(), .timeout = std::chrono::minutes(1)}, [&](WebhookAnswer) {
      client.Post({.url = hanging.Url()}, [&](WebhookAnswer a) {
        second_error = a.error;
        ++second;
      });
    });
    const auto start = Clock::now();
    while (hanging.accepted() < 1 && Clock::now() - start < std::chrono::seconds(5))
      std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_EQ(second.load(), 1);
  EXPECT_EQ(second_error, "client stopped");
}

TEST(WebhookClientTest, ByDefaultConnectsToNoLoopbackAddressByLiteralOrByName) {
  TestReceiver receiver(TestReceiver::Mode::kAnswer, 200);
  WebhookClient client({});
  for (const std::string host : {"127.0.0.1", "localhost", "[::ffff:127.0.0.1]"}) {
    const WebhookAnswer answer =
        PostAndWait(client, {.url = fmt::format("http://{}:{}/", host, receiver.port()), .body = "{}"});
    EXPECT_EQ(answer.status, 0) << host;
    EXPECT_THAT(answer.error, ::testing::HasSubstr("may not be reached: loopback address")) << host;
  }
  EXPECT_EQ(receiver.accepted(), 0) << "a refused address was connected to";
}

TEST(WebhookClientTest, ConnectsToAnAddressTheAllowListAdmits) {
  TestReceiver receiver(TestReceiver::Mode::kAnswer, 202);
  const std::vector<std::string> one{"127.0.0.1/32"};
  WebhookClient client({.addresses = WebhookAddressPolicy::Make(one).value()});
  const WebhookAnswer answer = PostAndWait(client, {.url = receiver.Url(), .body = "{}"});
  EXPECT_EQ(answer.status, 202) << answer.error;
  EXPECT_EQ(receiver.accepted(), 1);
}

}  // namespace
}  // namespace infrashare
