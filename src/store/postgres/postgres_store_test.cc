// The PostgreSQL backend: the shared Store suite (store_test.cc,
// store_report_test.cc) plus what only this backend has — migrations and
// schema versions, connection loss, several stores (processes) on one
// database, damaged rows.
//
// The tests need a PostgreSQL cluster: env INFRASHARE_TEST_PG is its URL
// (scripts/pg-test-cluster.sh starts one; scripts/test.sh does it for
// ctest). Every test gets a database of its own (CREATE DATABASE t_<random>,
// dropped at the end). Without INFRASHARE_TEST_PG the tests are skipped —
// or fail, when env CI is set, so that CI never passes without them.
#include <fmt/format.h>
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "store/audit_chain.h"
#include "store/open_store.h"
#include "store/postgres/pg_migrations.h"
#include "store/postgres/pg_store.h"
#include "store/postgres/postgres_test_cluster.h"
#include "store/sql/schema.h"
#include "store/store_test_suite.h"
#include "store/store_test_util.h"

namespace infrashare {
namespace {

using postgres::TestDatabase;
using store_test::MakeReport;
using store_test::ReadValue;
using store_test::WriteValue;

class PostgresHarness final : public StoreHarness {
 public:
  Result<std::unique_ptr<Store>> Open() override {
    if (!database_.ok()) {
      TestDatabase::SkipOrFail();
      return std::unique_ptr<Store>();  // the test is skipped (or has failed): its body does not run
    }
    return OpenPostgresStore({.url = database_.url(), .pool_size = 3});
  }

 private:
  TestDatabase database_;
};

INSTANTIATE_TEST_SUITE_P(Postgres, StoreTest,
                         ::testing::Values(StoreBackend{"postgres",
                                                        [] { return std::make_unique<PostgresHarness>(); }}),
                         StoreBackendName);

// A test of this file: a database of its own, skipped without a cluster.
class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!db_.ok()) TestDatabase::SkipOrFail();
  }
  Result<std::unique_ptr<Store>> Open(int pool_size = 3) {
    return OpenPostgresStore({.url = db_.url(), .pool_size = pool_size});
  }
  TestDatabase db_;
};

TEST_F(PostgresStoreTest, CreatesTheSchemaAtTheLatestVersion) {
  auto store = Open();
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(db_.Value("SELECT max(version) FROM schema_migrations"),
            std::to_string(sql::LatestSchemaVersion()));
  store->reset();
  // Opening again applies nothing new.
  ASSERT_TRUE(Open());
  EXPECT_EQ(db_.Value("SELECT count(*) FROM schema_migrations"), std::to_string(sql::Migrations().size()));
}

TEST_F(PostgresStoreTest, SeveralProcessesOpeningAtOnceMigrateOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> opened{0};
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      auto store = Open(2);
      EXPECT_TRUE(store) << store.error().message;
      if (store) ++opened;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(opened.load(), 4);
  EXPECT_EQ(db_.Value("SELECT count(*) FROM schema_migrations"), std::to_string(sql::Migrations().size()));
}

TEST_F(PostgresStoreTest, RefusesADatabaseFromANewerProgram) {
  ASSERT_TRUE(Open());
  db_.Exec("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')");
  auto store = Open();
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(
      store.error().message,
      fmt::format("the database has schema version 999, but this program knows only up to version {}: it was "
                  "written by a newer infrashare; run that version or restore a backup",
                  sql::LatestSchemaVersion()));
}

TEST_F(PostgresStoreTest, WithoutCreateADatabaseWithoutTheSchemaIsRefused) {
  auto store = OpenPostgresStore({.url = db_.url(), .create = false});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().field, "database");
  EXPECT_NE(
      store.error().message.find("has no infrashare schema; run `infrashare init --database URL` first"),
      std::string::npos)
      << store.error().message;
  EXPECT_EQ(db_.Value("SELECT to_regclass('schema_migrations') IS NULL"), "t");  // left as it was
  ASSERT_TRUE(Open());
  EXPECT_TRUE(OpenStore(db_.url(), {.create = false, .pool_size = 2}));
}

