// The PostgreSQL writer's fast way (pg_store.h): a batch pipelined without
// savepoints, its report seqs reserved as it begins, its audit and outbox
// events appended at its end under the log lock (or as soon as a write reads
// the logs), and run again the careful way when any part of it fails —
// where each write gets its exact answer, as if the fast way had not been
// tried.
//
// Needs a PostgreSQL cluster (env INFRASHARE_TEST_PG), as
// postgres_store_test.cc.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>

#include "store/audit_chain.h"
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

// One submission as the service writes it; answers the report's seq.
Result<int64_t> Submit(WriteTx& tx, const std::string& id) {
  const Report report = MakeReport({.id = id, .title = "pipelined " + id});
  auto seq = INFRASHARE_TRY(tx.InsertReport(report, {"members"}));
  if (auto r = tx.InsertRevision({.report_id = id, .number = 1, .content = report.content, .at = At(0)}); !r)
    return std::unexpected(r.error());
  if (auto a = tx.AppendAudit({.at = At(0), .action = "report.submit", .target_id = id}); !a)
    return std::unexpected(a.error());
  if (auto o = tx.AppendOutbox({.at = At(0), .type = "report.created", .record_id = id}); !o)
    return std::unexpected(o.error());
  return seq;
}

// Every audit event links to the one before it, with its own hash.
void ExpectOneChain(Store& store) {
  auto events = ReadValue(store, [](ReadTx& tx) { return tx.ListAudit(0, 1000); });
  ASSERT_TRUE(events);
  std::string prev;
  for (const auto& e : *events) {
    EXPECT_EQ(e.prev_hash, prev) << "event " << e.seq;
    EXPECT_EQ(e.hash, AuditHash(e)) << "event " << e.seq;
    prev = e.hash;
  }
}

// The target ids of the audit events, in seq order, and likewise the record
// ids of the outbox events.
std::vector<std::string> AuditTargets(Store& store) {
  std::vector<std::string> out;
  const auto events = ReadValue(store, [](ReadTx& tx) { return tx.ListAudit(0, 1000); });
  for (const auto& e : *events) out.push_back(e.target_id);
  return out;
}
std::vector<std::string> OutboxRecords(Store& store) {
  std::vector<std::string> out;
  const auto events = ReadValue(store, [](ReadTx& tx) { return tx.ListOutbox(0, 1000); });
  for (const auto& e : *events) out.push_back(e.record_id);
  return out;
}

TEST_F(PgPipelineTest, ReportSeqsReservedByTheBatchAreTheStoredOnesAndLaterOnesFollow) {
  constexpr int kWrites = 32;
  std::vector<int64_t> seqs(kWrites);
  auto results = InOneBatch(kWrites, [&](WriteTx& tx, int i) -> Result<void> {
    auto s = INFRASHARE_TRY(Submit(tx, fmt::format("rpt_{:02}", i)));
    seqs[i] = s;
    return {};
  });
  EXPECT_EQ(AuditTargets(*store_).size(), size_t(kWrites));
  EXPECT_EQ(OutboxRecords(*store_).size(), size_t(kWrites));
  for (int i = 0; i < kWrites; ++i) {
    ASSERT_TRUE(results[i]) << i << ": " << results[i].error().message;
    EXPECT_EQ(runs_[i], 1) << i;  // nothing failed: the fast way committed
    const std::string id = fmt::format("rpt_{:02}", i);
    auto report = ReadValue(*store_, [&](ReadTx& tx) { return tx.GetReport(Space::Live(), id); });
    ASSERT_TRUE(report && *report);
    EXPECT_EQ((*report)->seq, seqs[i]) << id;
  }
  ExpectOneChain(*store_);
  // The audit and the outbox events of each write are in the same place.
  EXPECT_EQ(AuditTargets(*store_), OutboxRecords(*store_));

  // A later write, also one the careful way takes (a batch of one that fails
  // after writing), follows.
  auto later = WriteValue(*store_, [](WriteTx& tx) { return Submit(tx, "rpt_later"); });
  ASSERT_TRUE(later);
  for (int64_t s : seqs) EXPECT_GT(*later, s);
  EXPECT_FALSE(store_->Write([](WriteTx& tx) -> Result<void> {
    INFRASHARE_TRY(Submit(tx, "rpt_given_up"));
    return Conflict("given up");
  }));
  auto last = WriteValue(*store_, [](WriteTx& tx) { return Submit(tx, "rpt_last"); });
  ASSERT_TRUE(last);
  EXPECT_GT(*last, *later);
  ExpectOneChain(*store_);
  auto targets = AuditTargets(*store_);
  EXPECT_EQ(targets.back(), "rpt_last");
  EXPECT_EQ(std::count(targets.begin(), targets.end(), "rpt_given_up"), 0);
}

