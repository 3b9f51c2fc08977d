// Ingest over HTTP: many keep-alive clients submitting reports
// (POST /api/v1/reports) as fast as the server answers, for a fixed time, on
// loopback. Prints requests, errors (anything but 201), throughput, p50/p99/max
// latency and the server's peak resident memory. Issue 2's target: at least
// 10,000 reports/s with p99 under 50 ms, 64 connections.
//
// With --preview the load is the web form's severity preview instead
// (POST /api/v1/assess; issue 3's target: p99 under 2 ms at 64 clients), and
// one run prints two kinds of figures, all over --connections keep-alive
// connections (one request in flight on each) on one client thread:
//  1. "closed loop": every connection sends its next preview the moment the
//     previous answer arrived, for --seconds. Its throughput is the server's
//     saturation rate with the load generator on the same cores; its
//     latencies (from each send to its answer) are queueing at saturation:
//     with C connections and zero think time, latency ≈ C / throughput.
//  2. "open loop" at fixed offered rates, --seconds each: 25%, 50% and 75% of
//     the closed loop's throughput, and the web form's rate (every connection
//     a person typing, whose debounced form sends kFormPreviewsPerSecond).
//     Requests are scheduled evenly over the connections; "offered" is that
//     schedule, "achieved" the answers per second actually received. Latency
//     counts from each request's SCHEDULED time to its answer, so time a
//     request spent waiting for its connection (the server fell behind)
//     counts too ("coordinated omission" is not hidden). This is the latency
//     a latency goal means: the answer time at a given load.
// p50/p99/max are over every answer of the run (HdrHistogram-style buckets,
// upper edges: within 1.6%, never flattering). "server CPU" is the server
// process's CPU time (user + system, /proc) over the run divided by the
// answers: the cost of one preview, which other load on the machine hardly
// changes (latency and throughput it changes a lot); at low rates it also
// carries the server's background work (timers, watchers) and the cost of
// waking up for each request alone. "client CPU" is the same
// for this load generator, which shares the cores with the server (server +
// client CPU per request × throughput = the cores this benchmark used; the
// rest went to whatever else the machine ran). --rates replaces the
// percentages with fixed rates, to compare two builds at the same load. A
// summary table follows.
//
// Against a running server:
//   ingest_bench --port 8080 --token TOKEN --server-pid PID [--connections 64] [--seconds 10]
// Or set up everything (fresh data directory, reporter token, server) first:
//   ingest_bench --setup /tmp/bench-data --binary build/src/app/infrashare [--connections 64] [--seconds 10]
// The setup runs `BINARY init --data DIR` (its last stdout line is an admin
// token), starts `BINARY serve --data DIR --listen 127.0.0.1:PORT` (log in
// DIR/bench-server.log), creates an operator organization, a reporter and
// its token through the admin API, runs the load, and stops the server with
// SIGTERM.
//
// The machine's HTTP ceiling (issue 11): before infrashare, the same load
// (same requests, connections, client threads, duration; closed loop) runs
// against bench/ceiling_server, a minimal Beast keep-alive server answering
// a fixed 200, started as a child process with --ceiling-threads network
// threads (infrashare's default io_threads, 2). Both figures, the ratio and
// the server CPU per request of both are printed, then whether issue 11's
// ingest goal is met: at least 25% of the ceiling, p99 under 50 ms, every
// answer a 201. --no-ceiling skips it; --ceiling-binary names another build.
//
// On PostgreSQL (issue 5: "two processes on one PostgreSQL ingest more than
// one"): --database URL (an empty database; DIR then holds only the logs)
// initializes and serves that database instead of DIR, and --servers N
// starts N server processes on it, on ports of their own, and spreads the
// connections and client threads over them evenly; the figures are the sum.
//   ingest_bench --setup /tmp/bench --binary build/src/app/infrashare
//                --database postgresql://u@127.0.0.1:5432/bench --servers 2 --threads 2
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ceiling.h"
#include "support/http_client.h"
#include "support/load_generator.h"
#include "support/server_process.h"