// SQLite -> PostgreSQL -> SQLite keeps every row (infrashare migrate).
TEST_F(PostgresStoreTest, ExportFromSqliteImportsIntoPostgresAndBack) {
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("infrashare-pg-dump-{}", ::getpid());
  std::filesystem::remove_all(dir);
  auto export_all = [](Store& store) {
    std::vector<std::pair<std::string, Json>> rows;
    auto r = store.Read([&](ReadTx& tx) {
      return tx.ExportRows([&](std::string_view table, const Json& row) -> Result<void> {
        rows.emplace_back(std::string(table), row);
        return {};
      });
    });
    EXPECT_TRUE(r) << r.error().message;
    return rows;
  };
  auto import_all = [](Store& store, const std::vector<std::pair<std::string, Json>>& rows) {
    return store.Write([&](WriteTx& tx) -> Result<void> {
      for (const auto& [table, row] : rows)
        if (auto r = tx.ImportRow(table, row); !r) return r;
      return {};
    });
  };
  {
    auto sqlite = OpenStore(dir.string(), {.create = true});
    ASSERT_TRUE(sqlite) << sqlite.error().message;
    ASSERT_TRUE((*sqlite)->Write([](WriteTx& tx) -> Result<void> {
      if (auto r = tx.UpsertSector({"gas", "ガス", "Gas", "org_meti"}); !r) return r;
      if (auto r = tx.InsertPrincipal({"prn_a", "org_x", "A", {Role::kAdmin}, store_test::At(1)}); !r)
        return r;
      for (int i = 0; i < 30; ++i) {
        INFRASHARE_TRY(tx.InsertReport(MakeReport({.id = fmt::format("rpt_{}", i), .title = "停電 Café"}),
                                       {"members", fmt::format("org:o{}", i % 3)}));
      }
      if (auto a = tx.AppendAudit({.action = "a", .detail = Json{{"x", "停電"}}}); !a) return a;
      // The hotline's rows, with recipients whose ids sort apart from their order.
      Alert alert{.id = "alt_1", .title = "警報", .created_at = store_test::At(2)};
      for (const char* org : {"org_z", "org_a"})
        alert.recipients.push_back(
            {.organization = org, .deadline = store_test::At(60), .queued_at = store_test::At(2)});
      INFRASHARE_TRY(tx.InsertAlert(alert));
      if (auto w =
              tx.InsertWebhook({.id = "whk_1", .organization = "org_a", .url = "https://x", .secret = "k"});
          !w)
        return w;
      if (auto d = tx.InsertWebhookDelivery({.webhook_id = "whk_1", .event_seq = 1, .body = "{\"停電\":1}"});
          !d)
        return std::unexpected(d.error());
      if (auto o = tx.AppendOutbox({.type = "alert.raised", .record_id = "alt_1", .subject = "org_z"}); !o)
        return o;
      return tx.SetMeta("k", "v");
    }));
    const auto from_sqlite = export_all(**sqlite);
    auto pg = Open();
    ASSERT_TRUE(pg) << pg.error().message;
    ASSERT_TRUE(import_all(**pg, from_sqlite));
    const auto from_pg = export_all(**pg);
    EXPECT_EQ(from_pg, from_sqlite);
    ReportQuery q;
    q.grant_keys = {"org:o1"};
    q.text = "cafe 停電";
    EXPECT_EQ(ReadValue(**pg, [&](ReadTx& tx) { return sql::Inspect(tx).ListReports(q); })->size(), 10u);

    auto back = OpenStore((dir / "back").string(), {.create = true});
    ASSERT_TRUE(back) << back.error().message;
    ASSERT_TRUE(import_all(**back, from_pg));
    EXPECT_EQ(export_all(**back), from_sqlite);
  }
  std::filesystem::remove_all(dir);
}

TEST(PostgresStoreOptions, RejectsBadOptions) {
  auto store = OpenPostgresStore({.url = ""});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().field, "url");
  store = OpenPostgresStore({.url = "postgresql://127.0.0.1:1/none", .pool_size = 1});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().field, "pool_size");
  // Nobody listens on port 1.
  store = OpenPostgresStore({.url = "postgresql://nobody@127.0.0.1:1/none"});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().message.rfind("cannot connect to PostgreSQL: ", 0), 0u) << store.error().message;
  EXPECT_TRUE(IsPostgresUrl("postgresql://db/x"));
  EXPECT_TRUE(IsPostgresUrl("postgres://db/x"));
  EXPECT_FALSE(IsPostgresUrl("./data"));
}

