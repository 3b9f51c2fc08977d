// Streamed responses (Server-Sent Events) over loopback with real sockets:
// chunked framing, concurrent senders, slow consumers, clients leaving,
// heartbeats, Stop(), and the memory a held stream costs.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <malloc.h>
#include <netinet/in.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "http/server.h"

namespace infrashare {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A raw HTTP client for one streamed response: it sends the request and then
// parses the chunked framing itself, so the tests see exactly what the server
// wrote. Every read has a deadline; a timeout leaves the connection usable.
class RawStream {
 public:
  explicit RawStream(uint16_t port, std::string target = "/events", int receive_buffer = 0) : socket_(ioc_) {
    socket_.open(tcp::v4());
    if (receive_buffer > 0) socket_.set_option(asio::socket_base::receive_buffer_size(receive_buffer));
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    asio::write(socket_,
                asio::buffer("GET " + target + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"));
  }

  // The response header, through the blank line.
  std::string Header(std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    size_t end;
    while ((end = raw_.find("\r\n\r\n")) == std::string::npos)
      if (!ReadMore(deadline)) throw std::runtime_error("no response header; got: " + raw_);
    std::string header = raw_.substr(0, end + 4);
    raw_.erase(0, end + 4);
    return header;
  }

  // The data of the next chunk ("" for the last chunk), or nullopt on timeout
  // or when the connection ended. Throws on a framing error.
  std::optional<std::string> NextChunk(std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      if (size_t eol = raw_.find("\r\n"); eol != std::string::npos) {
        size_t size = std::stoul(raw_.substr(0, eol), nullptr, 16);
        size_t need = eol + 2 + size + 2;
        if (raw_.size() >= need) {
          if (raw_.compare(eol + 2 + size, 2, "\r\n") != 0)
            throw std::runtime_error("bad chunk framing: " + raw_);
          std::string data = raw_.substr(eol + 2, size);
          raw_.erase(0, need);
          return data;
        }
      }
      if (!ReadMore(deadline)) return std::nullopt;
    }
  }

  // Chunks until their data adds up to at least `bytes` (or a timeout).
  std::vector<std::string> ChunksFor(size_t bytes, std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<std::string> chunks;
    size_t total = 0;
    while (total < bytes) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      auto chunk = NextChunk(std::max(left, 1ms));
      if (!chunk || chunk->empty()) break;
      total += chunk->size();
      chunks.push_back(std::move(*chunk));
    }
    return chunks;
  }

  // True when the server closed the connection (EOF or reset) in time.
  bool ServerClosed(std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (ReadMore(deadline)) raw_.clear();
    return eof_;
  }

  void Write(const std::string& bytes) { asio::write(socket_, asio::buffer(bytes)); }

  void Close() {
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  bool ReadMore(std::chrono::steady_clock::time_point deadline) {
    if (eof_) return false;
    std::array<char, 16 * 1024> buffer;
    boost::system::error_code ec = asio::error::would_block;
    size_t got = 0;
    socket_.async_read_some(asio::buffer(buffer), [&](boost::system::error_code e, size_t n) {
      ec = e;
      got = n;
    });
    ioc_.restart();
    ioc_.run_until(deadline);
    if (!ioc_.stopped()) {
      socket_.cancel();
      ioc_.restart();
      ioc_.run();
    }
    raw_.append(buffer.data(), got);
    if (ec == asio::error::operation_aborted) return got > 0;
    if (ec) eof_ = true;
    return got > 0;
  }

  asio::io_context ioc_;
  tcp::socket socket_;
  std::string raw_;
  bool eof_ = false;
};

// The application's side of the streams: every writer handed to on_open and
// every on_close reason, in the order the streams were opened.
class StreamProbe {
 public:
  std::shared_ptr<StreamBody> MakeBody(const StreamBody& config) {
    auto body = std::make_shared<StreamBody>(config);
    size_t index;
    {
      std::lock_guard lock(mutex_);
      index = next_index_++;
    }
    body->on_open = [this, index](std::shared_ptr<StreamWriter> writer) {
      std::lock_guard lock(mutex_);
      if (writers_.size() <= index) writers_.resize(index + 1);
      writers_[index] = std::move(writer);
      cv_.notify_all();
    };
    body->on_close = [this, index](std::string_view reason) {
      std::lock_guard lock(mutex_);
      if (reasons_.size() <= index) reasons_.resize(index + 1);
      if (reasons_[index])
        reasons_[index] = "called twice";
      else
        reasons_[index] = std::string(reason);
      close_times_.emplace_back(std::chrono::steady_clock::now());
      cv_.notify_all();
    };
    return body;
  }

