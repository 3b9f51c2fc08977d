// Query over HTTP: many keep-alive clients listing reports
// (GET /api/v1/reports with filters and a page size) for a fixed time, on
// loopback. Prints requests, errors (anything but 200), throughput, p50/p99/max
// latency and the server's peak resident memory. Issue 2's target: with
// 1,000,000 reports stored, p99 under 10 ms and server RSS under 300 MB.
//
// Skeleton: this runs the query load against a server that already holds the
// data. Seeding the 1,000,000 reports (and a `--setup` mode like
// ingest_bench's) is still to be written; see ingest_bench.cc for the set-up
// steps and tests/support/load_generator.h for the load loop.
//
//   query_bench --port 8080 --token TOKEN --server-pid PID
//       [--target '/api/v1/reports?sector=electric_power&limit=50'] [--connections 64] [--seconds 10]
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "support/load_generator.h"

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string token;
  std::vector<std::string> targets{"/api/v1/reports?limit=50"};
  int connections = 64;
  int seconds = 10;
  int threads = 1;
  pid_t server_pid = 0;
  CLI::App app{"Query benchmark: concurrent keep-alive clients listing reports on loopback"};
  app.add_option("--host", host, "server address; loopback only (127.x.x.x, localhost, ::1)");
  app.add_option("--port", port, "server port")->required();
  app.add_option("--token", token, "an API token that may read the reports")->required();
  app.add_option("--target", targets, "request target(s); requests cycle through them");
  app.add_option("--connections", connections, "concurrent keep-alive connections")
      ->check(CLI::Range(1, 10000));
  app.add_option("--seconds", seconds, "how long to load the server")->check(CLI::Range(1, 3600));
  app.add_option("--threads", threads, "client threads")->check(CLI::Range(1, 64));
  app.add_option("--server-pid", server_pid, "the server's pid, to read its peak RSS (VmHWM)");
  CLI11_PARSE(app, argc, argv);

  fmt::print("query_bench: GET {}, {} connections, {} s, {}:{}\n", fmt::join(targets, " | "), connections,
             seconds, host, port);
  fmt::print("machine           {}\n", infrashare::DescribeMachine());
  std::fflush(stdout);
  const std::string authorization = "Bearer " + token;
  auto report =
      infrashare::RunLoad({.host = host,
                           .port = port,
                           .connections = connections,
                           .duration = std::chrono::seconds(seconds),
                           .threads = threads,
                           .expected_status = 200},
                          [&](uint64_t n) {
                            return infrashare::LoadRequest{.method = "GET",
                                                           .target = targets[n % targets.size()],
                                                           .headers = {{"Authorization", authorization}}};
                          });
  if (!report) {
    fmt::print(stderr, "query_bench: {}: {}\n", report.error().field, report.error().message);
    return 2;
  }
  fmt::print("{}", infrashare::FormatLoadReport(*report, 200, infrashare::PeakRssMegabytes(server_pid)));
  return report->statuses.contains(200) ? 0 : 1;
}