namespace infrashare {
namespace {

struct BenchOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string token;
  int connections = 64;
  int seconds = 10;
  int threads = 1;
  pid_t server_pid = 0;
  std::string setup_dir;
  std::string binary;
  std::string database;  // postgresql:// URL (with --setup): serve it instead of the data directory
  int servers = 1;       // server processes (with --setup), the load spread over them
  bool preview = false;  // POST /api/v1/assess (the form's severity preview) instead of reports
  std::vector<double> rates;  // --preview: open-loop rates instead of 25/50/75% of saturation
  bool no_ceiling = false;    // skip measuring bench/ceiling_server first
  std::string ceiling_binary = bench::DefaultCeilingBinary();
  int ceiling_threads = 2;  // the ceiling server's network threads (infrashare's io_threads)
};

constexpr std::string_view kOrganization = "bench-operator";
constexpr std::string_view kReporter = "bench-reporter";

// Issue 11's ingest goal: at least this share of the ceiling's throughput,
// with p99 under kGoalP99Ms and every answer a 201.
constexpr double kGoalCeilingShare = 0.25;
constexpr double kGoalP99Ms = 50;

// The web form previews the assessment as a person types, debounced: a few
// requests a second from each person with the form open.
constexpr double kFormPreviewsPerSecond = 4;
// The longest wait for one answer; the open loop also drains a backlog for
// at most this long after its last scheduled request.
constexpr std::chrono::seconds kRequestTimeout{10};

// The load generator refused to run (bad options): exit code 2.
int Refused(const Error& error) {
  fmt::print(stderr, "ingest_bench: {}: {}\n", error.field, error.message);
  return 2;
}

// The report every request submits; only the title changes.
std::string ReportBody(uint64_t n) {
  return fmt::format(
      R"({{"kind":"attack_info","title":"bench {}","text":"load test report","sectors":["electric_power"],)"
      R"("systems":["ot"],"tlp":"green","audience":{{"everyone":true}},"route":"direct",)"
      R"("indicators":[{{"type":"ipv4-addr","value":"198.51.100.7"}}]}})",
      n);
}

// Impact facts as a reporter types them; the numbers change with n.
std::string PreviewBody(uint64_t n) {
  return fmt::format(
      R"({{"facts":{{"service":{{"state":"{}","lost_percent":{}}},"outage":{{"elapsed_minutes":{},)"
      R"("expected_minutes":{}}},"affected":{{"people":{}}},"attack":{{"status":"ongoing"}}}},)"
      R"("sector":"electric_power"}})",
      n % 2 ? "stopped" : "degraded", n % 101, n % 300, 300 + n % 900, (n * 7919) % 3000000);
}

// What one run was: its name, the load generator's figures, and the CPU
// time per answer of the servers (nullopt when a pid is unknown) and of this
// load generator.
struct BenchRun {
  std::string name;
  LoadReport report;
  std::optional<double> cpu_us_per_request;
  std::optional<double> client_cpu_us_per_request;
};

// The CPU time of every server together; nullopt when one cannot be read.
std::optional<double> ServersCpuSeconds(const std::vector<pid_t>& pids) {
  double sum = 0;
  for (pid_t pid : pids) {
    auto s = CpuSeconds(pid);
    if (!s) return std::nullopt;
    sum += *s;
  }
  return sum;
}

// One load run against the servers on `ports` at once, the connections and
// client threads spread evenly (closed loop when `rate` is 0, otherwise open
// loop at `rate` requests/s in all); `server_pids` (0: unknown) for the
// memory figure (the largest of them) and the CPU figure (their sum).
// Prints its figures. `expected` is the status every answer should have
// (ExpectedStatus, or 200 from the ceiling server).
Result<BenchRun> RunOnce(const BenchOptions& options, const std::vector<uint16_t>& ports,
                         const std::vector<pid_t>& server_pids, double rate, int expected) {
  const char* target = options.preview ? "/api/v1/assess" : "/api/v1/reports";
  const int n = static_cast<int>(ports.size());
  fmt::print("ingest_bench: POST {}, {} connections, {} s, {} client thread(s), {} server(s) on {} port {}, {}\n",
             target, options.connections, options.seconds, std::max(options.threads, n), n, options.host,
             fmt::join(ports, ", "),
             rate > 0 ? fmt::format("open loop at {:.0f} requests/s", rate) : std::string("closed loop"));
  fmt::print("machine           {}\n", DescribeMachine());
  std::fflush(stdout);
  const std::string authorization = "Bearer " + options.token;
  const std::optional<double> cpu_before = ServersCpuSeconds(server_pids);
  const std::optional<double> client_cpu_before = CpuSeconds(::getpid());
  std::vector<Result<LoadReport>> parts(n, Unavailable("not run"));
  std::vector<std::thread> loads;
  for (int i = 0; i < n; ++i)
    loads.emplace_back([&, i] {
      parts[i] =
          RunLoad(LoadOptions{.host = options.host,
                              .port = ports[i],
                              .connections = options.connections / n + (i < options.connections % n),
                              .duration = std::chrono::seconds(options.seconds),
                              .threads = std::max(1, options.threads / n),
                              .expected_status = expected,
                              .request_timeout = kRequestTimeout,
                              .rate = rate / n},
                  [&](uint64_t k) {
                    const uint64_t unique = k * n + i;  // titles differ across the servers too
                    return LoadRequest{.method = "POST",
                                       .target = target,
                                       .body = options.preview ? PreviewBody(unique) : ReportBody(unique),
                                       .headers = {{"Authorization", authorization}}};
                  });
    });
  for (auto& t : loads) t.join();
  LoadReport report;
  for (const auto& part : parts) {
    if (!part) return std::unexpected(part.error());
    AddResponses(report, *part);
    report.seconds = std::max(report.seconds, part->seconds);
    report.offered_rate += part->offered_rate;
  }
  std::optional<double> rss;
  for (pid_t pid : server_pids)
    if (auto mb = PeakRssMegabytes(pid)) rss = std::max(rss.value_or(0), *mb);
  BenchRun run{
      .report = report,
      .cpu_us_per_request = bench::CpuPerRequest(cpu_before, ServersCpuSeconds(server_pids), report.requests),
      .client_cpu_us_per_request =
          bench::CpuPerRequest(client_cpu_before, CpuSeconds(::getpid()), report.requests)};
  fmt::print("{}", FormatLoadReport(report, expected, rss));
  if (run.cpu_us_per_request) fmt::print("server CPU        {:.1f} µs/request\n", *run.cpu_us_per_request);
  if (run.client_cpu_us_per_request)
    fmt::print("client CPU        {:.1f} µs/request (this load generator)\n", *run.client_cpu_us_per_request);
  std::fflush(stdout);
  return run;
}

bench::LoadFigures Figures(const BenchRun& run) {
  return bench::LoadFigures{.report = run.report, .server_cpu_us_per_request = run.cpu_us_per_request};
}

// The status infrashare answers the benchmark's requests with.
int ExpectedStatus(const BenchOptions& options) { return options.preview ? 200 : 201; }

// The preview's runs (see the header comment) and a table of them.
// With the ceiling, the closed loop is compared with it (no goal: issue
// 11 states none for the preview).
int RunPreview(const BenchOptions& options, const std::vector<uint16_t>& ports,
               const std::vector<pid_t>& server_pids, const std::optional<bench::LoadFigures>& ceiling) {
  std::vector<BenchRun> runs;
  auto closed = RunOnce(options, ports, server_pids, 0, ExpectedStatus(options));
  if (!closed) return Refused(closed.error());
  closed->name = "closed loop (saturation)";
  runs.push_back(*closed);
  std::vector<std::pair<std::string, double>> rates;
  for (double rate : options.rates) rates.emplace_back(fmt::format("open loop {:.0f}/s", rate), rate);
  if (options.rates.empty())
    for (int percent : {25, 50, 75})
      rates.emplace_back(fmt::format("open loop {}% of saturation", percent),
                         closed->report.throughput() * percent / 100.0);
  rates.emplace_back(fmt::format("open loop web form ({}/s x {})", kFormPreviewsPerSecond, options.connections),
                     kFormPreviewsPerSecond * options.connections);
  for (const auto& [name, rate] : rates) {
    fmt::print("\n");
    auto open = RunOnce(options, ports, server_pids, rate, ExpectedStatus(options));
    if (!open) return Refused(open.error());
    open->name = name;
    runs.push_back(*open);
  }

  auto ms = [](uint64_t micros) { return static_cast<double>(micros) / 1000.0; };
  fmt::print("\npreview summary, {} connections, {} s per run\n", options.connections, options.seconds);
  fmt::print("{:<36} {:>10} {:>10} {:>8} {:>8} {:>8} {:>7} {:>12} {:>12}\n", "load", "offered/s", "achieved/s",
             "p50 ms", "p99 ms", "max ms", "errors", "server µs/r", "client µs/r");
  auto micros = [](std::optional<double> v) { return v ? fmt::format("{:.1f}", *v) : std::string("-"); };
  bool all_answered = true;
  for (const auto& [name, r, server_cpu, client_cpu] : runs) {
    fmt::print("{:<36} {:>10} {:>10.0f} {:>8.2f} {:>8.2f} {:>8.2f} {:>7} {:>12} {:>12}\n", name,
               r.offered_rate > 0 ? fmt::format("{:.0f}", r.offered_rate) : std::string("-"), r.throughput(),
               ms(r.latency.Percentile(0.50)), ms(r.latency.Percentile(0.99)), ms(r.latency.max()), r.errors(),
               micros(server_cpu), micros(client_cpu));
    all_answered = all_answered && r.statuses.contains(200);
  }
  if (ceiling)
    fmt::print("{}", bench::FormatAgainstCeiling(
                         fmt::format("POST /api/v1/assess, {} connections, closed loop", options.connections),
                         *ceiling, Figures(runs.front())));
  std::fflush(stdout);
  return all_answered ? 0 : 1;
}

// The ceiling server's closed loop with the benchmark's own requests,
// connections and client threads (it answers them all 200); the server is
// started for the run and stopped after it. Errors: it could not be started.
Result<BenchRun> MeasureCeiling(const BenchOptions& options) {
  fmt::print("\n== the machine's HTTP ceiling (bench/ceiling_server: a fixed 200, the same load)\n");
  auto ceiling = INFRASHARE_TRY(bench::StartCeilingServer(options.ceiling_binary, options.ceiling_threads,
                                                          bench::CeilingLogPath(options.setup_dir)));
  BenchOptions same = options;
  same.host = ceiling.host();
  auto run = RunOnce(same, {ceiling.port()}, {ceiling.pid()}, 0, 200);
  (void)ceiling.Terminate();
  return run;
}

int RunIngest(const BenchOptions& options, const std::vector<uint16_t>& ports,
              const std::vector<pid_t>& server_pids) {
  std::optional<BenchRun> ceiling;
  if (!options.no_ceiling) {
    auto measured = MeasureCeiling(options);
    if (!measured) return Refused(measured.error());
    ceiling = *measured;
    fmt::print("\n== infrashare\n");
  }
  if (options.preview)
    return RunPreview(options, ports, server_pids,
                      ceiling ? std::optional<bench::LoadFigures>(Figures(*ceiling)) : std::nullopt);
  auto run = RunOnce(options, ports, server_pids, 0, ExpectedStatus(options));
  if (!run) return Refused(run.error());
  if (ceiling) {
    const auto ours = Figures(*run);
    const auto top = Figures(*ceiling);
    const double ratio = bench::CeilingRatio(top, ours);
    const double p99_ms = static_cast<double>(run->report.latency.Percentile(0.99)) / 1000.0;
    fmt::print("{}",
               bench::FormatAgainstCeiling(
                   fmt::format("POST /api/v1/reports, {} connections", options.connections), top, ours));
    fmt::print("{}", bench::FormatGoal(
                         fmt::format("ingest ≥ {:.0f}% of the ceiling, p99 < {:.0f} ms, every answer 201",
                                     kGoalCeilingShare * 100, kGoalP99Ms),
                         ratio >= kGoalCeilingShare && p99_ms < kGoalP99Ms && run->report.errors() == 0,
                         fmt::format("{:.1f}% ({:.0f} of {:.0f}/s), p99 {:.2f} ms, {} errors", ratio * 100,
                                     run->report.throughput(), ceiling->report.throughput(), p99_ms,
                                     run->report.errors())));
  }
  return run->report.statuses.contains(201) ? 0 : 1;
}

// POSTs `body` and returns the parsed answer if the status is one of `ok`.
Result<Json> AdminPost(HttpClient& client, const std::string& target, const Json& body,
                       std::initializer_list<int> ok) {
  auto res = INFRASHARE_TRY(client.Request("POST", target, body.dump()));
  for (int status : ok)
    if (res.status == status) return res.JsonBody();
  return Unavailable(fmt::format("POST {} answered {}: {}", target, res.status, res.body));
}

// Creates the organization, the reporter and its token; returns the token.
Result<std::string> CreateReporter(HttpClient& admin) {
  INFRASHARE_TRY(AdminPost(admin, "/api/v1/admin/organizations",
                           Json{{"id", kOrganization},
                                {"kind", "operator"},
                                {"name_ja", "ベンチマーク電力株式会社"},
                                {"name_en", "Benchmark Power Co."},
                                {"sectors", {"electric_power"}},
                                {"ceptoars", {"electricity_ceptoar"}}},
                           {201, 409}));
  INFRASHARE_TRY(AdminPost(admin, "/api/v1/admin/principals",
                           Json{{"id", kReporter},
                                {"organization", kOrganization},
                                {"name", "Benchmark reporter"},
                                {"roles", {"reporter"}}},
                           {201, 409}));
  auto token = INFRASHARE_TRY(AdminPost(admin, fmt::format("/api/v1/admin/principals/{}/tokens", kReporter),
                                        Json{{"label", "ingest_bench"}}, {201}));
  if (!token.contains("token") || !token["token"].is_string())
    return Unavailable(fmt::format("the token answer has no \"token\": {}", token.dump()));
  return token["token"].get<std::string>();
}

int RunWithSetup(BenchOptions options) {
  if (options.binary.empty()) {
    fmt::print(stderr, "ingest_bench: --setup needs --binary PATH (the infrashare program)\n");
    return 2;
  }
  // Where the data lives: the directory, or the PostgreSQL database.
  const std::vector<std::string> where = options.database.empty()
                                             ? std::vector<std::string>{"--data", options.setup_dir}
                                             : std::vector<std::string>{"--database", options.database};
  fmt::print("setup: {} init {} {}\n", options.binary, where[0], where[1]);
  std::vector<std::string> init_args{options.binary, "init"};
  init_args.insert(init_args.end(), where.begin(), where.end());
  auto init = RunToCompletion(init_args, std::chrono::seconds(300));
  if (!init || init->exit_code != 0) {
    fmt::print(
        stderr, "ingest_bench: init failed: {}\n",
        init ? fmt::format("exit {}\n{}{}", init->exit_code, init->out, init->err) : init.error().message);
    return 2;
  }
  const std::string admin_token = LastLine(init->out);

  options.host = "127.0.0.1";
  std::vector<ServerProcess> servers;
  std::vector<uint16_t> ports;
  std::vector<pid_t> pids;
  auto start_server = [&]() -> bool {
    const uint16_t port = ServerProcess::FreePort();
    const size_t i = servers.size();
    const std::string log_path = options.setup_dir + (i == 0 ? std::string("/bench-server.log")
                                                             : fmt::format("/bench-server-{}.log", i));
    fmt::print("setup: {} serve {} {} --listen 127.0.0.1:{} (log {})\n", options.binary, where[0], where[1],
               port, log_path);
    std::fflush(stdout);
    std::vector<std::string> serve_args{options.binary, "serve"};
    serve_args.insert(serve_args.end(), where.begin(), where.end());
    serve_args.insert(serve_args.end(), {"--listen", fmt::format("127.0.0.1:{}", port)});
    auto server = ServerProcess::Start(serve_args, log_path);
    if (!server) {
      fmt::print(stderr, "ingest_bench: {}\n", server.error().message);
      return false;
    }
    ports.push_back(port);
    pids.push_back(server->pid());
    servers.push_back(std::move(*server));
    return true;
  };
  if (!start_server()) return 2;
  options.port = ports.front();
  HttpClient admin(options.host, options.port);
  admin.SetBearerToken(admin_token);
  auto token = CreateReporter(admin);
  if (!token) {
    fmt::print(stderr, "ingest_bench: setting up the reporter failed: {}\n", token.error().message);
    return 2;
  }
  options.token = *token;
  // The other servers start after the reporter exists: they load it.
  while (static_cast<int>(servers.size()) < options.servers)
    if (!start_server()) return 2;

  int code = RunIngest(options, ports, pids);
  for (auto& server : servers) {
    auto exit_code = server.Terminate();
    fmt::print("server stopped   {}\n",
               exit_code ? fmt::format("exit {}", *exit_code) : exit_code.error().message);
    if (code == 0 && !(exit_code && *exit_code == 0)) code = 1;
  }
  return code;
}

}  // namespace
}  // namespace infrashare

