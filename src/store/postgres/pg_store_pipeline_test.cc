// The PostgreSQL writer's fast way (pg_store.h): a batch pipelined without
// savepoints, its seqs handed out by the batch itself, and run again the
// careful way when any part of it fails — where each write gets its exact
// answer, as if the fast way had not been tried.
//
// Needs a PostgreSQL cluster (env INFRASHARE_TEST_PG), as
// postgres_store_test.cc.
#include <fmt/format.h>

#include <atomic>
#include <functional>
#include <thread>

#include "store/postgres/pg_store.h"
#include "store/postgres/postgres_test_cluster.h"
#include "store/store_test_util.h"

namespace infrashare {
namespace {

using postgres::TestDatabase;
using store_test::At;
using store_test::MakeReport;
using store_test::ReadValue;
using store_test::WriteValue;

class PgPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!db_.ok()) return TestDatabase::SkipOrFail();
    auto store = OpenPostgresStore({.url = db_.url(), .pool_size = 3});
    ASSERT_TRUE(store) << store.error().message;
    store_ = std::move(*store);
  }

  // Runs fn(tx, i) for i in [0, n) as n concurrent Writes that share one
  // batch (a first Write holds the writer until all are queued); answers
  // each Write's result and counts how often each fn ran.
  std::vector<Result<void>> InOneBatch(int n, const std::function<Result<void>(WriteTx&, int)>& fn) {
    std::atomic<bool> release{false};
    std::thread blocker([&] {
      (void)store_->Write([&](WriteTx&) -> Result<void> {
        while (!release.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        return {};
      });
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    runs_ = std::vector<std::atomic<int>>(n);
    std::vector<Result<void>> results(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i)
      threads.emplace_back([&, i] {
        results[i] = store_->Write([&, i](WriteTx& tx) {
          ++runs_[i];
          return fn(tx, i);
        });
      });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    release = true;
    for (auto& t : threads) t.join();
    blocker.join();
    return results;
  }

  TestDatabase db_;
  std::unique_ptr<Store> store_;
  std::vector<std::atomic<int>> runs_;
};

struct Seqs {
  int64_t report = 0;
  int64_t audit = 0;
  int64_t outbox = 0;
};

// One submission as the service writes it; answers the seqs it was given.
Result<Seqs> Submit(WriteTx& tx, const std::string& id) {
  Seqs seqs;
  const Report report = MakeReport({.id = id, .title = "pipelined " + id});
  auto seq = tx.InsertReport(report, {"members"});
  if (!seq) return std::unexpected(seq.error());
  seqs.report = *seq;
  if (auto r = tx.InsertRevision({.report_id = id, .number = 1, .content = report.content, .at = At(0)}); !r)
    return std::unexpected(r.error());
  auto prev = tx.LastAuditHash();
  if (!prev) return std::unexpected(prev.error());
  auto audit = tx.AppendAudit({.at = At(0),
                               .action = "report.submit",
                               .target_id = id,
                               .prev_hash = *prev,
                               .hash = *prev + ">" + id});
  if (!audit) return std::unexpected(audit.error());
  seqs.audit = *audit;
  auto outbox = tx.AppendOutbox({.at = At(0), .type = "report.created", .record_id = id});
  if (!outbox) return std::unexpected(outbox.error());
  seqs.outbox = *outbox;
  return seqs;
}

// Every audit event links to the one before it.
void ExpectOneChain(Store& store) {
  auto events = ReadValue(store, [](ReadTx& tx) { return tx.ListAudit(0, 1000); });
  ASSERT_TRUE(events);
  std::string prev;
  for (const auto& e : *events) {
    EXPECT_EQ(e.prev_hash, prev) << "event " << e.seq;
    prev = e.hash;
  }
}

TEST_F(PgPipelineTest, SeqsHandedOutByTheBatchAreTheStoredOnesAndLaterOnesFollow) {
  constexpr int kWrites = 32;
  std::vector<Seqs> seqs(kWrites);
  auto results = InOneBatch(kWrites, [&](WriteTx& tx, int i) -> Result<void> {
    auto s = Submit(tx, fmt::format("rpt_{:02}", i));
    if (!s) return std::unexpected(s.error());
    seqs[i] = *s;
    return {};
  });
  auto audit = ReadValue(*store_, [](ReadTx& tx) { return tx.ListAudit(0, 1000); });
  auto outbox = ReadValue(*store_, [](ReadTx& tx) { return tx.ListOutbox(0, 1000); });
  ASSERT_TRUE(audit && outbox);
  ASSERT_EQ(audit->size(), size_t(kWrites));
  ASSERT_EQ(outbox->size(), size_t(kWrites));
  for (int i = 0; i < kWrites; ++i) {
    ASSERT_TRUE(results[i]) << i << ": " << results[i].error().message;
    EXPECT_EQ(runs_[i], 1) << i;  // nothing failed: the fast way committed
    const std::string id = fmt::format("rpt_{:02}", i);
    auto report = ReadValue(*store_, [&](ReadTx& tx) { return tx.GetReport("live", id); });
    ASSERT_TRUE(report && *report);
    EXPECT_EQ((*report)->seq, seqs[i].report) << id;
    for (const auto& e : *audit) {
      if (e.target_id == id) {
        EXPECT_EQ(e.seq, seqs[i].audit) << id;
      }
    }
    for (const auto& e : *outbox) {
      if (e.record_id == id) {
        EXPECT_EQ(e.seq, seqs[i].outbox) << id;
      }
    }
  }
  ExpectOneChain(*store_);

  // The sequences moved past the batch's seqs: a later write, also one the
  // careful way takes (a batch of one that fails after writing), follows.
  auto later = WriteValue(*store_, [](WriteTx& tx) { return Submit(tx, "rpt_later"); });
  ASSERT_TRUE(later);
  for (const auto& s : seqs) {
    EXPECT_GT(later->report, s.report);
    EXPECT_GT(later->audit, s.audit);
    EXPECT_GT(later->outbox, s.outbox);
  }
  EXPECT_FALSE(store_->Write([](WriteTx& tx) -> Result<void> {
    if (auto s = Submit(tx, "rpt_given_up"); !s) return std::unexpected(s.error());
    return Conflict("given up");
  }));
  auto last = WriteValue(*store_, [](WriteTx& tx) { return Submit(tx, "rpt_last"); });
  ASSERT_TRUE(last);
  EXPECT_GT(last->report, later->report);
  EXPECT_GT(last->audit, later->audit);
  ExpectOneChain(*store_);
}

TEST_F(PgPipelineTest, ADuplicateInAPipelinedBatchFailsAloneWithItsOwnErrorAndTheOthersCommit) {
  ASSERT_TRUE(store_->Write([](WriteTx& tx) -> Result<void> {
    if (auto s = Submit(tx, "rpt_taken"); !s) return std::unexpected(s.error());
    return {};
  }));
  constexpr int kWrites = 16, kDuplicate = 5;
  auto results = InOneBatch(kWrites, [](WriteTx& tx, int i) -> Result<void> {
    auto s = Submit(tx, i == kDuplicate ? std::string("rpt_taken") : fmt::format("rpt_{:02}", i));
    if (!s) return std::unexpected(s.error());
    return {};
  });
  for (int i = 0; i < kWrites; ++i) {
    if (i == kDuplicate) {
      ASSERT_FALSE(results[i]);
      EXPECT_EQ(results[i].error().code, ErrorCode::kConflict);
      EXPECT_EQ(results[i].error().message, "report 'rpt_taken' already exists");
    } else {
      EXPECT_TRUE(results[i]) << i << ": " << results[i].error().message;
    }
    EXPECT_EQ(runs_[i], 2) << i;  // the fast way failed: every fn ran again
  }
  EXPECT_EQ(*ReadValue(*store_, [](ReadTx& tx) { return tx.CountReports(); }), kWrites);
  auto audit = ReadValue(*store_, [](ReadTx& tx) { return tx.ListAudit(0, 1000); });
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->size(), size_t(kWrites));
  ExpectOneChain(*store_);
}

TEST_F(PgPipelineTest, AStatementFailureAFnIgnoresFailsThatWriteOnly) {
  constexpr int kWrites = 8, kIgnorer = 3;
  auto results = InOneBatch(kWrites, [](WriteTx& tx, int i) -> Result<void> {
    if (i == kIgnorer) (void)tx.SetMeta("bad", "\xff\xfe not UTF-8");  // fails; the fn goes on
    if (auto s = Submit(tx, fmt::format("rpt_{:02}", i)); !s) return std::unexpected(s.error());
    return tx.SetMeta(fmt::format("writer_{}", i), "x");
  });
  for (int i = 0; i < kWrites; ++i) EXPECT_EQ(results[i].has_value(), i != kIgnorer) << i;
  EXPECT_EQ(*ReadValue(*store_, [](ReadTx& tx) { return tx.CountReports(); }), kWrites - 1);
  EXPECT_EQ(*ReadValue(*store_, [](ReadTx& tx) { return tx.GetMeta("bad"); }), std::nullopt);
  EXPECT_EQ(*ReadValue(*store_, [](ReadTx& tx) { return tx.GetMeta("writer_3"); }), std::nullopt);
  EXPECT_EQ(*ReadValue(*store_, [](ReadTx& tx) { return tx.GetMeta("writer_4"); }), "x");
  ExpectOneChain(*store_);
}

TEST_F(PgPipelineTest, AWriteThatFailsBeforeSendingAnythingDoesNotCostTheOthersARun) {
  constexpr int kWrites = 8, kRefused = 2;
  auto results = InOneBatch(kWrites, [](WriteTx& tx, int i) -> Result<void> {
    if (i == kRefused) return Forbidden("not yours");
    if (auto s = Submit(tx, fmt::format("rpt_{:02}", i)); !s) return std::unexpected(s.error());
    return {};
  });
  for (int i = 0; i < kWrites; ++i) {
    EXPECT_EQ(results[i].has_value(), i != kRefused) << i;
    EXPECT_EQ(runs_[i], 1) << i;
  }
  EXPECT_EQ(results[kRefused].error().message, "not yours");
  EXPECT_EQ(*ReadValue(*store_, [](ReadTx& tx) { return tx.CountReports(); }), kWrites - 1);
}

}  // namespace
}  // namespace infrashare
