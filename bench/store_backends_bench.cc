// Store backends side by side: the same ingest and list queries against
// SQLite and PostgreSQL in one run (issue 5: "PostgreSQL ingest within 2x of
// SQLite's").
//
//   store_backends_bench [--reports N] [--seconds S] [--writers W] [--queries Q]
//                        [--pg URL] [--only sqlite|postgres] [--keep]
//
//   --reports N   history written first, in Writes of 2,000 (default 200,000)
//   --seconds S   length of the concurrent ingest (default 10)
//   --writers W   threads submitting at once (default 64)
//   --queries Q   ListReports calls timed (default 2,000)
//   --pg URL      the PostgreSQL cluster (default: env INFRASHARE_TEST_PG; if
//                 unset, scripts/pg-test-cluster.sh starts one, run from the
//                 source tree, and stops it at the end). The bench makes a
//                 database of its own there and drops it afterwards.
//
// Per backend it prints:
//   bulk ingest        inserts/s of a loader's Writes (tx.InsertReport, 2,000
//                      per Write) storing the history as the server holds it:
//                      reports built as Submit builds them, relayed, some
//                      revised (submission.h), with the grant keys of
//                      domain/sharing GrantKeys; only the Writes are timed
//   concurrent ingest  submissions/s with p50 and p99 latency, each one the
//                      real write path of ReportService::Submit, timed from
//                      PrepareReportChange to the commit of the Write of
//                      RecordReportChange (report with its grant keys,
//                      revision, audit event linked to the chain, outbox
//                      event, and the response alert its severity raises);
//                      the report (route, assessment) is built before
//   ListReports        p50/p99 of one page (50) as ReportService::List reads
//                      it (tx.ListReportTexts: the stored text of each
//                      report, not the service's per-row visibility check
//                      after it), over typical callers, with the viewer keys
//                      the server computes for them (ViewerKeys), and
//                      filters, overall and per shape.
// Then both backends in one table. The registry and severity policies are
// submission.h's: the generator's organizations and the shipped
// data/severity policies.
#include <fmt/format.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "report_history.h"
#include "store/postgres/pg_store.h"
#include "store/sqlite/sqlite_store.h"
#include "submission.h"

