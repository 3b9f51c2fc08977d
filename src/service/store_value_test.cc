// Store::Write / Store::Read with a function that returns a value
// (store/store.h): the value of the run that committed comes back.
#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"
#include "store/store_test_util.h"

namespace infrashare {
namespace {

// Runs every write function twice in one transaction, as a backend that
// retries a batch may: only the second run's answer may come back.
class TwiceStore final : public Store {
 public:
  explicit TwiceStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}
  Result<void> Write(const WriteFn& fn) override {
    return inner_->Write([&](WriteTx& tx) -> Result<void> {
      (void)fn(tx);
      return fn(tx);
    });
  }
  Result<void> Read(const ReadFn& fn) override { return inner_->Read(fn); }
  OutboxSubscription OnOutboxAppended(std::function<void()> fn) override {
    return inner_->OnOutboxAppended(std::move(fn));
  }

 private:
  std::unique_ptr<Store> inner_;
};

class StoreValueTest : public ::testing::Test {
 protected:
  StoreValueTest() {
    auto s = OpenSqliteStore({.path = (dir_.path() / "infrashare.db").string(), .read_connections = 1});
    EXPECT_TRUE(s) << s.error().message;
    if (s) store_ = std::make_unique<TwiceStore>(std::move(*s));
  }
  store_test::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreValueTest, WriteAnswersTheLastRunsValue) {
  int runs = 0;
  auto v = store_->Write([&](WriteTx& tx) -> Result<std::vector<int>> {
    std::vector<int> seen;  // fresh in every run
    seen.push_back(++runs);
    INFRASHARE_TRY(tx.SetMeta("k", std::to_string(runs)));
    return seen;
  });
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(*v, std::vector<int>{2});
  auto stored = store_->Read([](ReadTx& tx) { return tx.GetMeta("k"); });
  ASSERT_TRUE(stored);
  EXPECT_EQ(*stored, "2");
}

TEST_F(StoreValueTest, AFailingLastRunAnswersItsError) {
  int runs = 0;
  auto v = store_->Write([&](WriteTx&) -> Result<int> {
    if (++runs == 2) return Conflict("changed my mind");
    return runs;
  });
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, ErrorCode::kConflict);
}

TEST_F(StoreValueTest, ReadAnswersItsValueAndVoidFunctionsStillWork) {
  ASSERT_TRUE(store_->Write([](WriteTx& tx) { return tx.SetMeta("k", "v"); }));
  auto v = store_->Read([](ReadTx& tx) -> Result<std::string> {
    auto m = INFRASHARE_TRY(tx.GetMeta("k"));
    return m.value_or("");
  });
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, "v");
}

}  // namespace
}  // namespace infrashare
