// A closed-loop HTTP load generator for the benchmarks (bench/*_bench.cc):
// `connections` keep-alive connections, each sending its next request as soon
// as the previous response arrived, until `duration` has passed. Requests in
// flight at the deadline are completed and counted. Loopback only: the
// benchmarks measure our server, never someone else's.
//
//   LoadOptions options{.port = port, .connections = 64, .duration = 10s, .expected_status = 201};
//   auto report = RunLoad(options, [](uint64_t n) {
//     return LoadRequest{.method = "POST", .target = "/api/v1/reports", .body = Body(n)};
//   });
//   fmt::print("{}", FormatLoadReport(*report, PeakRssMegabytes(server_pid)));
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
};

struct LoadReport {
  uint64_t requests = 0;           // responses received
  uint64_t unexpected_status = 0;  // responses whose status was not expected_status
  uint64_t transport_errors = 0;   // failed connects, sends, receives, timeouts
  std::map<int, uint64_t> statuses;
  std::string first_unexpected;       // status and body (truncated) of the first unexpected response
  std::string first_transport_error;  // its reason
  double seconds = 0;                 // from the start to the last response
  LatencyHistogram latency;           // every response, expected or not

  double throughput() const { return seconds > 0 ? static_cast<double>(requests) / seconds : 0; }
};

// Adds the responses counted in `part` to `sum` (its figures come first
// where only one is kept); `seconds` is left to the caller.
void AddResponses(LoadReport& sum, const LoadReport& part);

// Errors (kInvalidArgument): a host that is not loopback, no connections, no
// duration, no threads, no port; (kUnavailable) the host does not resolve.
Result<LoadReport> RunLoad(const LoadOptions& options, const LoadRequestFactory& next_request);

// "localhost", "::1" and 127.0.0.0/8 are loopback; anything else is not.
bool IsLoopbackHost(std::string_view host);

// The peak resident set (VmHWM from /proc/PID/status) in MiB, or nullopt when
// it cannot be read.
std::optional<double> PeakRssMegabytes(pid_t pid);

// One line about where the figures were taken: CPUs, model, memory, kernel.
std::string DescribeMachine();

// The figures every benchmark prints, one per line, then one `RESULT k=v ...`
// line for scripts.
std::string FormatLoadReport(const LoadReport& report, int expected_status,
                             std::optional<double> server_rss_mb);

}  // namespace infrashare