  std::shared_ptr<StreamWriter> Writer(size_t index, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return writers_.size() > index && writers_[index]; });
    if (writers_.size() <= index || !writers_[index]) throw std::runtime_error("stream never opened");
    return writers_[index];
  }

  // The on_close reason of stream `index`, or "" when it did not come in time.
  std::string Reason(size_t index, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return reasons_.size() > index && reasons_[index]; });
    return reasons_.size() > index && reasons_[index] ? *reasons_[index] : std::string();
  }

  size_t opened() {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    for (const auto& w : writers_) n += w != nullptr;
    return n;
  }

  void WaitOpened(size_t count, std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] {
      size_t n = 0;
      for (const auto& w : writers_) n += w != nullptr;
      return n >= count;
    });
  }

  void DropWriters() {
    std::lock_guard lock(mutex_);
    writers_.clear();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  size_t next_index_ = 0;
  std::vector<std::shared_ptr<StreamWriter>> writers_;
  std::vector<std::optional<std::string>> reasons_;
  std::vector<std::chrono::steady_clock::time_point> close_times_;
};

class ServerStreamTest : public ::testing::Test {
 protected:
  ServerStreamTest() {
    config_.heartbeat = 0ms;
    router_.Add("GET", "/events", "An event stream", [this](const HttpRequest&) {
      HttpResponse response;
      response.headers.emplace_back("X-Stream", "yes");
      response.stream = probe_.MakeBody(config_);
      return response;
    });
    router_.Add("GET", "/hello", "Hello", [](const HttpRequest&) { return JsonResponse(200, "{}"); });
  }

  void StartServer(ServerOptions options = {}, bool access_log = false) {
    options.port = 0;
    options.access_log = access_log;
    server_.emplace(std::move(options), router_);
    auto started = server_->Start();
    ASSERT_TRUE(started) << started.error().message;
  }

  uint16_t port() const { return server_->port(); }

  StreamBody config_;  // copied for every stream; set before connecting
  StreamProbe probe_;
  Router router_;
  std::optional<HttpServer> server_;
};

// "id: 7\n" -> "7" for each event in `text` (events end with a blank line).
std::vector<std::string> SplitEvents(const std::string& text) {
  std::vector<std::string> events;
  size_t start = 0, end;
  while ((end = text.find("\n\n", start)) != std::string::npos) {
    events.push_back(text.substr(start, end + 2 - start));
    start = end + 2;
  }
  if (start != text.size()) events.push_back("INCOMPLETE:" + text.substr(start));
  return events;
}

