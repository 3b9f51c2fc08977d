// Query over HTTP with a large store: issue 2's target is a filtered,
// paginated list answering with p99 under 10 ms with 1,000,000 reports
// stored, and the server's resident memory under 300 MB.
//
//   query_bench --setup /tmp/q --binary build/src/app/infrashare [--reports 1000000]
//               [--connections 64] [--seconds 10]
//
// Set-up: `init`, then seeds the reports in this process through the real
// services (ReportService::Submit and Relay from 64 threads, group-committed
// like the server's), with the shapes a national deployment sees — 1,000
// operators over the 14 sectors, most TLP:GREEN to everyone, the rest
// sector-, CEPTOAR- or organization-scoped, some relayed or anonymized. Then
// it starts `serve` and runs the list load as NISC (which sees nearly all)
// and as one operator (which sees a small share), each cycling through the
// filters below, first with one client (the latency a person sees), then
// with --connections clients (throughput; on two cores the latency there is
// mostly queueing). Everything stays on loopback and ends by itself.
//
//   query_bench --port 8080 --token TOKEN --server-pid PID [--target …]   (against a running server)
//
// The machine's HTTP ceiling (issue 11) is measured first, in the same run:
// bench/ceiling_server (a minimal Beast keep-alive server answering a fixed
// 200) gets the same GETs, with one client and with --connections clients,
// for --seconds each. After infrashare's runs, both figures, the ratio and the
// server CPU per request of both are printed, and whether issue 11's reading
// goals are met: with 64 clients at least 5,000 pages/s with p99 under 20 ms,
// with one client p99 under 3 ms, at 1,000,000 reports (a run with other
// counts says so beside the verdict). --no-ceiling skips the ceiling.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "ceiling.h"
#include "common/crypto.h"
#include "service/services.h"
#include "store/sqlite/sqlite_store.h"
#include "support/load_generator.h"
#include "support/server_process.h"

using namespace infrashare;

