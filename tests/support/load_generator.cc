#include "support/load_generator.h"

#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

namespace infrashare {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// After a transport error a connection waits this long before reconnecting,
// so that a server that refuses connections is not hammered in a tight loop.
constexpr std::chrono::milliseconds kReconnectDelay{10};
constexpr size_t kMaxQuotedBody = 300;

// When request `k` of connection `index` is due in the open loop (see
// load_generator.h), as an offset from the start.
Clock::duration ScheduledOffset(uint64_t k, int index, const LoadOptions& options) {
  const double slot = static_cast<double>(index) + static_cast<double>(k) * options.connections;
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(slot / options.rate));
}

// One client connection; lives on one io_context (one thread), so its state
// needs no locks. Figures are read after that thread has ended.
class LoadConnection : public std::enable_shared_from_this<LoadConnection> {
 public:
  LoadConnection(asio::io_context& ioc, tcp::resolver::results_type endpoints, const LoadOptions& options,
                 const LoadRequestFactory& next_request, std::atomic<uint64_t>& sequence, int index,
                 Clock::time_point start)
      : stream_(ioc),
        timer_(ioc),
        endpoints_(std::move(endpoints)),
        options_(options),
        next_request_(next_request),
        sequence_(sequence),
        index_(index),
        start_(start),
        deadline_(start + options.duration),
        // The open loop drains what was scheduled before the deadline, for at
        // most one request timeout more.
        give_up_(options.rate > 0 ? deadline_ + options.request_timeout : deadline_) {}

  void Start() { DoConnect(); }
  const LoadReport& figures() const { return figures_; }
  Clock::time_point last_response() const { return last_response_; }

 private:
  bool open_loop() const { return options_.rate > 0; }

  // Open loop: whether request `k` is due before the deadline.
  bool Scheduled(uint64_t k) const { return start_ + ScheduledOffset(k, index_, options_) < deadline_; }

  // The end of this connection's run: Close, counting the open loop's
  // requests that were scheduled but never sent.
  void Finish() {
    if (open_loop() && !finished_)
      for (uint64_t k = scheduled_sends_; Scheduled(k); ++k) ++figures_.unsent;
    finished_ = true;
    Close();
  }

  void DoConnect() {
    if (Clock::now() >= give_up_) return Finish();
    stream_.expires_after(options_.request_timeout);
    stream_.async_connect(
        endpoints_,
        [self = shared_from_this()](beast::error_code ec, const tcp::endpoint&) { self->OnConnect(ec); });
  }

  void OnConnect(beast::error_code ec) {
    if (ec) return Fail(ec, "connect");
    stream_.socket().set_option(tcp::no_delay(true), ec);
    buffer_.clear();
    DoWrite();
  }

  // Closed loop: send now. Open loop: send the next scheduled request when it
  // is due (at once when it is overdue).
  void DoWrite() {
    const Clock::time_point now = Clock::now();
    if (!open_loop()) {
      if (now >= deadline_) return Close();
      return Send(now);
    }
    if (!Scheduled(scheduled_sends_) || now >= give_up_) return Finish();
    const Clock::time_point due = start_ + ScheduledOffset(scheduled_sends_, index_, options_);
    ++scheduled_sends_;
    if (due <= now) return Send(due);
    timer_.expires_at(due);
    timer_.async_wait([self = shared_from_this(), due](beast::error_code ec) {
      if (ec) return self->Close();
      self->Send(due);
    });
  }

  // Sends the next request; its latency counts from `since`.
  void Send(Clock::time_point since) {
    LoadRequest next = next_request_(sequence_.fetch_add(1, std::memory_order_relaxed));
    request_ = {};
    http::verb verb = http::string_to_verb(next.method);
    if (verb == http::verb::unknown)
      request_.method_string(next.method);
    else
      request_.method(verb);
    request_.target(next.target);
    request_.version(11);
    request_.set(http::field::host, options_.host);
    if (!next.body.empty()) request_.set(http::field::content_type, "application/json");
    for (const auto& [name, value] : next.headers) request_.set(name, value);
    request_.body() = std::move(next.body);
    request_.keep_alive(true);
    request_.prepare_payload();
    started_ = since;
    stream_.expires_after(options_.request_timeout);
    http::async_write(stream_, request_,
                      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(beast::error_code ec) {
    if (ec) return Fail(ec, "send");
    parser_.emplace();
    parser_->body_limit(64 << 20);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) { self->OnRead(ec); });
  }