TEST_F(ServerStreamTest, WritesHeaderInitialTextAndEventsInOrderAsChunks) {
  config_.initial_text = "retry: 2000\n\n";
  StartServer();
  RawStream client(port());
  std::string header = client.Header();
  EXPECT_TRUE(header.starts_with("HTTP/1.1 200 OK\r\n")) << header;
  for (const char* line : {"Content-Type: text/event-stream\r\n", "Cache-Control: no-store\r\n",
                           "X-Accel-Buffering: no\r\n", "Transfer-Encoding: chunked\r\n", "X-Stream: yes\r\n",
                           "X-Content-Type-Options: nosniff\r\n", "Referrer-Policy: no-referrer\r\n",
                           "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"})
    EXPECT_NE(header.find(line), std::string::npos) << line << " missing in " << header;
  EXPECT_EQ(header.find("Content-Length"), std::string::npos) << header;

  auto writer = probe_.Writer(0);
  std::string expected = "retry: 2000\n\n";
  for (int i = 0; i < 200; ++i) {
    std::string event = SseEvent(std::to_string(i), "n", fmt::format("{{\"i\":{}}}", i));
    ASSERT_TRUE(writer->Send(event));
    expected += event;
  }
  std::string received;
  for (const auto& chunk : client.ChunksFor(expected.size())) {
    EXPECT_TRUE(chunk.ends_with("\n\n")) << "a chunk must hold whole events: " << chunk;
    received += chunk;
  }
  EXPECT_EQ(received, expected);

  writer->Close("event: bye\ndata: \n\n");
  EXPECT_EQ(client.NextChunk(), "event: bye\ndata: \n\n");
  EXPECT_EQ(client.NextChunk(), "");  // the last chunk
  EXPECT_TRUE(client.ServerClosed());
  EXPECT_EQ(probe_.Reason(0), "closed");
  EXPECT_FALSE(writer->Send("data: late\n\n"));
}

TEST_F(ServerStreamTest, ConcurrentSendsArriveWholeAndInEachSendersOrder) {
  StartServer();
  RawStream client(port());
  client.Header();
  auto writer = probe_.Writer(0);
  constexpr int kThreads = 8, kPerThread = 300;
  const std::string padding(100, 'p');
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t)
    senders.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i)
        EXPECT_TRUE(
            writer->Send(SseEvent(fmt::format("{}-{}", t, i), "n", fmt::format("{}:{}:{}", t, i, padding))));
    });
  for (auto& sender : senders) sender.join();
  size_t expected_bytes = 0;
  for (int t = 0; t < kThreads; ++t)
    for (int i = 0; i < kPerThread; ++i)
      expected_bytes +=
          SseEvent(fmt::format("{}-{}", t, i), "n", fmt::format("{}:{}:{}", t, i, padding)).size();
  std::string received;
  for (const auto& chunk : client.ChunksFor(expected_bytes)) received += chunk;
  EXPECT_EQ(received.size(), expected_bytes);
  std::vector<int> next(kThreads, 0);
  size_t count = 0;
  for (const auto& event : SplitEvents(received)) {
    int t = -1, i = -1;
    ASSERT_EQ(std::sscanf(event.c_str(), "id: %d-%d\n", &t, &i), 2) << event;
    ASSERT_TRUE(t >= 0 && t < kThreads) << event;
    ASSERT_EQ(event, SseEvent(fmt::format("{}-{}", t, i), "n", fmt::format("{}:{}:{}", t, i, padding)));
    EXPECT_EQ(i, next[t]++) << "out of order for sender " << t;
    ++count;
  }
  EXPECT_EQ(count, size_t{kThreads * kPerThread});
}

