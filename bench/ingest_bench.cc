// Ingest over HTTP: many keep-alive clients submitting reports
// (POST /api/v1/reports) as fast as the server answers, for a fixed time, on
// loopback. Prints requests, errors (anything but 201), throughput, p50/p99/max
// latency and the server's peak resident memory. Issue 2's target: at least
// 10,000 reports/s with p99 under 50 ms, 64 connections.
//
// With --preview the load is the web form's severity preview instead
// (POST /api/v1/assess; issue 3's target: p99 under 2 ms at 64 clients).
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
// On PostgreSQL (issue 5: "two processes on one PostgreSQL ingest more than
// one"): --database URL (an empty database; DIR then holds only the logs)
// initializes and serves that database instead of DIR, and --servers N
// starts N server processes on it, on ports of their own, and spreads the
// connections and client threads over them evenly; the figures are the sum.
//   ingest_bench --setup /tmp/bench --binary build/src/app/infrashare
//                --database postgresql://u@127.0.0.1:5432/bench --servers 2 --threads 2
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <thread>
#include <vector>

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
};

constexpr std::string_view kOrganization = "bench-operator";
constexpr std::string_view kReporter = "bench-reporter";

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

// Loads the servers on `ports` at once, the connections and client threads
// spread evenly; `server_pids` (0: unknown) for the memory figure (the
// largest of them).
int RunIngest(const BenchOptions& options, const std::vector<uint16_t>& ports,
              const std::vector<pid_t>& server_pids) {
  const char* target = options.preview ? "/api/v1/assess" : "/api/v1/reports";
  const int expected = options.preview ? 200 : 201;
  const int n = static_cast<int>(ports.size());
  fmt::print("ingest_bench: POST {}, {} connections, {} s, {} client thread(s), {} server(s) on {} port {}\n",
             target, options.connections, options.seconds, std::max(options.threads, n), n, options.host,
             fmt::join(ports, ", "));
  fmt::print("machine           {}\n", DescribeMachine());
  std::fflush(stdout);
  const std::string authorization = "Bearer " + options.token;
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
                              .expected_status = expected},
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
    if (!part) {
      fmt::print(stderr, "ingest_bench: {}: {}\n", part.error().field, part.error().message);
      return 2;
    }
    AddResponses(report, *part);
    report.seconds = std::max(report.seconds, part->seconds);
  }
  std::optional<double> rss;
  for (pid_t pid : server_pids)
    if (auto mb = PeakRssMegabytes(pid)) rss = std::max(rss.value_or(0), *mb);
  fmt::print("{}", FormatLoadReport(report, expected, rss));
  std::fflush(stdout);
  return report.statuses.contains(expected) ? 0 : 1;
}

// POSTs `body` and returns the parsed answer if the status is one of `ok`.
Result<Json> AdminPost(HttpClient& client, const std::string& target, const Json& body,
                       std::initializer_list<int> ok) {
  auto res = client.Request("POST", target, body.dump());
  if (!res) return std::unexpected(res.error());
  for (int status : ok)
    if (res->status == status) return res->JsonBody();
  return Unavailable(fmt::format("POST {} answered {}: {}", target, res->status, res->body));
}

// Creates the organization, the reporter and its token; returns the token.
Result<std::string> CreateReporter(HttpClient& admin) {
  auto org = AdminPost(admin, "/api/v1/admin/organizations",
                       Json{{"id", kOrganization},
                            {"kind", "operator"},
                            {"name_ja", "ベンチマーク電力株式会社"},
                            {"name_en", "Benchmark Power Co."},
                            {"sectors", {"electric_power"}},
                            {"ceptoars", {"electricity_ceptoar"}}},
                       {201, 409});
  if (!org) return std::unexpected(org.error());
  auto principal = AdminPost(admin, "/api/v1/admin/principals",
                             Json{{"id", kReporter},
                                  {"organization", kOrganization},
                                  {"name", "Benchmark reporter"},
                                  {"roles", {"reporter"}}},
                             {201, 409});
  if (!principal) return std::unexpected(principal.error());
  auto token = AdminPost(admin, fmt::format("/api/v1/admin/principals/{}/tokens", kReporter),
                         Json{{"label", "ingest_bench"}}, {201});
  if (!token) return std::unexpected(token.error());
  if (!token->contains("token") || !(*token)["token"].is_string())
    return Unavailable(fmt::format("the token answer has no \"token\": {}", token->dump()));
  return (*token)["token"].get<std::string>();
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
