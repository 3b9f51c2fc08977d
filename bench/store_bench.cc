// Store benchmark (SQLite backend): bulk ingest through Write, concurrent
// submissions (group commit), then ListReports with typical callers and
// filters over the whole history.
//
//   store_bench [--reports N] [--dir DIR] [--queries Q] [--batch B]
//               [--writers W] [--concurrent-seconds S] [--reuse] [--keep]
//
//   --reports N   reports in the history (default 1,000,000)
//   --dir DIR     where the database goes (default: a new directory under
//                 /tmp, removed at the end unless --keep)
//   --queries Q   ListReports calls to time (default 1000)
//   --batch B     reports per Write during the bulk ingest (default 2000)
//   --writers W   threads in the concurrent-write phase (default 64)
//   --concurrent-seconds S   length of that phase (default 5; 0 skips it)
//   --reuse       use the database already in --dir if it holds the reports
//                 (skips the bulk ingest; for tuning queries)
//
// What the phases time:
//   bulk ingest        the Writes of a loader (tx.InsertReport, B reports per
//                      Write) storing the history as the server holds it —
//                      reports built as Submit builds them, relayed, some
//                      revised (submission.h), with the grant keys of
//                      domain/sharing GrantKeys; building them is not timed
//   concurrent writes  real submissions: per report, the write path of
//                      ReportService::Submit — PrepareReportChange and one
//                      Write of RecordReportChange (report with its grant
//                      keys, revision, audit event, outbox event and the
//                      response alert its severity raises), timed from
//                      prepare to commit; the report (route, assessment) is
//                      built before the clock starts
//   ListReports        one page per query as ReportService::List reads it
//                      (tx.ListReportTexts, the stored text of each report),
//                      with the viewer keys the server computes for the
//                      caller (ViewerKeys), wall and CPU; not the service's
//                      per-row visibility check and presentation after it
//
// Prints inserts/s, submission latency under concurrency and the alerts
// raised, ListReports p50/p99/max (ms) per query shape and overall, the
// database size and peak RSS (VmHWM).
//
// Shapes follow the platform (report_history.h): ~80% of reports are CLEAR
// or GREEN (shared with every member), the rest with a sector, CEPTOAR or
// named organizations; every report grants its submitter, its relay and
// every organization on its delivery trail (NISC once released). The
// registry and severity policies are submission.h's: the generator's
// organizations and the shipped data/severity policies.
#include <fmt/format.h>
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "report_history.h"
#include "store/sql/sql_tx.h"
#include "store/sqlite/sqlite_store.h"
#include "submission.h"

namespace infrashare {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;
using namespace bench;

struct Options {
  int64_t reports = 1'000'000;
  std::string dir;
  int queries = 1000;
  int batch = 2000;
  int writers = 64;
  double concurrent_seconds = 5;
  bool reuse = false;
  bool keep = false;
};

// CPU time of the calling thread, in ms: unlike wall time, not inflated when
// other processes share the cores.
double ThreadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// CPU time of the whole process (all threads), in seconds.
double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto sec = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

double LoadAverage() {
  double load[1] = {0};
  return getloadavg(load, 1) == 1 ? load[0] : -1;
}

int64_t PeakRssKb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  return -1;
}

uint64_t DatabaseBytes(const fs::path& db) {
  uint64_t total = 0;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ec;
    auto n = fs::file_size(db.string() + suffix, ec);
    if (!ec) total += n;
  }
  return total;
}

[[noreturn]] void Fail(const std::string& what, const Error& e) {
  fmt::print(stderr, "store_bench: {}: {}\n", what, e.message);
  std::exit(1);
}

Options ParseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        fmt::print(stderr, "store_bench: {} needs a value\n", a);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--reports")
      o.reports = std::stoll(value());
    else if (a == "--dir")
      o.dir = value();
    else if (a == "--queries")
      o.queries = std::stoi(value());
    else if (a == "--batch")
      o.batch = std::stoi(value());
    else if (a == "--writers")
      o.writers = std::stoi(value());
    else if (a == "--concurrent-seconds")
      o.concurrent_seconds = std::stod(value());
    else if (a == "--reuse")
      o.reuse = true;
    else if (a == "--keep")
      o.keep = true;
    else {
      fmt::print(stderr,
                 "usage: store_bench [--reports N] [--dir DIR] [--queries Q] [--batch B] [--writers W] "
                 "[--concurrent-seconds S] [--reuse] [--keep]\n");
      std::exit(2);
    }
  }
  return o;
}

