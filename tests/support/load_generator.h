// An HTTP load generator for the benchmarks (bench/*_bench.cc):
// `connections` keep-alive connections (one request in flight on each, no
// pipelining) for `duration`, in one of two modes. Loopback only: the
// benchmarks measure our server, never someone else's.
//
//  - Closed loop (rate 0): each connection sends its next request the moment
//    the previous response arrived. This finds the saturation throughput; the
//    server is saturated by construction, so latency there is mostly queueing
//    (Little's law: latency ≈ connections / throughput). Latency is measured
//    from the send. Requests in flight at the deadline are completed and
//    counted.
//  - Open loop (rate > 0): requests are scheduled at a fixed total rate,
//    evenly spaced and spread round-robin over the connections (request k of
//    connection i of C at start + (i + k·C) / rate). A connection still
//    waiting for an answer when its next request is due sends it the moment
//    the answer arrives. Latency is measured from the SCHEDULED time, not the
//    actual send, so a server that stalls is charged for every request that
//    had to wait (no "coordinated omission", as in wrk2). Every request
//    scheduled before the deadline is sent; if the server falls behind, the
//    run drains for at most request_timeout after the deadline and the
//    requests still unsent then are counted in `unsent`.
//
//   LoadOptions options{.port = port, .connections = 64, .duration = 10s, .expected_status = 201};
//   auto report = RunLoad(options, [](uint64_t n) {
//     return LoadRequest{.method = "POST", .target = "/api/v1/reports", .body = Body(n)};
//   });
//   fmt::print("{}", FormatLoadReport(*report, PeakRssMegabytes(server_pid)));
//   options.rate = 5000;  // the same, open loop at 5,000 requests/s
//
// Thread behaviour: RunLoad blocks the caller; it runs `threads` threads of
// its own, and calls the request factory from them concurrently.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.h"
#include "support/latency_histogram.h"

namespace infrashare {

struct LoadRequest {
  std::string method = "GET";
  std::string target;
  std::string body;  // sent as application/json when not empty
  std::vector<std::pair<std::string, std::string>> headers;
};

// Makes the request with the given sequence number (0, 1, 2, ... across all
// connections). Called concurrently from the load threads.
using LoadRequestFactory = std::function<LoadRequest(uint64_t sequence)>;

struct LoadOptions {
  std::string host = "127.0.0.1";  // must be loopback (see IsLoopbackHost)
  uint16_t port = 0;
  int connections = 64;
  std::chrono::seconds duration{10};
  int threads = 1;  // client threads; the server under test shares the machine
  int expected_status = 200;
  std::chrono::seconds request_timeout{30};  // a request slower than this counts as a transport error
  // Requests/s over all connections (open loop); 0 for the closed loop.
  double rate = 0;
};

struct LoadReport {
  uint64_t requests = 0;           // responses received
  uint64_t unexpected_status = 0;  // responses whose status was not expected_status
  uint64_t transport_errors = 0;   // failed connects, sends, receives, timeouts
  std::map<int, uint64_t> statuses;
  std::string first_unexpected;       // status and body (truncated) of the first unexpected response
  std::string first_transport_error;  // its reason
  // Closed loop: from the start to the last response. Open loop: the
  // duration, or longer when the last response came after the deadline.
  double seconds = 0;
  // Closed loop: from each send to its response. Open loop: from each
  // request's scheduled time to its response. Every response, expected or not.
  LatencyHistogram latency;
  double offered_rate = 0;  // LoadOptions::rate (0: closed loop)
  uint64_t unsent = 0;      // open loop: scheduled before the deadline, never sent (drain limit passed)

  double throughput() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
  uint64_t errors() const { return unexpected_status + transport_errors + unsent; }
};

// Adds the responses counted in `part` to `sum` (its figures come first
// where only one is kept); `seconds` is left to the caller.
void AddResponses(LoadReport& sum, const LoadReport& part);

// Errors (kInvalidArgument): a host that is not loopback, no connections, no
// duration, no threads, no port, a negative rate; (kUnavailable) the host
// does not resolve.
Result<LoadReport> RunLoad(const LoadOptions& options, const LoadRequestFactory& next_request);

// "localhost", "::1" and 127.0.0.0/8 are loopback; anything else is not.
bool IsLoopbackHost(std::string_view host);

// The peak resident set (VmHWM from /proc/PID/status) in MiB, or nullopt when
// it cannot be read.
std::optional<double> PeakRssMegabytes(pid_t pid);

// The CPU time (user + system, all threads) process `pid` has used so far,
// in seconds, from /proc/PID/stat; nullopt when it cannot be read. The
// difference over a run, per request, is the server's cost of a request:
// unlike latency and throughput it hardly depends on what else the machine
// is running.
std::optional<double> CpuSeconds(pid_t pid);

// One line about where the figures were taken: CPUs, model, memory, kernel.
std::string DescribeMachine();

// The figures every benchmark prints, one per line, then one `RESULT k=v ...`
// line for scripts. Open-loop runs also print the offered rate (and the
// achieved one is the throughput).
std::string FormatLoadReport(const LoadReport& report, int expected_status,
                             std::optional<double> server_rss_mb);

}  // namespace infrashare