namespace {

constexpr int kOperators = 1000;
constexpr int kSeedThreads = 64;

const std::vector<std::string> kTargets = {
    "/api/v1/reports?limit=50",
    "/api/v1/reports?sector=electric_power&limit=50",
    "/api/v1/reports?kind=service_outage&limit=50",
    "/api/v1/reports?tlp=amber&route=direct&limit=50",
};

// Issue 11's reading goals: with kGoalClients clients at kGoalReports
// reports, kGoalPagesPerSecond pages/s with p99 under kGoalP99Ms; with one
// client p99 under kGoalSingleP99Ms.
constexpr int kGoalClients = 64;
constexpr int64_t kGoalReports = 1000000;
constexpr double kGoalPagesPerSecond = 5000;
constexpr double kGoalP99Ms = 20;
constexpr double kGoalSingleP99Ms = 3;

struct Seeded {
  std::string nisc_token, operator_token;
};

int Fail(const std::string& what, const Error& e) {
  fmt::print(stderr, "query_bench: {}: {} {}\n", what, e.field, e.message);
  return 2;
}

// Seeds `reports` reports into DIR through the services; returns tokens.
Result<Seeded> Seed(const std::string& dir, int64_t reports) {
  auto store = INFRASHARE_TRY(OpenSqliteStore(SqliteOptions{.path = dir + "/infrashare.db"}));
  SystemClock clock;
  Services services(*store, clock);
  INFRASHARE_TRY(services.registry.Load());
  Caller admin = SystemCaller(services.registry.Snapshot());
  const auto& data = services.registry.Snapshot()->data();
  std::vector<std::string> sectors;
  for (const auto& s : data.sectors) sectors.push_back(s.id);
  std::map<std::string, std::string> ceptoar_of;  // sector -> first CEPTOAR
  for (const auto& c : data.ceptoars) ceptoar_of.emplace(c.sector, c.id);

  std::vector<Caller> reporters;
  for (int i = 0; i < kOperators; ++i) {
    const std::string sector = sectors[size_t(i) % sectors.size()];
    Json org{{"id", fmt::format("op{:04}", i)}, {"kind", "operator"}, {"name_ja", fmt::format("事業者{}", i)},
             {"name_en", fmt::format("Operator {}", i)}, {"sectors", {sector}}};
    if (i % 5 != 0 && ceptoar_of.contains(sector)) org["ceptoars"] = {ceptoar_of[sector]};
    INFRASHARE_TRY(services.registry.AddOrganization(admin, org));
    Json principal{{"id", fmt::format("rep{:04}", i)}, {"organization", org["id"]}, {"name", "reporter"},
                   {"roles", {"reporter", "relay"}}};
    INFRASHARE_TRY(services.registry.AddPrincipal(admin, principal));
  }
  auto registry = services.registry.Snapshot();
  for (int i = 0; i < kOperators; ++i) {
    Caller c;
    c.registry = registry;
    c.organization = registry->FindOrganization(fmt::format("op{:04}", i));
    c.principal = Principal{.id = fmt::format("rep{:04}", i), .organization = c.organization->id,
                            .name = "reporter", .roles = {Role::kReporter}};
    reporters.push_back(std::move(c));
  }
  // Each secretariat relays what reaches it.
  std::map<std::string, Caller> relays;
  for (const auto& o : data.organizations)
    if (o.kind == OrgKind::kCeptoarSecretariat || o.kind == OrgKind::kSecurityAgency) {
      Caller c;
      c.registry = registry;
      c.organization = registry->FindOrganization(o.id);
      c.principal = Principal{.id = o.id + "_relay", .organization = o.id, .name = "relay", .roles = {Role::kRelay}};
      relays.emplace(o.id, std::move(c));
    }

  std::atomic<int64_t> next{0}, failed{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kSeedThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937_64 rng(uint64_t(t) * 7919 + 1);
      for (int64_t n = next++; n < reports; n = next++) {
        const Caller& who = reporters[size_t(rng() % reporters.size())];
        const std::string sector = who.organization->sectors.front();
        const int shape = int(rng() % 100);
        Json body{{"kind", NameOf(kReportKindNames, ReportKind(rng() % kReportKindNames.size()))},
                  {"title", fmt::format("Report {} from the {} sector", n, sector)},
                  {"text", fmt::format("Observed event {} affecting {} systems", n, rng() % 2 ? "control" : "business")},
                  {"sectors", {sector}},
                  {"route", "direct"}};
        if (shape < 60) {
          body["tlp"] = "green";
          body["audience"] = {{"everyone", true}};
        } else if (shape < 85) {
          body["tlp"] = "amber";
          body["audience"] = {{"sectors", {sector}}};
        } else if (shape < 95) {
          body["tlp"] = "amber+strict";
          body["audience"] = {{"organizations", {fmt::format("op{:04}", rng() % kOperators)}}};
        } else {
          body["tlp"] = "red";
          body["audience"] = {{"organizations", Json::array()}};
        }
        const bool relayed = !who.organization->ceptoars.empty() && rng() % 5 == 0;
        if (relayed) {
          body["route"] = "via_ceptoar";
          body["anonymized"] = rng() % 2 == 0;
        }
        auto r = services.reports.Submit(who, body);
        if (!r) {
          if (failed++ == 0) fmt::print(stderr, "seed: {} {}\n", r.error().field, r.error().message);
          continue;
        }
        if (relayed && rng() % 4 != 0) {
          auto it = relays.find(r->relay_org);
          if (it != relays.end()) (void)services.reports.Relay(it->second, r->id, Json::object());
        }
        if (n > 0 && n % 100000 == 0) {
          const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          fmt::print("seeded {} reports in {:.0f} s ({:.0f}/s)\n", n, s, double(n) / s);
          std::fflush(stdout);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  fmt::print("seeded {} reports in {:.1f} s ({:.0f}/s through ReportService), {} failed\n", reports, s,
             double(reports) / s, failed.load());

  Seeded out;
  INFRASHARE_TRY(services.registry.AddPrincipal(
      admin,
      Json{{"id", "nisc_bench"}, {"organization", "nisc"}, {"name", "bench"}, {"roles", {"analyst"}}}));
  auto t1 = INFRASHARE_TRY(services.registry.IssueToken(admin, "nisc_bench", Json::object()));
  auto t2 = INFRASHARE_TRY(services.registry.IssueToken(admin, "rep0001", Json::object()));
  out.nisc_token = t1.secret_token;
  out.operator_token = t2.secret_token;
  return out;
}

// One load run of the list as `who`; prints its figures, with the server's
// CPU per request. Errors: those of RunLoad.
Result<bench::LoadFigures> RunQueries(const std::string& who, uint16_t port, const std::string& token,
                                      pid_t pid, const std::vector<std::string>& targets, int connections,
                                      int seconds) {
  fmt::print("\nquery_bench as {}: GET {}, {} connections, {} s\n", who, fmt::join(targets, " | "), connections,
             seconds);
  std::fflush(stdout);
  const std::string authorization = "Bearer " + token;
  auto figures = bench::MeasureLoad(
      {.port = port, .connections = connections, .duration = std::chrono::seconds(seconds)}, pid,
      [&](uint64_t n) {
        return LoadRequest{.method = "GET",
                           .target = targets[n % targets.size()],
                           .headers = {{"Authorization", authorization}}};
      });
  if (!figures) return std::unexpected(figures.error());
  fmt::print("{}", FormatLoadReport(figures->report, 200, PeakRssMegabytes(pid)));
  if (figures->server_cpu_us_per_request)
    fmt::print("server CPU        {:.1f} µs/request\n", *figures->server_cpu_us_per_request);
  std::fflush(stdout);
  return figures;
}

// The ceiling server's figures with one client and with `connections`
// clients, the same GETs (it answers them all 200); started for these runs
// and stopped after them.
Result<std::map<int, bench::LoadFigures>> MeasureCeiling(const std::string& binary, int threads,
                                                         const std::string& setup_dir,
                                                         const std::string& token,
                                                         const std::vector<std::string>& targets,
                                                         int connections, int seconds) {
  fmt::print("\n== the machine's HTTP ceiling (bench/ceiling_server: a fixed 200, the same load)\n");
  auto ceiling = INFRASHARE_TRY(bench::StartCeilingServer(binary, threads, bench::CeilingLogPath(setup_dir)));
  std::map<int, bench::LoadFigures> figures;
  for (int c : {1, connections}) {
    auto run =
        INFRASHARE_TRY(RunQueries("the ceiling", ceiling.port(), token, ceiling.pid(), targets, c, seconds));
    figures[c] = run;
  }
  (void)ceiling.Terminate();
  fmt::print("\n== infrashare\n");
  return figures;
}

// Compares each of infrashare's runs (who, clients → figures) with the
// ceiling's at the same number of clients, and says whether the goals are
// met. `reports` is the store's size (0: unknown).
void PrintAgainstCeiling(const std::map<int, bench::LoadFigures>& ceiling,
                         const std::vector<std::tuple<std::string, int, bench::LoadFigures>>& runs,
                         int64_t reports) {
  auto p99_ms = [](const bench::LoadFigures& f) {
    return double(f.report.latency.Percentile(0.99)) / 1000.0;
  };
  for (const auto& [who, clients, ours] : runs) {
    const auto top = ceiling.find(clients);
    if (top == ceiling.end()) continue;
    fmt::print("{}", bench::FormatAgainstCeiling(fmt::format("list as {}, {} client(s)", who, clients),
                                                 top->second, ours));
    std::string conditions;
    if (clients > 1 && clients != kGoalClients)
      conditions += fmt::format("; the goal is for {} clients", kGoalClients);
    if (reports != kGoalReports)
      conditions +=
          reports > 0
              ? fmt::format("; the goal is at {} reports, this store has {}", kGoalReports, reports)
              : fmt::format("; the goal is at {} reports, this store's size is unknown", kGoalReports);
    const bool ok = ours.report.errors() == 0;
    if (clients == 1)
      fmt::print("{}", bench::FormatGoal(fmt::format("one client, p99 < {:.0f} ms", kGoalSingleP99Ms),
                                         ok && p99_ms(ours) < kGoalSingleP99Ms,
                                         fmt::format("p99 {:.2f} ms, {} errors{}", p99_ms(ours),
                                                     ours.report.errors(), conditions)));
    else
      fmt::print("{}", bench::FormatGoal(
                           fmt::format("{} clients ≥ {:.0f} pages/s, p99 < {:.0f} ms", kGoalClients,
                                       kGoalPagesPerSecond, kGoalP99Ms),
                           ok && ours.report.throughput() >= kGoalPagesPerSecond && p99_ms(ours) < kGoalP99Ms,
                           fmt::format("{:.0f} pages/s, p99 {:.2f} ms, {} errors{}", ours.report.throughput(),
                                       p99_ms(ours), ours.report.errors(), conditions)));
  }
  std::fflush(stdout);
}

// infrashare's runs: one client, then `connections`, as each principal.
// Returns the exit code (1 when a run saw an unexpected status).
int RunAll(const std::vector<std::pair<std::string, std::string>>& principals, uint16_t port, pid_t pid,
           const std::vector<std::string>& targets, int connections, int seconds,
           const std::optional<std::map<int, bench::LoadFigures>>& ceiling, int64_t reports) {
  int rc = 0;
  std::vector<std::tuple<std::string, int, bench::LoadFigures>> runs;
  for (int c : {1, connections})
    for (const auto& [who, token] : principals) {
      auto run = RunQueries(who, port, token, pid, targets, c, seconds);
      if (!run) return Fail("load", run.error());
      if (run->report.unexpected_status != 0) rc = 1;
      runs.emplace_back(who, c, *run);
    }
  if (ceiling) PrintAgainstCeiling(*ceiling, runs, reports);
  return rc;
}

}  // namespace

int main(int argc, char** argv) {
  InitCrypto();
  std::string host = "127.0.0.1", token, setup_dir, binary;
  uint16_t port = 0;
  std::vector<std::string> targets = kTargets;
  int connections = 64, seconds = 10;
  int64_t reports = 1000000;
  pid_t server_pid = 0;
  bool no_ceiling = false;
  std::string ceiling_binary = bench::DefaultCeilingBinary();
  int ceiling_threads = 2;
  CLI::App app{"Query benchmark: concurrent keep-alive clients listing reports on loopback"};
  app.add_option("--host", host, "server address; loopback only");
  app.add_option("--port", port, "server port (against a running server)");
  app.add_option("--token", token, "an API token that may read reports (against a running server)");
  app.add_option("--server-pid", server_pid, "the server's pid, to read its peak RSS (VmHWM)");
  app.add_option("--target", targets, "request target(s); requests cycle through them");
  app.add_option("--setup", setup_dir, "a fresh directory: init, seed, serve, then query");
  app.add_option("--binary", binary, "the infrashare program (with --setup)");
  app.add_option("--reports", reports, "reports to seed (with --setup)")->check(CLI::Range(int64_t{1}, int64_t{10000000}));
  app.add_option("--connections", connections, "concurrent keep-alive connections")->check(CLI::Range(1, 10000));
  app.add_option("--seconds", seconds, "how long to load the server, per principal")->check(CLI::Range(1, 3600));
  app.add_flag("--no-ceiling", no_ceiling, "do not measure the machine's HTTP ceiling first");
  app.add_option("--ceiling-binary", ceiling_binary, "the ceiling server (bench/ceiling_server)")
      ->capture_default_str();
  app.add_option("--ceiling-threads", ceiling_threads, "the ceiling server's network threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  auto measure_ceiling =
      [&](const std::string& ceiling_token) -> Result<std::optional<std::map<int, bench::LoadFigures>>> {
    if (no_ceiling) return std::nullopt;
    auto figures = INFRASHARE_TRY(MeasureCeiling(ceiling_binary, ceiling_threads, setup_dir, ceiling_token,
                                                 targets, connections, seconds));
    return figures;
  };
  if (!IsLoopbackHost(host)) {
    fmt::print(stderr, "query_bench: --host {} is not loopback; refusing\n", host);
    return 2;
  }
  fmt::print("machine           {}\n", DescribeMachine());
  if (setup_dir.empty()) {
    if (port == 0 || token.empty()) {
      fmt::print(stderr, "query_bench: give --port and --token, or --setup DIR --binary PATH\n");
      return 2;
    }
    auto ceiling = measure_ceiling(token);
    if (!ceiling) return Fail("ceiling", ceiling.error());
    // Against a running server: one run (the given connections), as before.
    auto run = RunQueries("the given token", port, token, server_pid, targets, connections, seconds);
    if (!run) return Fail("load", run.error());
    if (*ceiling) PrintAgainstCeiling(**ceiling, {{"the given token", connections, *run}}, 0);
    return run->report.unexpected_status == 0 ? 0 : 1;
  }
  if (binary.empty()) {
    fmt::print(stderr, "query_bench: --setup needs --binary\n");
    return 2;
  }
  auto init = RunToCompletion({binary, "init", "--data", setup_dir}, std::chrono::seconds(300));
  if (!init || init->exit_code != 0) {
    fmt::print(stderr, "query_bench: init failed: {}\n", init ? init->err : init.error().message);
    return 2;
  }
  auto seeded = Seed(setup_dir, reports);
  if (!seeded) return Fail("seed", seeded.error());
  fmt::print("database size     {:.0f} MB\n",
             double(std::filesystem::file_size(setup_dir + "/infrashare.db")) / (1 << 20));
  auto ceiling = measure_ceiling(seeded->nisc_token);
  if (!ceiling) return Fail("ceiling", ceiling.error());
  const uint16_t server_port = ServerProcess::FreePort();
  auto server = ServerProcess::Start({binary, "serve", "--data", setup_dir, "--listen",
                                      fmt::format("127.0.0.1:{}", server_port)},
                                     setup_dir + "/bench-server.log");
  if (!server) return Fail("serve", server.error());
  // Latency of one client at a time, then throughput under `connections` clients.
  const int rc = RunAll({{"NISC", seeded->nisc_token}, {"an operator", seeded->operator_token}}, server_port,
                        server->pid(), targets, connections, seconds, *ceiling, reports);
  auto stopped = server->Terminate();
  fmt::print("server stopped    exit {}\n", stopped ? *stopped : -1);
  return rc;
}
