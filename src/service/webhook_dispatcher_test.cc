#include "service/webhook_dispatcher.h"

#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"
#include "store/store_test_util.h"

namespace infrashare {
namespace {

using store_test::At;
using store_test::TempDir;

Result<void> Append(Store& store, const std::string& record) {
  return store.Write([&](WriteTx& tx) {
    return tx.AppendOutbox({.at = At(1), .type = "report.created", .record_id = record});
  });
}

Result<void> SetCursor(Store& store, const std::string& value, const Space& space = Space()) {
  return store.Write([&](WriteTx& tx) { return tx.SetMeta(WebhookCursorKey(space), value); });
}

Result<bool> CaughtUp(Store& store, const Space& space = Space()) {
  return store.Read([&](ReadTx& tx) { return WebhookDispatcher::CaughtUp(tx, space); });
}

TEST(WebhookDispatcherTest, CaughtUpComparesTheStoredCursorWithTheNewestEvent) {
  TempDir dir;
  auto store = OpenSqliteStore({.path = (dir.path() / "infrashare.db").string(), .read_connections = 1});
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(CaughtUp(**store), true);  // no cursor and no event yet
  ASSERT_TRUE(Append(**store, "rpt_1"));
  EXPECT_EQ(CaughtUp(**store), false);  // an event and no cursor
  ASSERT_TRUE(SetCursor(**store, "1"));
  EXPECT_EQ(CaughtUp(**store), true);
  ASSERT_TRUE(Append(**store, "rpt_2"));
  EXPECT_EQ(CaughtUp(**store), false);
  // Parked (no active webhook): nothing to pass, however many events come.
  ASSERT_TRUE(SetCursor(**store, "parked"));
  EXPECT_EQ(CaughtUp(**store), true);
  // A cursor no program writes is an error, not an answer.
  ASSERT_TRUE(SetCursor(**store, "later"));
  auto damaged = CaughtUp(**store);
  ASSERT_FALSE(damaged);
  EXPECT_EQ(damaged.error().code, ErrorCode::kInternal);
  EXPECT_EQ(damaged.error().message, "the stored webhooks.cursor 'later' is not an event id");
}

TEST(WebhookDispatcherTest, EachSpaceHasItsOwnCursor) {
  EXPECT_EQ(WebhookCursorKey(Space()), "webhooks.cursor");  // the key the live space always had
  auto exercise = Space::Exercise("exr_drill");
  ASSERT_TRUE(exercise);
  EXPECT_EQ(WebhookCursorKey(*exercise), "webhooks.cursor.exr_drill");
  TempDir dir;
  auto store = OpenSqliteStore({.path = (dir.path() / "infrashare.db").string(), .read_connections = 1});
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE(Append(**store, "rpt_1"));
  ASSERT_TRUE(SetCursor(**store, "1"));
  EXPECT_EQ(CaughtUp(**store), true);
  EXPECT_EQ(CaughtUp(**store, *exercise), false);  // the exercise's dispatcher has passed nothing yet
  ASSERT_TRUE(SetCursor(**store, "1", *exercise));
  EXPECT_EQ(CaughtUp(**store, *exercise), true);
}

}  // namespace
}  // namespace infrashare
