// The SQLite backend: the shared Store suite (store_test.cc,
// store_report_test.cc) plus what only this backend has — migrations and
// schema versions, a failing disk at commit, damaged rows.
#include "store/sqlite/sqlite_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <atomic>
#include <filesystem>
#include <random>

#include "store/sql/schema.h"
#include "store/store_test_suite.h"
#include "store/store_test_util.h"

namespace infrashare {
namespace {

namespace fs = std::filesystem;
using store_test::MakeReport;
using store_test::ReadValue;
using store_test::TempDir;

// A fresh directory per test, removed afterwards.

class SqliteHarness final : public StoreHarness {
 public:
  explicit SqliteHarness(std::string vfs = {}) : vfs_(std::move(vfs)) {}
  Result<std::unique_ptr<Store>> Open() override {
    return OpenSqliteStore({.path = db_path(), .read_connections = 2, .vfs = vfs_});
  }
  std::string db_path() const { return (dir_.path() / "infrashare.db").string(); }

 private:
  TempDir dir_;
  std::string vfs_;
};

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreTest,
                         ::testing::Values(StoreBackend{"sqlite",
                                                        [] { return std::make_unique<SqliteHarness>(); }}),
                         StoreBackendName);

// Runs SQL on the database file directly, as an operator with the sqlite3
// shell would.
void RawExec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
  EXPECT_EQ(rc, SQLITE_OK) << (message ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

std::string RawValue(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
    out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

TEST(SqliteStore, CreatesAWalDatabaseAtTheLatestSchemaVersion) {
  SqliteHarness h;
  auto store = h.Open();
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(RawValue(h.db_path(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(RawValue(h.db_path(), "SELECT max(version) FROM schema_migrations"),
            std::to_string(sql::LatestSchemaVersion()));
  store->reset();
  // Opening again applies nothing new.
  ASSERT_TRUE(h.Open());
  EXPECT_EQ(RawValue(h.db_path(), "SELECT count(*) FROM schema_migrations"),
            std::to_string(sql::Migrations().size()));
}

TEST(SqliteStore, RefusesADatabaseFromANewerProgram) {
  SqliteHarness h;
  ASSERT_TRUE(h.Open());
  RawExec(h.db_path(), "INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')");
  auto store = h.Open();
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(
      store.error().message,
      fmt::format("the database has schema version 999, but this program knows only up to version {}: it was "
                  "written by a newer infrashare; run that version or restore a backup",
                  sql::LatestSchemaVersion()));
}

TEST(SqliteStore, RejectsBadOptions) {
  auto store = OpenSqliteStore({.path = ""});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().field, "path");
  store = OpenSqliteStore({.path = "/nonexistent-dir/x/infrashare.db"});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(store.error().message.find("/nonexistent-dir/x/infrashare.db"), std::string::npos);
}

TEST(SqliteStore, DamagedRowsAnswerInternalErrors) {
  SqliteHarness h;
  {
    auto store = h.Open();
    ASSERT_TRUE(store);
    store_test::WriteRowsToDamage(**store);
  }
  // alt_1: org_a in a state no program writes; alt_2: org_b's row not on one line.
  RawExec(h.db_path(),
          "UPDATE alert_recipients SET doc = json_set(doc, '$.state', 'lost') "
          "WHERE alert_id = 'alt_1' AND organization = 'org_a';"
          "UPDATE alert_recipients SET doc = '{\"state\":\"queued\",' || char(10) || "
          "'\"organization\":\"org_b\"}' "
          "WHERE alert_id = 'alt_2' AND organization = 'org_b'");
  RawExec(h.db_path(),
          "INSERT INTO reports (id, space, kind, route, tlp, created_at, updated_at, grants, doc) "
          "SELECT 'rpt_2', space, kind, route, tlp, created_at, updated_at, grants, "
          "       json_set(doc, '$.id', 'rpt_2', '$.revision', 'two') FROM reports;"
          "UPDATE reports SET doc = '{not json' WHERE id = 'rpt_1';"
          "UPDATE sectors SET doc = '{\"id\": 5}'");
  auto store = h.Open();
  ASSERT_TRUE(store);
  store_test::ExpectDamagedRows(**store);
  // A member of the wrong type (the JSON library would throw) is caught too.
  auto got = ReadValue(**store, [](ReadTx& tx) { return tx.GetReport(Space::Live(), "rpt_2"); });
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kInternal);
  EXPECT_EQ(got.error().message.rfind("stored report #2 is unreadable: ", 0), 0u) << got.error().message;
}

// ---- A disk that fails fsync on demand: a VFS that wraps the default one.

std::atomic<bool> g_fail_sync{false};

struct FaultyFile {
  sqlite3_file base;
  sqlite3_file* real;  // allocated right after this struct
};

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<FaultyFile*>(f)->real; }

int FaultyClose(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int FaultyRead(sqlite3_file* f, void* p, int n, sqlite3_int64 o) {
  return Real(f)->pMethods->xRead(Real(f), p, n, o);
}
int FaultyWrite(sqlite3_file* f, const void* p, int n, sqlite3_int64 o) {
  return Real(f)->pMethods->xWrite(Real(f), p, n, o);
}
int FaultyTruncate(sqlite3_file* f, sqlite3_int64 s) { return Real(f)->pMethods->xTruncate(Real(f), s); }
int FaultySync(sqlite3_file* f, int flags) {
  if (g_fail_sync) return SQLITE_IOERR_FSYNC;
  return Real(f)->pMethods->xSync(Real(f), flags);
}
int FaultyFileSize(sqlite3_file* f, sqlite3_int64* s) { return Real(f)->pMethods->xFileSize(Real(f), s); }
int FaultyLock(sqlite3_file* f, int l) { return Real(f)->pMethods->xLock(Real(f), l); }
int FaultyUnlock(sqlite3_file* f, int l) { return Real(f)->pMethods->xUnlock(Real(f), l); }
int FaultyCheckReservedLock(sqlite3_file* f, int* r) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), r);
}
int FaultyFileControl(sqlite3_file* f, int op, void* a) {
  return Real(f)->pMethods->xFileControl(Real(f), op, a);
}
int FaultySectorSize(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int FaultyDeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}
int FaultyShmMap(sqlite3_file* f, int i, int sz, int ext, void volatile** p) {
  return Real(f)->pMethods->xShmMap(Real(f), i, sz, ext, p);
}
int FaultyShmLock(sqlite3_file* f, int o, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), o, n, flags);
}
void FaultyShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int FaultyShmUnmap(sqlite3_file* f, int d) { return Real(f)->pMethods->xShmUnmap(Real(f), d); }

