#include "http/stream_queue.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

// SendNow: written by the caller while the connection is idle; what the
// socket did not take goes out before anything sent later.
TEST(StreamQueueTest, SendNowWritesWhenIdleAndQueuesTheRestFirst) {
  StreamQueue queue(100, "", "");
  std::vector<std::string> written;
  auto take_all = [&](std::string_view t) {
    written.emplace_back(t);
    return std::string();
  };
  // Not idle yet: the strand flushes after the header anyway.
  EXPECT_EQ(queue.SendNow("early", take_all), Outcome::kQueued);
  EXPECT_TRUE(written.empty());
  EXPECT_EQ(queue.Take()->bytes, "early");
  queue.Written();
  EXPECT_FALSE(queue.Take());

  // Idle: written at once, nothing to flush, nothing counted.
  EXPECT_EQ(queue.SendNow("a", take_all), Outcome::kQueued);
  EXPECT_EQ(written, std::vector<std::string>{"a"});
  EXPECT_EQ(queue.buffered(), 0u);
  EXPECT_FALSE(queue.Take());

  // The socket took part of it: the rest, as wire bytes, precedes what follows.
  EXPECT_EQ(queue.SendNow("bcd", [](std::string_view) { return std::string("<rest>"); }), Outcome::kFlushNeeded);
  EXPECT_EQ(queue.buffered(), 6u);
  EXPECT_EQ(queue.SendNow("e", take_all), Outcome::kQueued);  // not idle: queued behind the rest
  EXPECT_EQ(written.size(), 1u);
  auto batch = queue.Take();
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->wire_prefix, "<rest>");
  EXPECT_EQ(batch->bytes, "e");
  queue.Written();
  EXPECT_FALSE(queue.Take());

  // Too big for the limit: never written directly; an overflow as with Send.
  EXPECT_EQ(queue.SendNow(std::string(101, 'x'), take_all), Outcome::kOverflow);
  EXPECT_EQ(written.size(), 1u);
}

TEST(StreamQueueTest, SendNowAfterAbandonWritesNothing) {
  StreamQueue queue(100, "", "");
  ASSERT_FALSE(queue.Take());  // idle
  queue.Abandon();
  bool called = false;
  EXPECT_EQ(queue.SendNow("a",
                          [&](std::string_view) {
                            called = true;
                            return std::string();
                          }),
            Outcome::kEnded);
  EXPECT_FALSE(called);
}

}  // namespace
}  // namespace infrashare
