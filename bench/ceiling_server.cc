// The machine's HTTP ceiling: the least an HTTP/1.1 keep-alive server on
// Boost.Beast can do per request — read and parse the request, answer a
// fixed 200 with a small JSON body, read the next — on the same number of
// network threads as infrashare (2 by default). ingest_bench and query_bench
// start it as a child process and load it exactly as they load infrashare
// (same load generator, connections, client threads and duration), so the
// ratio infrashare / ceiling says how much of what this machine can do over
// HTTP our server reaches, whatever else is running on the machine.
//
//   ceiling_server --listen 127.0.0.1:PORT [--threads 2]
//
// Every request, whatever its method, target or body (up to kBodyLimit),
// gets the same answer; that includes GET /healthz, so ServerProcess::Start
// sees it ready. Stops on SIGTERM or SIGINT (exit 0). Loopback only.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// The answer to every request: what a small JSON API answer looks like.
constexpr std::string_view kBody = R"({"ok":true,"id":"0193a5f2-0000-7000-8000-000000000000"})";
// Larger request bodies are refused (the connection closes): as infrashare,
// a server reads no unbounded body.
constexpr size_t kBodyLimit = size_t{1} << 20;

// One connection on its own strand: read a request, write the fixed answer,
// repeat while the client keeps the connection alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket socket) : stream_(std::move(socket)) {}

  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->DoRead(); });
  }

 private:
  void DoRead() {
    parser_.emplace();
    parser_->body_limit(kBodyLimit);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec) return Close();
    const http::request<http::string_body>& request = parser_->get();
    response_ = {};
    response_.result(http::status::ok);
    response_.version(request.version());
    response_.set(http::field::content_type, "application/json");
    response_.keep_alive(request.keep_alive());
    response_.body() = kBody;
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(beast::error_code ec) {
    if (ec || !response_.keep_alive()) return Close();
    DoRead();
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
};

// Accepts connections, each onto a strand of its own.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& io, const tcp::endpoint& endpoint) : io_(io), acceptor_(io) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
  }

  void DoAccept() {
    acceptor_.async_accept(asio::make_strand(io_),
                           [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                             if (!ec) {
                               socket.set_option(tcp::no_delay(true));
                               std::make_shared<Session>(std::move(socket))->Start();
                             }
                             if (self->acceptor_.is_open()) self->DoAccept();
                           });
  }

  void Stop() {
    beast::error_code ignored;
    acceptor_.close(ignored);
  }

 private:
  asio::io_context& io_;
  tcp::acceptor acceptor_;
};

}  // namespace

int main(int argc, char** argv) {
  std::string listen = "127.0.0.1:0";
  int threads = 2;
  CLI::App app{"A minimal keep-alive HTTP server answering a fixed 200: the machine's HTTP ceiling"};
  app.add_option("--listen", listen, "HOST:PORT (loopback)")->required();
  app.add_option("--threads", threads, "network threads (infrashare's default io_threads is 2)")
      ->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);

  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    fmt::print(stderr, "ceiling_server: --listen {}: expected HOST:PORT\n", listen);
    return 2;
  }
  beast::error_code ec;
  const auto address = asio::ip::make_address(listen.substr(0, colon), ec);
  if (ec || !address.is_loopback()) {
    fmt::print(stderr, "ceiling_server: --listen {}: the host must be a loopback address\n", listen);
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::stoul(listen.substr(colon + 1)));

  asio::io_context io(threads);
  std::shared_ptr<Listener> listener;
  try {
    listener = std::make_shared<Listener>(io, tcp::endpoint(address, port));
  } catch (const boost::system::system_error& e) {
    fmt::print(stderr, "ceiling_server: cannot listen on {}: {}\n", listen, e.what());
    return 1;
  }
  listener->DoAccept();
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) {
    listener->Stop();
    io.stop();
  });
  fmt::print("ceiling_server listening on {} with {} thread(s)\n", listen, threads);
  std::fflush(stdout);

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  return 0;
}