void BulkIngest(Store& store, const Options& o, int64_t already, const World& world) {
  Generator gen(1);
  std::vector<std::pair<Report, std::vector<std::string>>> batch;
  const auto start = SteadyClock::now();
  SteadyClock::duration in_write{};
  double cpu_in_write = 0;
  for (int64_t i = already; i < o.reports;) {
    batch.clear();
    for (; i < o.reports && static_cast<int>(batch.size()) < o.batch; ++i) {
      auto r = world.Stored(gen.Make(i), fmt::format("rpt_{:020x}", Mix(static_cast<uint64_t>(i))));
      if (!r) Fail("history report", r.error());
      auto grants = GrantKeys(*r);
      batch.emplace_back(std::move(*r), std::move(grants));
    }
    const auto t0 = SteadyClock::now();
    const double cpu0 = ProcessCpuSeconds();
    auto w = store.Write([&](WriteTx& tx) -> Result<void> {
      for (const auto& [report, keys] : batch) {
        INFRASHARE_TRY(tx.InsertReport(report, keys));
      }
      return {};
    });
    in_write += SteadyClock::now() - t0;
    cpu_in_write += ProcessCpuSeconds() - cpu0;
    if (!w) Fail("bulk insert", w.error());
    if ((i / o.batch) % 50 == 0)
      fmt::print(stderr, "  … {} reports, {:.0f}/s\n", i,
                 static_cast<double>(i - already) / Ms(SteadyClock::now() - start) * 1000);
  }
  const double secs = Ms(SteadyClock::now() - start) / 1000;
  const double store_secs = Ms(in_write) / 1000;
  const double n = static_cast<double>(o.reports - already);
  fmt::print(
      "bulk ingest        {:>10} reports in {:.1f} s ({:.1f} s inside Write, {} reports per Write): "
      "{:.0f} inserts/s; {:.0f} µs CPU per report\n",
      o.reports - already, secs, store_secs, o.batch, n / store_secs, cpu_in_write / n * 1e6);
}