  void OnRead(beast::error_code ec) {
    if (ec) return Fail(ec, "receive");
    last_response_ = Clock::now();
    figures_.latency.Record(static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(last_response_ - started_).count()));
    ++figures_.requests;
    const auto& response = parser_->get();
    const int status = static_cast<int>(response.result_int());
    ++figures_.statuses[status];
    if (status != options_.expected_status) {
      ++figures_.unexpected_status;
      if (figures_.first_unexpected.empty())
        figures_.first_unexpected =
            fmt::format("status {}: {}", status, response.body().substr(0, kMaxQuotedBody));
    }
    if (!response.keep_alive()) {
      Close();
      return DoConnect();
    }
    DoWrite();
  }

  void Fail(beast::error_code ec, std::string_view step) {
    ++figures_.transport_errors;
    if (figures_.first_transport_error.empty())
      figures_.first_transport_error = fmt::format("{}: {}", step, ec.message());
    Close();
    timer_.expires_after(kReconnectDelay);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->DoConnect(); });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  beast::tcp_stream stream_;
  asio::steady_timer timer_;  // the open loop's next send; the delay before a reconnect
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  std::optional<http::response_parser<http::string_body>> parser_;
  const tcp::resolver::results_type endpoints_;
  const LoadOptions& options_;
  const LoadRequestFactory& next_request_;
  std::atomic<uint64_t>& sequence_;
  const int index_;  // this connection's place in the open loop's round-robin
  const Clock::time_point start_;
  const Clock::time_point deadline_;
  const Clock::time_point give_up_;
  uint64_t scheduled_sends_ = 0;  // open loop: requests of this connection sent so far
  bool finished_ = false;
  Clock::time_point started_;     // the latency's origin: the send, or the open loop's schedule
  Clock::time_point last_response_{};
  LoadReport figures_;
};

std::string ReadFirstMatching(const std::string& path, std::string_view prefix) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with(prefix)) return line;
  return {};
}

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  beast::error_code ec;
  auto address = asio::ip::make_address_v4(std::string(host), ec);
  return !ec && address.is_loopback();
}

void AddResponses(LoadReport& sum, const LoadReport& part) {
  sum.requests += part.requests;
  sum.unexpected_status += part.unexpected_status;
  sum.transport_errors += part.transport_errors;
  sum.unsent += part.unsent;
  for (const auto& [status, n] : part.statuses) sum.statuses[status] += n;
  if (sum.first_unexpected.empty()) sum.first_unexpected = part.first_unexpected;
  if (sum.first_transport_error.empty()) sum.first_transport_error = part.first_transport_error;
  sum.latency.Merge(part.latency);
}