int main(int argc, char** argv) {
  using infrashare::BenchOptions;
  BenchOptions options;
  CLI::App app{"Ingest benchmark: concurrent keep-alive clients POSTing reports on loopback"};
  app.add_option("--host", options.host, "server address; loopback only (127.x.x.x, localhost, ::1)");
  app.add_option("--port", options.port, "server port");
  app.add_option("--token", options.token, "a reporter's API token");
  app.add_option("--connections", options.connections, "concurrent keep-alive connections")
      ->check(CLI::Range(1, 10000));
  app.add_option("--seconds", options.seconds, "how long to load the server")->check(CLI::Range(1, 3600));
  app.add_option("--threads", options.threads, "client threads")->check(CLI::Range(1, 64));
  app.add_option("--server-pid", options.server_pid, "the server's pid, to read its peak RSS (VmHWM)");
  app.add_option("--setup", options.setup_dir,
                 "initialize this new data directory and start the server first");
  app.add_option("--binary", options.binary, "the infrashare program (with --setup)");
  app.add_option("--database", options.database,
                 "with --setup: an empty PostgreSQL database (postgresql:// URL) to serve instead of DIR");
  app.add_option("--servers", options.servers, "with --setup: server processes, the load spread over them")
      ->check(CLI::Range(1, 8));
  app.add_flag("--preview", options.preview, "load POST /api/v1/assess (severity preview) instead of report submission");
  app.add_option("--rates", options.rates,
                 "with --preview: open-loop rates (requests/s) instead of 25/50/75% of the closed loop's")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  app.add_flag("--no-ceiling", options.no_ceiling, "do not measure the machine's HTTP ceiling first");
  app.add_option("--ceiling-binary", options.ceiling_binary, "the ceiling server (bench/ceiling_server)")
      ->capture_default_str();
  app.add_option("--ceiling-threads", options.ceiling_threads, "the ceiling server's network threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  if (!infrashare::IsLoopbackHost(options.host)) {
    fmt::print(stderr, "ingest_bench: --host {} is not loopback; refusing to load another machine\n",
               options.host);
    return 2;
  }
  if (!options.setup_dir.empty()) return infrashare::RunWithSetup(options);
  if (options.port == 0 || options.token.empty()) {
    fmt::print(stderr, "ingest_bench: give --port and --token (or --setup DIR --binary PATH)\n");
    return 2;
  }
  return infrashare::RunIngest(options, {options.port}, {options.server_pid});
}