namespace infrashare {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;
using namespace bench;

struct Options {
  int64_t reports = 200'000;
  double seconds = 10;
  int writers = 64;
  int queries = 2000;
  std::string pg;
  std::string only;
  bool keep = false;
};

[[noreturn]] void Fail(const std::string& what, const Error& e) {
  fmt::print(stderr, "store_backends_bench: {}: {}\n", what, e.message);
  std::exit(1);
}

struct Figures {
  double bulk_per_s = 0;
  double submit_per_s = 0, submit_p50 = 0, submit_p99 = 0;
  double list_p50 = 0, list_p99 = 0;
  std::map<std::string, std::pair<double, double>> shapes;  // p50, p99
};

void BulkIngest(Store& store, const Options& o, const World& world, Figures& f) {
  Generator gen(1);
  std::vector<std::pair<Report, std::vector<std::string>>> batch;
  const auto start = SteadyClock::now();
  SteadyClock::duration in_write{};
  for (int64_t i = 0; i < o.reports;) {
    batch.clear();
    for (; i < o.reports && batch.size() < 2000; ++i) {
      auto r = world.Stored(gen.Make(i), fmt::format("rpt_h{:012}", i));
      if (!r) Fail("history report", r.error());
      auto grants = GrantKeys(*r);
      batch.emplace_back(std::move(*r), std::move(grants));
    }
    const auto t0 = SteadyClock::now();
    auto w = store.Write([&](WriteTx& tx) -> Result<void> {
      for (const auto& [report, keys] : batch) INFRASHARE_TRY(tx.InsertReport(report, keys));
      return {};
    });
    in_write += SteadyClock::now() - t0;
    if (!w) Fail("bulk insert", w.error());
  }
  const double secs = Ms(SteadyClock::now() - start) / 1000;
  const double write_secs = Ms(in_write) / 1000;
  f.bulk_per_s = static_cast<double>(o.reports) / write_secs;
  fmt::print("  bulk ingest       {} reports in {:.1f} s ({:.1f} s inside Write): {:.0f} inserts/s\n",
             o.reports, secs, write_secs, f.bulk_per_s);
}

// Each Write is one submission through the service's write path
// (submission.h SubmitReport), as its submitter.
void ConcurrentIngest(Store& store, const Options& o, const World& world, Figures& f) {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> next{0}, alerts{0};
  std::vector<Stats> per_thread(o.writers);
  std::vector<std::thread> threads;
  const auto start = SteadyClock::now();
  for (int t = 0; t < o.writers; ++t) {
    threads.emplace_back([&, t] {
      Generator gen(1000 + t);
      while (!stop) {
        const int64_t n = next++;
        const Draft d = gen.Make(o.reports + n);
        auto r = world.Submitted(d, fmt::format("rpt_c{:012}", n));
        if (!r) Fail("submission", r.error());
        const Caller caller = world.Submitter(d.op);
        const auto t0 = SteadyClock::now();
        auto raised = SubmitReport(store, caller, std::move(*r));
        if (!raised) Fail("submission", raised.error());
        per_thread[t].ms.push_back(Ms(SteadyClock::now() - t0));
        if (*raised) ++alerts;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.seconds));
  stop = true;
  for (auto& th : threads) th.join();
  const double secs = Ms(SteadyClock::now() - start) / 1000;
  Stats all;
  for (auto& s : per_thread) all.ms.insert(all.ms.end(), s.ms.begin(), s.ms.end());
  f.submit_per_s = static_cast<double>(all.ms.size()) / secs;
  f.submit_p50 = all.Pct(0.5);
  f.submit_p99 = all.Pct(0.99);
  fmt::print(
      "  concurrent ingest {} submissions by {} threads in {:.1f} s: {:.0f}/s, p50 {:.2f} ms, p99 {:.2f} "
      "ms; {} response alerts raised\n",
      all.ms.size(), o.writers, secs, f.submit_per_s, f.submit_p50, f.submit_p99, alerts.load());
}

// The keys a typical caller lists reports with, as the server computes
// them for its organization.
std::vector<std::string> RandomCaller(Generator& gen, const World& world) {
  switch (gen.Pick(10)) {
    case 0:
    case 1:
      return world.ViewerKeysOf(Org("nisc", 0));
    case 2:
      return world.ViewerKeysOf(Org("min", gen.Pick(kMinistries)));
    case 3:
      return world.ViewerKeysOf(Org("sec", gen.Pick(kCeptoars)));
    default:
      return world.ViewerKeysOf(Org("op", gen.Skewed(kOperators)));
  }
}

void Queries(Store& store, const Options& o, const World& world, Figures& f) {
  Generator gen(99);
  std::map<std::string, Stats> by_shape;
  Stats all;
  const Timestamp newest = FromMicros(kEpochMicros + (o.reports - 1) * kSpacingMicros);
  for (int n = 0; n < o.queries; ++n) {
    ReportQuery q;
    q.grant_keys = RandomCaller(gen, world);
    q.limit = 50;
    std::string shape;
    const int dice = gen.Pick(100);
    if (dice < 30) {
      shape = "newest";
    } else if (dice < 45) {
      shape = "kind";
      q.kind = static_cast<ReportKind>(gen.Pick(9));
    } else if (dice < 60) {
      shape = "sector";
      q.sector = SectorId(gen.Pick(kSectors));
    } else if (dice < 65) {
      shape = "tlp";
      q.tlp = static_cast<Tlp>(gen.Pick(3));
    } else if (dice < 80) {
      shape = "text";
      q.text = kWords[gen.Skewed(static_cast<int>(kWords.size()))];
    } else if (dice < 83) {
      shape = "text-rare";
      q.text = kRareWords[gen.Pick(static_cast<int>(kRareWords.size()))];
    } else if (dice < 93) {
      shape = "updated-6h";
      q.updated_since = newest - std::chrono::hours(6);
    } else {
      shape = "deep-page";
      q.before_seq =
          std::max<int64_t>(2, o.reports - gen.Pick(static_cast<int>(std::min<int64_t>(o.reports, 100'000))));
    }
    const auto t0 = SteadyClock::now();
    // The store's part of ReportService::List: the page as stored text (the
    // service then decodes only what a row's view needs).
    auto r = store.Read([&](ReadTx& tx) -> Result<void> {
      INFRASHARE_TRY(tx.ListReportTexts(q));
      return {};
    });
    if (!r) Fail("list reports", r.error());
    const double ms = Ms(SteadyClock::now() - t0);
    by_shape[shape].ms.push_back(ms);
    all.ms.push_back(ms);
  }
  f.list_p50 = all.Pct(0.5);
  f.list_p99 = all.Pct(0.99);
  fmt::print("  ListReports       {} queries, page of 50: p50 {:.2f} ms, p99 {:.2f} ms\n", o.queries,
             f.list_p50, f.list_p99);
  for (auto& [shape, s] : by_shape) {
    f.shapes[shape] = {s.Pct(0.5), s.Pct(0.99)};
    fmt::print("    {:<14} n={:<5} p50 {:>7.2f} ms  p99 {:>7.2f} ms\n", shape, s.ms.size(), s.Pct(0.5),
               s.Pct(0.99));
  }
}

Figures Run(const std::string& name, const std::function<Result<std::unique_ptr<Store>>()>& open,
            const Options& o, const World& world) {
  fmt::print("\n{}\n", name);
  Figures f;
  {
    auto store = open();
    if (!store) Fail("open " + name, store.error());
    BulkIngest(**store, o, world, f);
    ConcurrentIngest(**store, o, world, f);
  }
  auto store = open();  // reopened, as after a restart
  if (!store) Fail("reopen " + name, store.error());
  Queries(**store, o, world, f);
  return f;
}

// The PostgreSQL cluster: --pg, INFRASHARE_TEST_PG, or one started here.
class Cluster {
 public:
  explicit Cluster(std::string url) : url_(std::move(url)) {
    if (!url_.empty()) return;
    if (const char* env = std::getenv("INFRASHARE_TEST_PG"); env != nullptr && *env != '\0') {
      url_ = env;
      return;
    }
    env_file_ = fmt::format("/tmp/infrashare-bench-pg-{}.env", ::getpid());
    if (!fs::exists("scripts/pg-test-cluster.sh") ||
        std::system(fmt::format("bash scripts/pg-test-cluster.sh start {} >/dev/null", env_file_).c_str()) !=
            0)
      Fail("PostgreSQL",
           Error{ErrorCode::kUnavailable,
                 "no cluster: set INFRASHARE_TEST_PG or --pg, or run from the source tree so that "
                 "scripts/pg-test-cluster.sh can start one",
                 ""});
    FILE* f = std::fopen(env_file_.c_str(), "r");
    char line[512];
    while (f != nullptr && std::fgets(line, sizeof line, f) != nullptr) {
      std::string_view l(line);
      constexpr std::string_view kKey = "export INFRASHARE_TEST_PG='";
      if (l.starts_with(kKey))
        url_ = std::string(l.substr(kKey.size(), l.find('\'', kKey.size()) - kKey.size()));
    }
    if (f != nullptr) std::fclose(f);
  }
  ~Cluster() {
    if (!env_file_.empty())
      (void)std::system(fmt::format("bash scripts/pg-test-cluster.sh stop {}", env_file_).c_str());
  }
  const std::string& url() const { return url_; }

  // Runs SQL as the cluster's administrator; false on failure.
  bool Admin(const std::string& sql) const {
    PGconn* conn = PQconnectdb(url_.c_str());
    bool ok = PQstatus(conn) == CONNECTION_OK;
    if (ok) {
      PGresult* r = PQexec(conn, sql.c_str());
      ok = PQresultStatus(r) == PGRES_COMMAND_OK;
      if (!ok) fmt::print(stderr, "{}: {}", sql, PQresultErrorMessage(r));
      PQclear(r);
    } else {
      fmt::print(stderr, "cannot connect to {}: {}", url_, PQerrorMessage(conn));
    }
    PQfinish(conn);
    return ok;
  }

 private:
  std::string url_, env_file_;
};

// The URL with its database name replaced.
std::string WithDatabase(const std::string& url, const std::string& name) {
  const size_t scheme = url.find("://");
  const size_t path = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  const size_t query = url.find('?');
  const std::string tail = query == std::string::npos ? "" : url.substr(query);
  return (path == std::string::npos ? url.substr(0, query) : url.substr(0, path)) + "/" + name + tail;
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        fmt::print(stderr, "store_backends_bench: {} needs a value\n", a);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--reports")
      o.reports = std::stoll(value());
    else if (a == "--seconds")
      o.seconds = std::stod(value());
    else if (a == "--writers")
      o.writers = std::stoi(value());
    else if (a == "--queries")
      o.queries = std::stoi(value());
    else if (a == "--pg")
      o.pg = value();
    else if (a == "--only")
      o.only = value();
    else if (a == "--keep")
      o.keep = true;
    else {
      fmt::print(stderr,
                 "usage: store_backends_bench [--reports N] [--seconds S] [--writers W] [--queries Q] "
                 "[--pg URL] [--only sqlite|postgres] [--keep]\n");
      std::exit(2);
    }
  }
  o.reports = std::max<int64_t>(o.reports, 1);
  return o;
}

int Main(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  fmt::print(
      "store_backends_bench: {} reports of history, {} writers for {:.0f} s, {} queries; {} hardware "
      "threads\n",
      o.reports, o.writers, o.seconds, o.queries, std::thread::hardware_concurrency());
  const World world = World::Make();
  std::map<std::string, Figures> figures;

  if (o.only.empty() || o.only == "sqlite") {
    const fs::path dir = fs::temp_directory_path() / fmt::format("infrashare-backends-bench-{}", ::getpid());
    fs::create_directories(dir);
    const std::string path = (dir / "infrashare.db").string();
    figures["SQLite"] = Run(
        "SQLite (WAL, synchronous=FULL)", [&] { return OpenSqliteStore({.path = path}); }, o, world);
    if (!o.keep) fs::remove_all(dir);
  }
  if (o.only.empty() || o.only == "postgres") {
    Cluster cluster(o.pg);
    const std::string db = fmt::format("bench_{}", ::getpid());
    if (!cluster.Admin(fmt::format("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0", db)))
      Fail("PostgreSQL", Error{ErrorCode::kUnavailable, "cannot create the bench database", ""});
    const std::string url = WithDatabase(cluster.url(), db);
    figures["PostgreSQL"] = Run(
        "PostgreSQL (" + url + ", synchronous_commit=on, pool 8)",
        [&] { return OpenPostgresStore({.url = url}); }, o, world);
    if (!o.keep) cluster.Admin(fmt::format("DROP DATABASE {} WITH (FORCE)", db));
  }

  fmt::print("\n{:<34} {:>12} {:>12} {:>8}\n", "", "SQLite", "PostgreSQL", "PG/SQL");
  auto row = [&](std::string_view name, auto get, bool ratio) {
    fmt::print("{:<34}", name);
    for (const char* b : {"SQLite", "PostgreSQL"}) {
      if (figures.contains(b))
        fmt::print(" {:>12.2f}", get(figures[b]));
      else
        fmt::print(" {:>12}", "-");
    }
    if (ratio && figures.contains("SQLite") && figures.contains("PostgreSQL") && get(figures["SQLite"]) > 0)
      fmt::print(" {:>8.2f}", get(figures["PostgreSQL"]) / get(figures["SQLite"]));
    fmt::print("\n");
  };
  row(
      "bulk inserts/s (2,000 per Write)", [](Figures& f) { return f.bulk_per_s; }, true);
  row(
      fmt::format("submissions/s ({} writers)", o.writers), [](Figures& f) { return f.submit_per_s; }, true);
  row(
      "submission p50 ms", [](Figures& f) { return f.submit_p50; }, true);
  row(
      "submission p99 ms", [](Figures& f) { return f.submit_p99; }, true);
  row(
      "list p50 ms", [](Figures& f) { return f.list_p50; }, true);
  row(
      "list p99 ms", [](Figures& f) { return f.list_p99; }, true);
  std::vector<std::string> shapes;
  for (auto& [backend, f] : figures)
    for (auto& [shape, v] : f.shapes)
      if (std::find(shapes.begin(), shapes.end(), shape) == shapes.end()) shapes.push_back(shape);
  for (const auto& shape : shapes) {
    row(
        fmt::format("  {} p50 ms", shape), [&](Figures& f) { return f.shapes[shape].first; }, true);
    row(
        fmt::format("  {} p99 ms", shape), [&](Figures& f) { return f.shapes[shape].second; }, true);
  }
  return 0;
}

}  // namespace
}  // namespace infrashare

int main(int argc, char** argv) { return infrashare::Main(argc, argv); }