// More reports than the batch reserved seqs for (a write inserting several):
// it reserves more and goes on the fast way.
TEST_F(PgPipelineTest, ABatchThatRunsOutOfReservedReportSeqsReservesMore) {
  constexpr int kWrites = 4, kReportsEach = 5;
  auto results = InOneBatch(kWrites, [&](WriteTx& tx, int i) -> Result<void> {
    for (int r = 0; r < kReportsEach; ++r) INFRASHARE_TRY(Submit(tx, fmt::format("rpt_{}_{}", i, r)));
    return {};
  });
  for (int i = 0; i < kWrites; ++i) {
    ASSERT_TRUE(results[i]) << i << ": " << results[i].error().message;
    EXPECT_EQ(runs_[i], 1) << i;
  }
  EXPECT_EQ(*ReadValue(*store_, [](ReadTx& tx) { return sql::Inspect(tx).CountReports(); }),
            kWrites * kReportsEach);
  ExpectOneChain(*store_);
}

// A write that reads the logs in a fast batch sees the events the writes
// before it appended (their events are appended at that point, under the
// log lock), and nobody else appends before the batch commits.
TEST_F(PgPipelineTest, AWriteThatReadsTheLogsSeesWhatTheWritesBeforeItAppended) {
  ASSERT_TRUE(WriteValue(*store_, [](WriteTx& tx) { return Submit(tx, "rpt_before"); }));
  constexpr int kWrites = 12, kReader = 7;
  int64_t newest = 0;
  std::vector<std::string> outbox_seen, audit_seen;
  std::string head_seen;
  auto results = InOneBatch(kWrites, [&](WriteTx& tx, int i) -> Result<void> {
    INFRASHARE_TRY(Submit(tx, fmt::format("rpt_{:02}", i)));
    if (i != kReader) return {};
    auto n = INFRASHARE_TRY(tx.NewestOutboxSeq());
    newest = n;
    auto events = INFRASHARE_TRY(tx.ListOutbox(0, 1000));
    outbox_seen.clear();
    for (const auto& e : events) outbox_seen.push_back(e.record_id);
    auto audit = INFRASHARE_TRY(tx.ListAudit(0, 1000));
    audit_seen.clear();
    for (const auto& e : audit) audit_seen.push_back(e.target_id);
    auto head = INFRASHARE_TRY(tx.LastAuditHash());
    head_seen = head;
    return {};
  });
  for (int i = 0; i < kWrites; ++i) {
    ASSERT_TRUE(results[i]) << i << ": " << results[i].error().message;
    EXPECT_EQ(runs_[i], 1) << i;
  }
  const auto outbox = ReadValue(*store_, [](ReadTx& tx) { return tx.ListOutbox(0, 1000); });
  ASSERT_TRUE(outbox);
  ASSERT_EQ(outbox->size(), size_t(kWrites + 1));
  // The reader saw a prefix of the log as committed, ending with its own event.
  ASSERT_GE(outbox_seen.size(), 2u);
  EXPECT_EQ(outbox_seen.front(), "rpt_before");
  EXPECT_EQ(outbox_seen.back(), fmt::format("rpt_{:02}", kReader));
  for (size_t i = 0; i < outbox->size(); ++i) {
    if (i < outbox_seen.size()) {
      EXPECT_EQ((*outbox)[i].record_id, outbox_seen[i]) << i;
      EXPECT_LE((*outbox)[i].seq, newest) << i;
    } else {
      EXPECT_GT((*outbox)[i].seq, newest) << i;
    }
  }
  EXPECT_EQ(outbox_seen.back(), outbox->at(outbox_seen.size() - 1).record_id);
  EXPECT_EQ(newest, outbox->at(outbox_seen.size() - 1).seq);
  EXPECT_EQ(audit_seen, std::vector<std::string>(outbox_seen.begin(), outbox_seen.end()));
  const auto audit = ReadValue(*store_, [](ReadTx& tx) { return tx.ListAudit(0, 1000); });
  ASSERT_TRUE(audit);
  EXPECT_EQ(head_seen, audit->at(audit_seen.size() - 1).hash);
  ExpectOneChain(*store_);
  EXPECT_EQ(AuditTargets(*store_), OutboxRecords(*store_));
}