TEST_F(ServerStreamTest, SlowConsumerIsCutOffWhileOthersKeepReceiving) {
  config_.max_buffered_bytes = 64 * 1024;
  config_.overflow_text = "event: overflow\ndata: \n\n";
  StartServer({.io_threads = 1});
  RawStream slow(port(), "/events", /*receive_buffer=*/4096);
  slow.Header();
  auto slow_writer = probe_.Writer(0);
  RawStream fast(port());
  fast.Header();
  auto fast_writer = probe_.Writer(1);

  // The slow client reads nothing: once the kernel's buffers are full, the
  // queue grows until the limit.
  const std::string event = SseEvent("1", "n", std::string(1000, 'x'));
  size_t sent = 0;
  auto begin = std::chrono::steady_clock::now();
  while (slow_writer->Send(event)) {
    ++sent;
    if (sent % 1000 == 0) {
      ASSERT_TRUE(fast_writer->Send(SseEvent(std::to_string(sent), "tick", "")));
      auto chunk = fast.NextChunk(2s);
      ASSERT_TRUE(chunk) << "the fast stream stalled after " << sent << " events to the slow one";
    }
    ASSERT_LT(std::chrono::steady_clock::now() - begin, 30s) << "never cut off after " << sent << " events";
    if (sent % 50 == 0) std::this_thread::sleep_for(1ms);  // let the socket fill like a real server's would
  }
  EXPECT_EQ(probe_.Reason(0), "slow_consumer");
  EXPECT_FALSE(slow_writer->Send(event));

  // The fast stream is unaffected.
  auto tick = std::chrono::steady_clock::now();
  ASSERT_TRUE(fast_writer->Send(SseEvent("last", "tick", "")));
  EXPECT_EQ(fast.NextChunk(2s), SseEvent("last", "tick", ""));
  EXPECT_LT(std::chrono::steady_clock::now() - tick, 1s);
  EXPECT_EQ(probe_.Reason(1, 0ms), "");

  // The slow connection is closed (possibly before the overflow text could be
  // written: it was not reading).
  EXPECT_TRUE(slow.ServerClosed(10s));
}

TEST_F(ServerStreamTest, ClientClosingIsNoticedPromptly) {
  StartServer();
  RawStream client(port());
  client.Header();
  auto writer = probe_.Writer(0);
  ASSERT_TRUE(writer->Send("data: hi\n\n"));
  EXPECT_EQ(client.NextChunk(), "data: hi\n\n");
  auto begin = std::chrono::steady_clock::now();
  client.Close();
  EXPECT_EQ(probe_.Reason(0, 2s), "client_closed");
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 1s);
  EXPECT_FALSE(writer->Send("data: gone\n\n"));
}

TEST_F(ServerStreamTest, BytesFromTheClientAreDiscarded) {
  StartServer();
  RawStream client(port());
  client.Header();
  auto writer = probe_.Writer(0);
  // A pipelined request is not answered; the stream goes on.
  client.Write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n" + std::string(10000, 'z'));
  ASSERT_TRUE(writer->Send("data: 1\n\n"));
  EXPECT_EQ(client.NextChunk(), "data: 1\n\n");
  EXPECT_EQ(probe_.Reason(0, 200ms), "");
}

TEST_F(ServerStreamTest, HeartbeatAfterSilence) {
  config_.heartbeat = 150ms;
  StartServer();
  RawStream client(port());
  client.Header();
  auto writer = probe_.Writer(0);
  auto begin = std::chrono::steady_clock::now();
  EXPECT_EQ(client.NextChunk(2s), ": keep-alive\n\n");
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 100ms);
  ASSERT_TRUE(writer->Send("data: x\n\n"));
  EXPECT_EQ(client.NextChunk(2s), "data: x\n\n");
  EXPECT_EQ(client.NextChunk(2s), ": keep-alive\n\n");
}

TEST_F(ServerStreamTest, NoHeartbeatWhileEventsKeepComing) {
  config_.heartbeat = 200ms;
  StartServer();
  RawStream client(port());
  client.Header();
  auto writer = probe_.Writer(0);
  // Events every 50 ms for 0.8 s, each written at once by the sending thread:
  // the stream is never silent for a heartbeat period.
  for (int i = 0; i < 16; ++i) {
    ASSERT_TRUE(writer->Send(fmt::format("data: {}\n\n", i)));
    EXPECT_EQ(client.NextChunk(2s), fmt::format("data: {}\n\n", i));
    std::this_thread::sleep_for(50ms);
  }
  // Then silence: the heartbeat follows a period after the last event.
  auto begin = std::chrono::steady_clock::now();
  EXPECT_EQ(client.NextChunk(2s), ": keep-alive\n\n");
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 100ms);
}

