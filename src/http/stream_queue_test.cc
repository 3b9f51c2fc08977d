#include "http/stream_queue.h"

#include <gtest/gtest.h>

namespace infrashare {
namespace {

using Outcome = StreamQueue::SendOutcome;

TEST(StreamQueueTest, InitialTextIsTheFirstBatchAndSendsAskForOneFlush) {
  StreamQueue queue(100, "", "retry: 1\n\n");
  EXPECT_EQ(queue.Send("a"), Outcome::kQueued);  // the strand flushes after the header anyway
  auto batch = queue.Take();
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->bytes, "retry: 1\n\na");
  EXPECT_FALSE(batch->last);
  EXPECT_EQ(queue.Send("b"), Outcome::kQueued);  // a write is in flight
  queue.Written();
  EXPECT_EQ(queue.Take()->bytes, "b");
  queue.Written();
  EXPECT_FALSE(queue.Take());                         // empty: no flush scheduled now
  EXPECT_EQ(queue.Send("c"), Outcome::kFlushNeeded);  // so this one asks for one
  EXPECT_EQ(queue.Send("d"), Outcome::kQueued);
  EXPECT_EQ(queue.Take()->bytes, "cd");
}

TEST(StreamQueueTest, OverflowCountsTheBatchInFlightAndKeepsOnlyTheOverflowText) {
  StreamQueue queue(10, "OVER", "initial text is not counted");
  EXPECT_EQ(queue.Send("12345"), Outcome::kQueued);
  ASSERT_TRUE(queue.Take());  // 5 counted bytes in flight
  EXPECT_EQ(queue.Send("12345"), Outcome::kQueued);
  EXPECT_EQ(queue.Send("1"), Outcome::kOverflow);
  EXPECT_EQ(queue.Send("1"), Outcome::kEnded);
  queue.Written();
  auto batch = queue.Take();
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->bytes, "OVER");
  EXPECT_TRUE(batch->last);
  EXPECT_TRUE(batch->overflowed);
  EXPECT_FALSE(queue.Take());
}

TEST(StreamQueueTest, CloseWritesWhatIsQueuedThenTheFinalTextLast) {
  StreamQueue queue(100, "", "");
  EXPECT_FALSE(queue.Take());
  EXPECT_EQ(queue.Send("a"), Outcome::kFlushNeeded);
  EXPECT_FALSE(queue.Close("bye"));  // a flush is already scheduled
  EXPECT_FALSE(queue.Close("again"));
  EXPECT_EQ(queue.Send("b"), Outcome::kEnded);
  auto batch = queue.Take();
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->bytes, "abye");
  EXPECT_TRUE(batch->last);
  EXPECT_FALSE(batch->overflowed);
}

TEST(StreamQueueTest, AbandonDropsEverything) {
  StreamQueue queue(100, "", "x");
  queue.Abandon();
  EXPECT_EQ(queue.Send("a"), Outcome::kEnded);
  EXPECT_FALSE(queue.AppendUncounted(": hb\n\n"));
  EXPECT_FALSE(queue.Close("z"));
  EXPECT_FALSE(queue.Take());
  EXPECT_TRUE(queue.ended());
}

}  // namespace
}  // namespace infrashare