const sqlite3_io_methods kFaultyMethods{2,
                                        FaultyClose,
                                        FaultyRead,
                                        FaultyWrite,
                                        FaultyTruncate,
                                        FaultySync,
                                        FaultyFileSize,
                                        FaultyLock,
                                        FaultyUnlock,
                                        FaultyCheckReservedLock,
                                        FaultyFileControl,
                                        FaultySectorSize,
                                        FaultyDeviceCharacteristics,
                                        FaultyShmMap,
                                        FaultyShmLock,
                                        FaultyShmBarrier,
                                        FaultyShmUnmap,
                                        nullptr,
                                        nullptr};

sqlite3_vfs g_faulty_vfs;

int FaultyOpen(sqlite3_vfs* vfs, const char* name, sqlite3_file* f, int flags, int* out_flags) {
  auto* real_vfs = static_cast<sqlite3_vfs*>(vfs->pAppData);
  auto* ff = reinterpret_cast<FaultyFile*>(f);
  ff->real = reinterpret_cast<sqlite3_file*>(ff + 1);
  const int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out_flags);
  ff->base.pMethods = (rc == SQLITE_OK && ff->real->pMethods) ? &kFaultyMethods : nullptr;
  return rc;
}

void RegisterFaultyVfs() {
  static bool done = [] {
    sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
    g_faulty_vfs = *real;
    g_faulty_vfs.zName = "infrashare-faulty";
    g_faulty_vfs.szOsFile = static_cast<int>(sizeof(FaultyFile)) + real->szOsFile;
    g_faulty_vfs.pAppData = real;
    g_faulty_vfs.xOpen = FaultyOpen;
    g_faulty_vfs.pNext = nullptr;
    return sqlite3_vfs_register(&g_faulty_vfs, 0) == SQLITE_OK;
  }();
  ASSERT_TRUE(done);
}

