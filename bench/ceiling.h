// The machine's HTTP ceiling, measured in the same run as infrashare
// (ingest_bench, query_bench): start bench/ceiling_server (a minimal Beast
// keep-alive server answering a fixed 200) as a child process, load it with
// the same load generator, connections, client threads and duration as
// infrashare, then compare. The ratio infrashare / ceiling is what the
// issue's goals are stated in: it hardly depends on how busy the shared
// machine is, the absolute figures do. Bench-only; not part of any library.
//
//   auto ceiling = StartCeilingServer(binary, 2, dir + "/ceiling-server.log");
//   auto top = MeasureLoad(options_on(ceiling->port()), ceiling->pid(), factory);
//   auto ours = MeasureLoad(options_on(server.port()), server.pid(), factory);
//   fmt::print("{}", FormatAgainstCeiling("list, 64 clients", *top, *ours));
//   fmt::print("{}", FormatGoal("list ≥ 5,000 pages/s", ours->report.throughput() >= 5000, "…"));
//
// Thread behaviour: start the ceiling server from a thread that outlives it
// (ServerProcess), as the benchmarks' main thread.
#pragma once

#include <fmt/format.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <string_view>

#include "support/load_generator.h"
#include "support/server_process.h"

namespace infrashare::bench {

// The ceiling server built with the benchmarks (bench/CMakeLists.txt passes
// its path); --ceiling-binary overrides it.
inline std::string DefaultCeilingBinary() {
#ifdef INFRASHARE_CEILING_SERVER
  return INFRASHARE_CEILING_SERVER;
#else
  return "ceiling_server";
#endif
}

// Starts the ceiling server on a free loopback port with `threads` network
// threads (infrashare's io_threads; 2 by default), output appended to
// `log_path`. Errors: those of ServerProcess::Start.
inline Result<ServerProcess> StartCeilingServer(const std::string& binary, int threads,
                                                const std::string& log_path) {
  const uint16_t port = ServerProcess::FreePort();
  fmt::print("ceiling: {} --listen 127.0.0.1:{} --threads {} (log {})\n", binary, port, threads, log_path);
  std::fflush(stdout);
  return ServerProcess::Start(
      {binary, "--listen", fmt::format("127.0.0.1:{}", port), "--threads", std::to_string(threads)},
      log_path);
}

// What one load run measured: the load generator's figures and the server's
// CPU time per answer (nullopt when the pid is unknown or unreadable).
struct LoadFigures {
  LoadReport report;
  std::optional<double> server_cpu_us_per_request;
};

// CPU µs per request between two CpuSeconds readings.
inline std::optional<double> CpuPerRequest(std::optional<double> before, std::optional<double> after,
                                           uint64_t requests) {
  if (!before || !after || requests == 0) return std::nullopt;
  return (*after - *before) * 1e6 / static_cast<double>(requests);
}

// RunLoad against the server `server_pid` (0: unknown), with its CPU time per
// request. Errors: those of RunLoad.
inline Result<LoadFigures> MeasureLoad(const LoadOptions& options, pid_t server_pid,
                                       const LoadRequestFactory& next_request) {
  const std::optional<double> before = server_pid > 0 ? CpuSeconds(server_pid) : std::nullopt;
  auto report = RunLoad(options, next_request);
  if (!report) return std::unexpected(report.error());
  const std::optional<double> after = server_pid > 0 ? CpuSeconds(server_pid) : std::nullopt;
  return LoadFigures{.report = *report,
                     .server_cpu_us_per_request = CpuPerRequest(before, after, report->requests)};
}

// infrashare's throughput as a share of the ceiling's (0 without a ceiling).
inline double CeilingRatio(const LoadFigures& ceiling, const LoadFigures& ours) {
  const double top = ceiling.report.throughput();
  return top > 0 ? ours.report.throughput() / top : 0;
}

// Both sides' throughput, p50/p99 and server CPU per request, and the
// throughput ratio, as a small table and one `CEILING what=… k=v` line.
inline std::string FormatAgainstCeiling(std::string_view what, const LoadFigures& ceiling,
                                        const LoadFigures& ours) {
  auto ms = [](uint64_t micros) { return static_cast<double>(micros) / 1000.0; };
  auto cpu = [](const LoadFigures& f) {
    return f.server_cpu_us_per_request ? fmt::format("{:.1f}", *f.server_cpu_us_per_request)
                                       : std::string("-");
  };
  auto row = [&](std::string_view name, const LoadFigures& f) {
    return fmt::format("  {:<12} {:>12.0f} {:>9.2f} {:>9.2f} {:>15}\n", name, f.report.throughput(),
                       ms(f.report.latency.Percentile(0.50)), ms(f.report.latency.Percentile(0.99)), cpu(f));
  };
  const double ratio = CeilingRatio(ceiling, ours);
  std::string out = fmt::format("\nagainst the ceiling: {}\n", what);
  out += fmt::format("  {:<12} {:>12} {:>9} {:>9} {:>15}\n", "server", "requests/s", "p50 ms", "p99 ms",
                     "server µs/req");
  out += row("ceiling", ceiling);
  out += row("infrashare", ours);
  out += fmt::format("  ratio        {:.1f}% of the ceiling's throughput", ratio * 100);
  if (ceiling.server_cpu_us_per_request && ours.server_cpu_us_per_request &&
      *ceiling.server_cpu_us_per_request > 0)
    out += fmt::format(", {:.1f}× its server CPU per request",
                       *ours.server_cpu_us_per_request / *ceiling.server_cpu_us_per_request);
  out += "\n";
  out += fmt::format(
      "CEILING what=\"{}\" ceiling_rps={:.0f} ceiling_p99_ms={:.2f} ceiling_cpu_us={} rps={:.0f} "
      "p99_ms={:.2f} "
      "cpu_us={} ratio={:.3f}\n",
      what, ceiling.report.throughput(), ms(ceiling.report.latency.Percentile(0.99)), cpu(ceiling),
      ours.report.throughput(), ms(ours.report.latency.Percentile(0.99)), cpu(ours), ratio);
  return out;
}

// One line saying whether a goal of the issue is met, with what was measured.
inline std::string FormatGoal(std::string_view goal, bool met, std::string_view measured) {
  return fmt::format("goal  {}: {} ({})\n", goal, met ? "met" : "NOT met", measured);
}

// Where the ceiling server writes its log: beside the benchmark's data, or
// in /tmp when the benchmark runs against a server it did not start.
inline std::string CeilingLogPath(const std::string& setup_dir) {
  return setup_dir.empty() ? fmt::format("/tmp/ceiling-server-{}.log", ::getpid())
                           : setup_dir + "/ceiling-server.log";
}

}  // namespace infrashare::bench