Result<LoadReport> RunLoad(const LoadOptions& options, const LoadRequestFactory& next_request) {
  if (!IsLoopbackHost(options.host))
    return InvalidArgument("host",
                           fmt::format("\"{}\" is not a loopback address (127.x.x.x, localhost, ::1); "
                                       "the load generator only measures a server on this machine",
                                       options.host));
  if (options.port == 0) return InvalidArgument("port", "is required");
  if (options.connections < 1) return InvalidArgument("connections", "must be at least 1");
  if (options.threads < 1) return InvalidArgument("threads", "must be at least 1");
  if (options.duration.count() < 1) return InvalidArgument("seconds", "must be at least 1");
  if (!(options.rate >= 0)) return InvalidArgument("rate", "must be 0 (closed loop) or a positive rate");

  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (int i = 0; i < options.threads; ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
  beast::error_code ec;
  tcp::resolver resolver(*contexts.front());
  std::string host = options.host == "[::1]" ? "::1" : options.host;
  auto endpoints = resolver.resolve(host, std::to_string(options.port), ec);
  if (ec) return Unavailable(fmt::format("cannot resolve {}: {}", options.host, ec.message()));

  std::atomic<uint64_t> sequence{0};
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + options.duration;
  std::vector<std::shared_ptr<LoadConnection>> connections;
  for (int i = 0; i < options.connections; ++i) {
    connections.push_back(std::make_shared<LoadConnection>(*contexts[i % options.threads], endpoints, options,
                                                           next_request, sequence, i, start));
    connections.back()->Start();
  }
  std::vector<std::thread> threads;
  for (auto& ioc : contexts) threads.emplace_back([&ioc] { ioc->run(); });
  for (auto& t : threads) t.join();

  LoadReport report;
  report.offered_rate = options.rate;
  Clock::time_point end = start;
  for (const auto& c : connections) {
    AddResponses(report, c->figures());
    end = std::max(end, c->last_response());
  }
  // With no responses at all, the run still lasted its duration; an open
  // loop's rate is judged over the whole duration.
  if (report.requests == 0 || options.rate > 0) end = std::max(end, deadline);
  report.seconds = std::chrono::duration<double>(end - start).count();
  return report;
}

std::optional<double> PeakRssMegabytes(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::string line = ReadFirstMatching(fmt::format("/proc/{}/status", pid), "VmHWM:");
  if (line.empty()) return std::nullopt;
  try {
    return std::stod(line.substr(6)) / 1024.0;  // "VmHWM:   123456 kB"
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<double> CpuSeconds(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  std::ifstream in(fmt::format("/proc/{}/stat", pid));
  std::string stat;
  if (!std::getline(in, stat)) return std::nullopt;
  // "PID (COMM) STATE ...": COMM may hold spaces; fields count from the ')'.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  uint64_t utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {  // utime is field 14, stime 15
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  if (!fields) return std::nullopt;
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::string DescribeMachine() {
  std::string model = ReadFirstMatching("/proc/cpuinfo", "model name");
  if (auto colon = model.find(':'); colon != std::string::npos) model = model.substr(colon + 2);
  std::string mem = ReadFirstMatching("/proc/meminfo", "MemTotal:");
  double mem_gib = 0;
  try {
    mem_gib = std::stod(mem.substr(9)) / (1024.0 * 1024.0);
  } catch (...) {
  }
  utsname uts{};
  ::uname(&uts);
  return fmt::format("{} CPUs ({}), {:.1f} GiB RAM, {} {}", std::thread::hardware_concurrency(),
                     model.empty() ? "unknown model" : model, mem_gib, uts.sysname, uts.release);
}

std::string FormatLoadReport(const LoadReport& report, int expected_status,
                             std::optional<double> server_rss_mb) {
  auto ms = [](uint64_t micros) { return static_cast<double>(micros) / 1000.0; };
  std::string statuses;
  for (const auto& [status, n] : report.statuses) statuses += fmt::format(" {}x{}", n, status);
  std::string out;
  out += fmt::format("requests          {}\n", report.requests);
  out += fmt::format("errors            {} (not {}: {}, transport: {}{})\n", report.errors(), expected_status,
                     report.unexpected_status, report.transport_errors,
                     report.offered_rate > 0 ? fmt::format(", scheduled but never sent: {}", report.unsent) : "");
  out += fmt::format("statuses         {}\n", statuses.empty() ? " none" : statuses);
  if (!report.first_unexpected.empty()) out += fmt::format("first unexpected  {}\n", report.first_unexpected);
  if (!report.first_transport_error.empty())
    out += fmt::format("first transport   {}\n", report.first_transport_error);
  out += fmt::format("duration          {:.2f} s\n", report.seconds);
  if (report.offered_rate > 0)
    out += fmt::format("offered rate      {:.0f} requests/s (open loop; latency from each scheduled send)\n",
                       report.offered_rate);
  out += fmt::format("throughput        {:.0f} requests/s\n", report.throughput());
  out += fmt::format("latency p50       {:.2f} ms\n", ms(report.latency.Percentile(0.50)));
  out += fmt::format("latency p99       {:.2f} ms\n", ms(report.latency.Percentile(0.99)));
  out += fmt::format("latency max       {:.2f} ms\n", ms(report.latency.max()));
  out +=
      fmt::format("server peak RSS   {}\n", server_rss_mb ? fmt::format("{:.1f} MiB (VmHWM)", *server_rss_mb)
                                                          : std::string("unknown (no --server-pid)"));
  out += fmt::format(
      "RESULT requests={} errors={} offered={:.0f} throughput={:.0f} p50_ms={:.2f} p99_ms={:.2f} "
      "max_ms={:.2f} rss_mb={}\n",
      report.requests, report.errors(), report.offered_rate, report.throughput(),
      ms(report.latency.Percentile(0.50)), ms(report.latency.Percentile(0.99)), ms(report.latency.max()),
      server_rss_mb ? fmt::format("{:.1f}", *server_rss_mb) : "NA");
  return out;
}

}  // namespace infrashare