TEST(SqliteStore, FailedCommitFailsTheWholeBatchAndKeepsNothing) {
  RegisterFaultyVfs();
  SqliteHarness h("infrashare-faulty");
  auto store = h.Open();
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->Write([](WriteTx& tx) { return tx.SetMeta("before", "kept"); }));

  g_fail_sync = true;
  auto failed = (*store)->Write([](WriteTx& tx) -> Result<void> {
    INFRASHARE_TRY(tx.InsertReport(MakeReport({.id = "rpt_lost"}), {"members"}));
    return tx.SetMeta("during", "lost");
  });
  g_fail_sync = false;
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(failed.error().message,
            "the database failed to commit the transaction; nothing was written, retry");

  auto during = ReadValue(**store, [](ReadTx& tx) { return tx.GetMeta("during"); });
  ASSERT_TRUE(during);
  EXPECT_FALSE(during->has_value());
  EXPECT_FALSE(
      ReadValue(**store, [](ReadTx& tx) { return tx.GetReport(Space::Live(), "rpt_lost"); })->has_value());

  // The store goes on working, and the failed batch stays gone after a reopen.
  ASSERT_TRUE((*store)->Write([](WriteTx& tx) { return tx.SetMeta("after", "kept"); }));
  store->reset();
  store = h.Open();
  ASSERT_TRUE(store);
  EXPECT_TRUE(ReadValue(**store, [](ReadTx& tx) { return tx.GetMeta("before"); })->has_value());
  EXPECT_TRUE(ReadValue(**store, [](ReadTx& tx) { return tx.GetMeta("after"); })->has_value());
  EXPECT_FALSE(ReadValue(**store, [](ReadTx& tx) { return tx.GetMeta("during"); })->has_value());
  EXPECT_EQ(*ReadValue(**store, [](ReadTx& tx) { return sql::Inspect(tx).CountReports(); }), 0);
}

}  // namespace
}  // namespace infrashare

namespace infrashare {
namespace {

// Another process on the same file stands in as a second store: its writer
// tells only its own listeners, so a wake-up here comes from its commit bell.
TEST(SqliteStore, AnotherWritersOutboxCommitWakesTheListener) {
  SqliteHarness h;
  auto listening = h.Open();
  auto writing = OpenSqliteStore({.path = h.db_path(), .read_connections = 1});
  ASSERT_TRUE(listening && writing);
  store_test::WakeCounter wakes;
  OutboxSubscription subscription = (*listening)->OnOutboxAppended(wakes.Listener());
  // A write without outbox events rings no bell.
  ASSERT_TRUE((*writing)->Write([](WriteTx& tx) { return tx.SetMeta("k", "v"); }));
  EXPECT_FALSE(wakes.WaitAbove(0, std::chrono::milliseconds(300)));
  for (int i = 0; i < 3; ++i) {
    const int before = wakes.count();
    auto w = store_test::WriteValue(**writing, [&](WriteTx& tx) {
      return tx.AppendOutbox(
          {.at = store_test::At(i), .type = "report.created", .record_id = fmt::format("rpt_{}", i)});
    });
    ASSERT_TRUE(w) << w.error().message;
    EXPECT_TRUE(wakes.WaitAbove(before, std::chrono::seconds(2)))
        << "no wake-up from the other writer, round " << i;
    // And the commit is there to be read.
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    auto newest = store_test::ReadValue(**listening, [](ReadTx& tx) { return tx.NewestOutboxSeq(); });
    ASSERT_TRUE(newest);
    EXPECT_EQ(*newest, i + 1);
  }
  subscription.Reset();
  const int ended = wakes.count();
  ASSERT_TRUE(store_test::WriteValue(**writing, [](WriteTx& tx) {
    return tx.AppendOutbox({.at = store_test::At(9), .type = "report.updated", .record_id = "rpt_0"});
  }));
  EXPECT_FALSE(wakes.WaitAbove(ended, std::chrono::milliseconds(300)));
}

}  // namespace
}  // namespace infrashare