// Every writer submits one report at a time through the server's write
// path (submission.h SubmitReport), as its submitter.
void ConcurrentWrites(Store& store, const Options& o, const World& world) {
  std::atomic<bool> stop{false};
  std::atomic<int64_t> next_id{0}, alerts{0};
  const uint64_t salt =
      (uint64_t{std::random_device{}()} << 32) | std::random_device{}();  // fresh ids per run
  std::vector<Stats> per_thread(o.writers);
  std::vector<std::thread> threads;
  const auto start = SteadyClock::now();
  const double cpu0 = ProcessCpuSeconds();
  for (int t = 0; t < o.writers; ++t) {
    threads.emplace_back([&, t] {
      Generator gen(1000 + t);
      while (!stop) {
        const int64_t n = next_id++;
        const Draft d = gen.Make(o.reports + n);
        auto r = world.Submitted(d, fmt::format("rpt_{:020x}", Mix(static_cast<uint64_t>(n)) ^ salt));
        if (!r) Fail("submission", r.error());
        const Caller caller = world.Submitter(d.op);
        const auto t0 = SteadyClock::now();
        auto raised = SubmitReport(store, caller, std::move(*r));
        if (!raised) Fail("concurrent write", raised.error());
        per_thread[t].ms.push_back(Ms(SteadyClock::now() - t0));
        if (*raised) ++alerts;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(o.concurrent_seconds));
  stop = true;
  for (auto& th : threads) th.join();
  const double secs = Ms(SteadyClock::now() - start) / 1000;
  const double cpu = ProcessCpuSeconds() - cpu0;
  Stats all;
  for (auto& s : per_thread) all.ms.insert(all.ms.end(), s.ms.begin(), s.ms.end());
  fmt::print(
      "concurrent writes  {:>10} submissions by {} threads in {:.1f} s: {:.0f}/s, latency p50 {:.2f} ms, "
      "p99 {:.2f} ms, max {:.2f} ms; {:.0f} µs CPU per submission (building the report included); {} "
      "response alerts raised\n",
      all.ms.size(), o.writers, secs, static_cast<double>(all.ms.size()) / secs, all.Pct(0.50), all.Pct(0.99),
      all.Max(), cpu / static_cast<double>(all.ms.size()) * 1e6, alerts.load());
}

// A typical caller of the list: its kind (for the figures) and the keys
// the server lists reports with for its organization.
struct QueryCaller {
  std::string name;
  std::vector<std::string> keys;
};

QueryCaller RandomCaller(Generator& gen, const World& world) {
  switch (gen.Pick(10)) {
    case 0:
    case 1:
      return {"nisc", world.ViewerKeysOf(Org("nisc", 0))};
    case 2:
      return {"ministry", world.ViewerKeysOf(Org("min", gen.Pick(kMinistries)))};
    case 3:
      return {"secretariat", world.ViewerKeysOf(Org("sec", gen.Pick(kCeptoars)))};
    default:
      return {"operator", world.ViewerKeysOf(Org("op", gen.Skewed(kOperators)))};
  }
}

void Queries(Store& store, const Options& o, int64_t max_seq, const World& world) {
  Generator gen(99);
  std::map<std::string, Stats> wall, cpu, wall_by_caller;
  Stats all_wall, all_cpu;
  size_t rows = 0, short_pages = 0;
  const Timestamp newest = FromMicros(kEpochMicros + (max_seq - 1) * kSpacingMicros);
  for (int n = 0; n < o.queries; ++n) {
    const QueryCaller caller = RandomCaller(gen, world);
    ReportQuery q;
    q.grant_keys = caller.keys;
    q.limit = 50;
    std::string shape;
    const int dice = gen.Pick(100);
    if (dice < 25) {
      shape = "newest";
    } else if (dice < 40) {
      shape = "kind";
      q.kind = gen.Kind();
    } else if (dice < 55) {
      shape = "sector";
      q.sector = SectorId(gen.Pick(kSectors));
    } else if (dice < 60) {
      shape = "tlp";
      q.tlp = static_cast<Tlp>(gen.Pick(3));
    } else if (dice < 65) {
      shape = "route+kind";
      q.route = static_cast<Route>(gen.Pick(3));
      q.kind = gen.Kind();
    } else if (dice < 80) {
      shape = "text";
      q.text = kWords[gen.Skewed(static_cast<int>(kWords.size()))];
    } else if (dice < 83) {
      shape = "text-rare";
      q.text = kRareWords[gen.Pick(static_cast<int>(kRareWords.size()))];
    } else if (dice < 90) {
      shape = "updated-6h";
      q.updated_since = newest - std::chrono::hours(6);
    } else if (dice < 95) {
      shape = "created-30d+sector";
      q.created_from = newest - std::chrono::days(30);
      q.sector = SectorId(gen.Pick(kSectors));
    } else {
      shape = "deep-page";
      q.before_seq = max_seq - gen.Pick(static_cast<int>(std::min<int64_t>(max_seq, 500'000)));
    }
    const auto t0 = SteadyClock::now();
    const double cpu0 = ThreadCpuMs();
    size_t got = 0;
    // The store's part of ReportService::List: the page as stored text (the
    // service then decodes only what a row's view needs).
    auto r = store.Read([&](ReadTx& tx) -> Result<void> {
      auto listed = INFRASHARE_TRY(tx.ListReportTexts(q));
      got = listed.size();
      return {};
    });
    const double wall_ms = Ms(SteadyClock::now() - t0);
    const double cpu_ms = ThreadCpuMs() - cpu0;
    if (!r) Fail("list reports", r.error());
    rows += got;
    if (got < 50) ++short_pages;
    wall[shape].ms.push_back(wall_ms);
    cpu[shape].ms.push_back(cpu_ms);
    wall_by_caller[fmt::format("{:<18} {}", shape, caller.name)].ms.push_back(wall_ms);
    all_wall.ms.push_back(wall_ms);
    all_cpu.ms.push_back(cpu_ms);
  }
  fmt::print("\nListReports, page of 50, {} queries ({} rows, {} short pages), load average {:.1f}\n",
             o.queries, rows, short_pages, LoadAverage());
  fmt::print("wall time (what a caller waits) and CPU time of the querying thread (what it costs):\n");
  const auto line = [](std::string_view name, Stats& w, Stats* c) {
    fmt::print("  {:<30} {:>6} {:>9.3f} {:>9.3f} {:>9.3f}", name, w.ms.size(), w.Pct(0.5), w.Pct(0.99),
               w.Max());
    if (c) fmt::print(" {:>9.3f} {:>9.3f}", c->Pct(0.5), c->Pct(0.99));
    fmt::print("\n");
  };
  fmt::print("  {:<30} {:>6} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "shape", "n", "p50 ms", "p99 ms", "max ms",
             "cpu p50", "cpu p99");
  for (auto& [name, s] : wall) line(name, s, &cpu[name]);
  line("ALL", all_wall, &all_cpu);
  fmt::print("\n  wall time by shape and caller:\n");
  for (auto& [name, s] : wall_by_caller) line(name, s, nullptr);
}

int Main(int argc, char** argv) {
  Options o = ParseArgs(argc, argv);
  const bool temp_dir = o.dir.empty();
  if (temp_dir)
    o.dir = (fs::temp_directory_path() / fmt::format("infrashare-store-bench-{}", ::getpid())).string();
  fs::create_directories(o.dir);
  const fs::path db = fs::path(o.dir) / "infrashare.db";
  if (!o.reuse) {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
  }
  fmt::print("store_bench: SQLite backend, {} reports, database {}\n", o.reports, db.string());
  fmt::print("machine: {} hardware threads\n\n", std::thread::hardware_concurrency());

  const World world = World::Make();
  int64_t max_seq = 0;
  {
    auto store = OpenSqliteStore({.path = db.string()});
    if (!store) Fail("open", store.error());
    int64_t existing = 0;
    auto c = (*store)->Read([&](ReadTx& tx) -> Result<void> {
      auto n = INFRASHARE_TRY(sql::Inspect(tx).CountReports());
      existing = n;
      return {};
    });
    if (!c) Fail("count", c.error());
    if (existing < o.reports)
      BulkIngest(**store, o, existing, world);
    else
      fmt::print("bulk ingest        reusing {} reports\n", existing);
    if (o.concurrent_seconds > 0) ConcurrentWrites(**store, o, world);
  }
  // Reopen, as a server restart would, so list figures start from a cold
  // process (the OS page cache stays warm, as on a running server).
  auto store = OpenSqliteStore({.path = db.string()});
  if (!store) Fail("reopen", store.error());
  const auto t0 = SteadyClock::now();
  auto c = (*store)->Read([&](ReadTx& tx) -> Result<void> {
    auto n = INFRASHARE_TRY(sql::Inspect(tx).CountReports());
    max_seq = n;
    return {};
  });
  if (!c) Fail("count", c.error());
  fmt::print("CountReports       {} in {:.1f} ms\n", max_seq, Ms(SteadyClock::now() - t0));
  Queries(**store, o, std::min<int64_t>(max_seq, o.reports), world);
  store->reset();

  fmt::print("\ndatabase size      {:.1f} MiB ({:.0f} bytes/report)\n",
             static_cast<double>(DatabaseBytes(db)) / (1 << 20),
             static_cast<double>(DatabaseBytes(db)) / static_cast<double>(std::max<int64_t>(1, max_seq)));
  fmt::print("peak RSS (VmHWM)   {:.1f} MiB\n", static_cast<double>(PeakRssKb()) / 1024);
  if (temp_dir && !o.keep) fs::remove_all(o.dir);
  return 0;
}

}  // namespace
}  // namespace infrashare

int main(int argc, char** argv) { return infrashare::Main(argc, argv); }