TEST_F(ServerStreamTest, StopEndsOpenStreamsAndReturns) {
  std::ostringstream log;
  auto logger =
      std::make_shared<spdlog::logger>("access", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  spdlog::register_logger(logger);
  config_.heartbeat = 10s;
  StartServer({.shutdown_timeout = 10s}, /*access_log=*/true);
  std::vector<std::unique_ptr<RawStream>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<RawStream>(port()));
    clients.back()->Header();
  }
  probe_.WaitOpened(3);
  ASSERT_TRUE(probe_.Writer(1)->Send("data: before stop\n\n"));
  EXPECT_EQ(clients[1]->NextChunk(), "data: before stop\n\n");

  auto begin = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2s);
  spdlog::drop("access");
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(probe_.Reason(i, 0ms), "server_stopping");
    EXPECT_EQ(clients[i]->NextChunk(), "") << "the last chunk";
    EXPECT_TRUE(clients[i]->ServerClosed());
    EXPECT_FALSE(probe_.Writer(i)->Send("data: after\n\n"));
  }
  EXPECT_NE(log.str().find("method=GET route=/events status=200 latency_us="), std::string::npos)
      << log.str();
}

TEST_F(ServerStreamTest, StopDoesNotWaitForAClientThatDoesNotRead) {
  config_.max_buffered_bytes = 64 << 20;
  StartServer({.write_timeout = 30s, .shutdown_timeout = 30s});
  RawStream slow(port(), "/events", 4096);
  slow.Header();
  auto writer = probe_.Writer(0);
  // Enough to fill the socket buffers so that a write is stuck.
  const std::string event = SseEvent("", "", std::string(64 * 1024, 'x'));
  for (int i = 0; i < 200; ++i) ASSERT_TRUE(writer->Send(event));
  std::this_thread::sleep_for(100ms);
  auto begin = std::chrono::steady_clock::now();
  server_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
  EXPECT_EQ(probe_.Reason(0, 0ms), "server_stopping");
}

TEST_F(ServerStreamTest, NormalResponsesStillWorkBesideStreams) {
  StartServer();
  RawStream stream(port());
  stream.Header();
  tcp::iostream plain("127.0.0.1", std::to_string(port()));
  plain << "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" << std::flush;
  std::string status;
  std::getline(plain, status);
  EXPECT_EQ(status, "HTTP/1.1 200 OK\r");
}

// Not a benchmark: a guard against per-stream memory growing unnoticed. The
// clients are bare sockets so that only the server's allocations (and the
// application's writer and StreamBody) are measured.
TEST_F(ServerStreamTest, HeldStreamsCostLittleMemory) {
  config_.heartbeat = 15s;
  config_.initial_text = "retry: 2000\n\n";
  StartServer();
  constexpr int kStreams = 500;
  const size_t before = mallinfo2().uordblks;
  std::vector<int> fds;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const char request[] = "GET /events HTTP/1.1\r\nHost: x\r\n\r\n";
  for (int i = 0; i < kStreams; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::send(fd, request, sizeof request - 1, 0), static_cast<ssize_t>(sizeof request - 1));
    fds.push_back(fd);
  }
  probe_.WaitOpened(kStreams, 20s);
  ASSERT_EQ(probe_.opened(), size_t{kStreams});
  std::this_thread::sleep_for(200ms);  // initial writes done
  const size_t after = mallinfo2().uordblks;
  const double per_stream = (static_cast<double>(after) - static_cast<double>(before)) / kStreams;
  std::printf("heap per held stream: %.0f bytes\n", per_stream);
  EXPECT_LT(per_stream, 8 * 1024);
  for (int fd : fds) ::close(fd);
  for (int i = 0; i < kStreams; ++i) EXPECT_EQ(probe_.Reason(static_cast<size_t>(i), 5s), "client_closed");
}

}  // namespace
}  // namespace infrashare