TEST_F(PostgresStoreTest, DamagedRowsAnswerInternalErrors) {
  auto store = Open();
  ASSERT_TRUE(store) << store.error().message;
  store_test::WriteRowsToDamage(**store);
  db_.Exec("UPDATE reports SET doc = '{not json' WHERE id = 'rpt_1'; UPDATE sectors SET doc = '{\"id\": 5}'");
  // alt_1: org_a in a state no program writes; alt_2: org_b's row not on one line.
  db_.Exec(
      "UPDATE alert_recipients SET doc = jsonb_set(doc::jsonb, '{state}', '\"lost\"')::text "
      "WHERE alert_id = 'alt_1' AND organization = 'org_a';"
      "UPDATE alert_recipients SET doc = E'{\"state\":\"queued\",\\n\"organization\":\"org_b\"}' "
      "WHERE alert_id = 'alt_2' AND organization = 'org_b'");
  store_test::ExpectDamagedRows(**store);
}

TEST_F(PostgresStoreTest, TextWithNulIsRefusedNotCut) {
  auto store = Open();
  ASSERT_TRUE(store);
  auto r = (*store)->Write([](WriteTx& tx) { return tx.SetMeta("k", std::string("a\0b", 3)); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().message, "set meta: text must not contain NUL characters");
  EXPECT_TRUE((*store)->Write([](WriteTx& tx) { return tx.SetMeta("k", "after"); }));
}

// The server ends every connection of the database while a write and a
// read are in flight: both fail with kUnavailable, the write leaves nothing,
// and the next calls work again without reopening the store.
TEST_F(PostgresStoreTest, ConnectionLossFailsInFlightCallsAndRecovers) {
  auto opened = Open();
  ASSERT_TRUE(opened) << opened.error().message;
  Store& store = **opened;
  ASSERT_TRUE(store.Write([](WriteTx& tx) { return tx.SetMeta("before", "kept"); }));
  ASSERT_TRUE(ReadValue(store, [](ReadTx& tx) { return tx.GetMeta("before"); }));

  std::atomic<bool> in_write{false}, in_read{false}, cut{false};
  Result<void> write_result, read_result;
  std::thread writer([&] {
    write_result = store.Write([&](WriteTx& tx) -> Result<void> {
      if (auto m = tx.SetMeta("during", "lost"); !m) return m;
      in_write = true;
      while (!cut) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      return tx.SetMeta("during2", "lost");
    });
  });
  std::thread reader([&] {
    read_result = store.Read([&](ReadTx& tx) -> Result<void> {
      INFRASHARE_TRY(tx.GetMeta("before"));
      in_read = true;
      while (!cut) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      INFRASHARE_TRY(tx.GetMeta("before"));
      return {};
    });
  });
  while (!in_write || !in_read) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  db_.TerminateConnections();
  cut = true;
  writer.join();
  reader.join();
  ASSERT_FALSE(write_result);
  EXPECT_EQ(write_result.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(write_result.error().message, "database unavailable; retry");
  ASSERT_FALSE(read_result);
  EXPECT_EQ(read_result.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(read_result.error().message, "database unavailable; retry");

  // Recovered: new connections, nothing of the lost write.
  EXPECT_TRUE(store.Write([](WriteTx& tx) { return tx.SetMeta("after", "kept"); }));
  auto during = ReadValue(store, [](ReadTx& tx) { return tx.GetMeta("during"); });
  ASSERT_TRUE(during) << during.error().message;
  EXPECT_FALSE(during->has_value());
  EXPECT_EQ(**ReadValue(store, [](ReadTx& tx) { return tx.GetMeta("after"); }), "kept");

  // Idle pooled connections that died are replaced without failing a call.
  db_.TerminateConnections();
  EXPECT_TRUE(ReadValue(store, [](ReadTx& tx) { return tx.GetMeta("after"); }));
  EXPECT_TRUE(store.Write([](WriteTx& tx) { return tx.SetMeta("after2", "kept"); }));
}

// Two stores on one database stand for two server processes, each with
// concurrent writes (batches whose events wait for the log lock to the end,
// and some that read the logs and take it early): the audit chain keeps one
// order (each event links to the one committed before it), and the outbox's
// seq order is its commit order — a reader polling it beside the writers
// never finds an event below one it has already seen.
TEST_F(PostgresStoreTest, TwoProcessesKeepOneAuditChainAndTheOutboxInCommitOrder) {
  auto a = Open(2), b = Open(2);
  ASSERT_TRUE(a && b);
  constexpr int kThreadsPerStore = 8, kEventsPerThread = 25;
  std::atomic<bool> writing{true};
  std::vector<std::string> order_errors;
  int polls = 0;
  std::thread reader([&] {
    std::set<int64_t> seen;
    int64_t high = 0;
    while (writing.load() || polls == 0) {
      auto events = ReadValue(**b, [](ReadTx& tx) { return tx.ListOutbox(0, 10000); });
      ASSERT_TRUE(events) << events.error().message;
      ++polls;
      for (const auto& e : *events) {
        if (e.seq < high && !seen.contains(e.seq))
          order_errors.push_back(fmt::format("seq {} appeared after seq {} had been seen", e.seq, high));
        seen.insert(e.seq);
      }
      if (!events->empty()) high = std::max(high, events->back().seq);
    }
  });
  std::vector<std::thread> threads;
  for (Store* store : {a->get(), b->get()})
    for (int t = 0; t < kThreadsPerStore; ++t)
      threads.emplace_back([store, t] {
        for (int i = 0; i < kEventsPerThread; ++i) {
          auto w = store->Write([&](WriteTx& tx) -> Result<void> {
            const std::string id = fmt::format("{}-{}", t, i);
            if (i % 5 == 4) {  // reads the logs: takes the log lock at once
              INFRASHARE_TRY(tx.NewestOutboxSeq());
            }
            if (auto s = tx.AppendAudit({.at = store_test::At(i), .action = "test.append", .target_id = id});
                !s)
              return s;
            return tx.AppendOutbox({.at = store_test::At(i), .type = "test", .record_id = id});
          });
          ASSERT_TRUE(w) << w.error().message;
        }
      });
  for (auto& t : threads) t.join();
  writing = false;
  reader.join();
  EXPECT_GT(polls, 1);
  EXPECT_TRUE(order_errors.empty()) << order_errors.front();

  auto events = ReadValue(**a, [](ReadTx& tx) { return tx.ListAudit(0, 10000); });
  ASSERT_TRUE(events);
  ASSERT_EQ(events->size(), size_t(2 * kThreadsPerStore * kEventsPerThread));
  std::string prev;
  for (const auto& e : *events) {
    ASSERT_EQ(e.prev_hash, prev) << "event " << e.seq;
    ASSERT_EQ(e.hash, AuditHash(e)) << "event " << e.seq;
    prev = e.hash;
  }
  auto outbox = ReadValue(**b, [](ReadTx& tx) { return tx.ListOutbox(0, 10000); });
  ASSERT_TRUE(outbox);
  ASSERT_EQ(outbox->size(), events->size());
  // Each write's audit event and outbox event are in the same place of their logs.
  for (size_t i = 0; i < events->size(); ++i) EXPECT_EQ((*outbox)[i].record_id, (*events)[i].target_id);
}

// The outbox wake-up between processes: a commit of one store that appended
// outbox events reaches the listener of another by LISTEN/NOTIFY, also after
// the listener's connection was cut (it reconnects).
TEST_F(PostgresStoreTest, AnotherProcessesOutboxCommitWakesTheListener) {
  auto listening = Open(2), writing = Open(2);
  ASSERT_TRUE(listening && writing);
  store_test::WakeCounter wakes;
  OutboxSubscription subscription = (*listening)->OnOutboxAppended(wakes.Listener());
  auto append = [&](const std::string& id) {
    auto w = WriteValue(**writing, [&](WriteTx& tx) {
      return tx.AppendOutbox({.at = store_test::At(1), .type = "report.created", .record_id = id});
    });
    ASSERT_TRUE(w) << w.error().message;
  };
  // The listener calls once when it has connected (whatever it missed).
  ASSERT_TRUE(wakes.WaitAbove(0, std::chrono::seconds(5))) << "the listener never connected";
  const int connected = wakes.count();
  // A write without outbox events notifies nobody.
  ASSERT_TRUE((*writing)->Write([](WriteTx& tx) { return tx.SetMeta("k", "v"); }));
  EXPECT_FALSE(wakes.WaitAbove(connected, std::chrono::milliseconds(300)));
  append("rpt_1");
  EXPECT_TRUE(wakes.WaitAbove(connected, std::chrono::seconds(2))) << "no wake-up from the other store";

  db_.TerminateConnections();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // the listener is back (backoff 250 ms)
  const int reconnected = wakes.count();
  append("rpt_2");
  EXPECT_TRUE(wakes.WaitAbove(reconnected, std::chrono::seconds(2))) << "no wake-up after the reconnection";
}

}  // namespace
}  // namespace infrashare