// A write that fails after appending to the logs, before it sent anything,
// in a fast batch: its kept events are forgotten, the others' are written.
TEST_F(PgPipelineTest, AFailingWriteInAFastBatchLeavesNoEventsAndTheOthersCommit) {
  constexpr int kWrites = 8, kFailing = 3;
  auto results = InOneBatch(kWrites, [](WriteTx& tx, int i) -> Result<void> {
    const std::string id = fmt::format("evt_{}", i);
    if (auto a = tx.AppendAudit({.at = At(i), .action = "test.append", .target_id = id}); !a) return a;
    if (auto o = tx.AppendOutbox({.at = At(i), .type = "test", .record_id = id}); !o) return o;
    if (i == kFailing) return Forbidden("not after all");
    return {};
  });
  for (int i = 0; i < kWrites; ++i) {
    EXPECT_EQ(results[i].has_value(), i != kFailing) << i;
    EXPECT_EQ(runs_[i], 1) << i;  // the fast way committed the others
  }
  EXPECT_EQ(results[kFailing].error().message, "not after all");
  auto targets = AuditTargets(*store_);
  EXPECT_EQ(targets.size(), size_t(kWrites - 1));
  EXPECT_EQ(std::count(targets.begin(), targets.end(), fmt::format("evt_{}", kFailing)), 0);
  EXPECT_EQ(targets, OutboxRecords(*store_));
  ExpectOneChain(*store_);
}

TEST_F(PgPipelineTest, ADuplicateInAPipelinedBatchFailsAloneWithItsOwnErrorAndTheOthersCommit) {
  ASSERT_TRUE(store_->Write([](WriteTx& tx) -> Result<void> {
    INFRASHARE_TRY(Submit(tx, "rpt_taken"));
    return {};
  }));
  constexpr int kWrites = 16, kDuplicate = 5;
  auto results = InOneBatch(kWrites, [](WriteTx& tx, int i) -> Result<void> {
    INFRASHARE_TRY(Submit(tx, i == kDuplicate ? std::string("rpt_taken") : fmt::format("rpt_{:02}", i)));
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
  EXPECT_EQ(*ReadValue(*store_, [](ReadTx& tx) { return sql::Inspect(tx).CountReports(); }), kWrites);
  auto audit = ReadValue(*store_, [](ReadTx& tx) { return tx.ListAudit(0, 1000); });
  ASSERT_TRUE(audit);
  EXPECT_EQ(audit->size(), size_t(kWrites));
  ExpectOneChain(*store_);
}

TEST_F(PgPipelineTest, AStatementFailureAFnIgnoresFailsThatWriteOnly) {
  constexpr int kWrites = 8, kIgnorer = 3;
  auto results = InOneBatch(kWrites, [](WriteTx& tx, int i) -> Result<void> {
    if (i == kIgnorer) (void)tx.SetMeta("bad", "\xff\xfe not UTF-8");  // fails; the fn goes on
    INFRASHARE_TRY(Submit(tx, fmt::format("rpt_{:02}", i)));
    return tx.SetMeta(fmt::format("writer_{}", i), "x");
  });
  for (int i = 0; i < kWrites; ++i) EXPECT_EQ(results[i].has_value(), i != kIgnorer) << i;
  EXPECT_EQ(*ReadValue(*store_, [](ReadTx& tx) { return sql::Inspect(tx).CountReports(); }), kWrites - 1);
  EXPECT_EQ(*ReadValue(*store_, [](ReadTx& tx) { return tx.GetMeta("bad"); }), std::nullopt);
  EXPECT_EQ(*ReadValue(*store_, [](ReadTx& tx) { return tx.GetMeta("writer_3"); }), std::nullopt);
  EXPECT_EQ(*ReadValue(*store_, [](ReadTx& tx) { return tx.GetMeta("writer_4"); }), "x");
  ExpectOneChain(*store_);
}

TEST_F(PgPipelineTest, AWriteThatFailsBeforeSendingAnythingDoesNotCostTheOthersARun) {
  constexpr int kWrites = 8, kRefused = 2;
  auto results = InOneBatch(kWrites, [](WriteTx& tx, int i) -> Result<void> {
    if (i == kRefused) return Forbidden("not yours");
    INFRASHARE_TRY(Submit(tx, fmt::format("rpt_{:02}", i)));
    return {};
  });
  for (int i = 0; i < kWrites; ++i) {
    EXPECT_EQ(results[i].has_value(), i != kRefused) << i;
    EXPECT_EQ(runs_[i], 1) << i;
  }
  EXPECT_EQ(results[kRefused].error().message, "not yours");
  EXPECT_EQ(*ReadValue(*store_, [](ReadTx& tx) { return sql::Inspect(tx).CountReports(); }), kWrites - 1);
}

}  // namespace
}  // namespace infrashare
