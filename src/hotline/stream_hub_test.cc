#include "hotline/stream_hub.h"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

namespace infrashare {
namespace {

using namespace std::chrono_literals;

// Events in memory; event N may be seen by the organizations listed for it.
class FakeSource final : public StreamSource {
 public:
  class Event final : public StreamEvent {
   public:
    Event(int64_t id, std::set<std::string> viewers, FakeSource* source)
        : id_(id), viewers_(std::move(viewers)), source_(source) {}
    int64_t id() const override { return id_; }
    std::string_view type() const override { return "test.event"; }
    std::optional<std::string> Render(const std::string& org) override {
      ++source_->renders;
      if (!viewers_.contains(org)) return std::nullopt;
      return "{\"n\":" + std::to_string(id_) + "}";
    }
    void Delivered(const std::string& org) override {
      std::lock_guard lock(source_->mutex);
      source_->delivered.push_back(std::to_string(id_) + " " + org);
    }

   private:
    int64_t id_;
    std::set<std::string> viewers_;
    FakeSource* source_;
  };

  void Add(std::set<std::string> viewers) {
    std::lock_guard lock(mutex);
    events.push_back(std::move(viewers));
  }
  Result<std::vector<std::unique_ptr<StreamEvent>>> After(int64_t after, int limit) override {
    std::lock_guard lock(mutex);
    ++afters;
    std::vector<std::unique_ptr<StreamEvent>> out;
    for (int64_t id = after + 1; id <= int64_t(events.size()) && int(out.size()) < limit; ++id)
      out.push_back(std::make_unique<Event>(id, events[size_t(id - 1)], this));
    return out;
  }
  Result<int64_t> Newest() override {
    std::lock_guard lock(mutex);
    ++newests;
    return int64_t(events.size());
  }

  std::mutex mutex;
  std::vector<std::set<std::string>> events;  // protected by mutex
  std::vector<std::string> delivered;         // protected by mutex
  std::atomic<int> renders{0};
  int afters = 0;   // calls of After; protected by mutex
  int newests = 0;  // calls of Newest; protected by mutex
};

class FakeSink final : public StreamSink {
 public:
  bool Send(std::string_view text) override {
    std::lock_guard lock(mutex);
    if (closed || refuse) return false;
    texts.emplace_back(text);
    buffered += text.size();
    return true;
  }
  void Close(std::string_view final_text) override {
    std::lock_guard lock(mutex);
    closed = true;
    final = final_text;
  }
  size_t buffered_bytes() const override {
    std::lock_guard lock(mutex);
    return buffered;
  }
  // The client read everything.
  void Drain() {
    std::lock_guard lock(mutex);
    buffered = 0;
  }
  std::vector<int64_t> Ids() const {
    std::lock_guard lock(mutex);
    std::vector<int64_t> ids;
    for (const auto& t : texts) ids.push_back(std::stoll(t.substr(4, t.find('\n') - 4)));
    return ids;
  }

  mutable std::mutex mutex;
  std::vector<std::string> texts;
  size_t buffered = 0;
  bool refuse = false, closed = false;
  std::string final;
};

bool Eventually(const std::function<bool()>& fn) {
  for (int i = 0; i < 400; ++i) {
    if (fn()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return fn();
}

TEST(StreamHubTest, EachOrganizationGetsWhatItMaySeeRenderedOncePerOrganization) {
  FakeSource source;
  source.Add({"a"});  // 1: before the hub starts; not sent to live subscribers
  StreamHub hub(source, {.poll = 5ms});
  ASSERT_TRUE(hub.Start());
  auto a1 = std::make_shared<FakeSink>(), a2 = std::make_shared<FakeSink>(), b = std::make_shared<FakeSink>();
  hub.Attach("a", *hub.StartPosition(std::nullopt), a1);
  hub.Attach("a", *hub.StartPosition(std::nullopt), a2);
  hub.Attach("b", *hub.StartPosition(std::nullopt), b);
  ASSERT_TRUE(Eventually([&] { return hub.subscriptions() == 3; }));
  std::this_thread::sleep_for(30ms);  // the subscriptions joined
  source.renders = 0;
  source.Add({"a", "b"});  // 2
  source.Add({"b"});       // 3
  source.Add({"a"});       // 4
  ASSERT_TRUE(
      Eventually([&] { return a1->Ids().size() == 2 && a2->Ids().size() == 2 && b->Ids().size() == 2; }));
  EXPECT_EQ(a1->Ids(), (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(a2->Ids(), (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(b->Ids(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(a1->texts[0], "id: 2\nevent: test.event\ndata: {\"n\":2}\n\n");
  EXPECT_EQ(source.renders.load(), 6);  // 3 events x 2 organizations, not x 3 subscriptions
  std::lock_guard lock(source.mutex);
  EXPECT_EQ(source.delivered, (std::vector<std::string>{"2 a", "2 b", "3 b", "4 a"}));
}

TEST(StreamHubTest, AResumingSubscriptionIsReplayedThenLiveWithoutGapsOrRepeats) {
  FakeSource source;
  for (int i = 0; i < 10; ++i) source.Add({"a"});
  StreamHub hub(source, {.poll = 5ms, .batch = 3});
  ASSERT_TRUE(hub.Start());
  auto sink = std::make_shared<FakeSink>();
  auto position = hub.StartPosition(4);
  ASSERT_TRUE(position);
  hub.Attach("a", *position, sink);
  for (int i = 0; i < 5; ++i) source.Add({"a"});
  ASSERT_TRUE(Eventually([&] { return sink->Ids().size() == 11; }));
  std::vector<int64_t> expected;
  for (int64_t id = 5; id <= 15; ++id) expected.push_back(id);
  EXPECT_EQ(sink->Ids(), expected);
  // An id never sent is refused.
  EXPECT_FALSE(hub.StartPosition(99));
  EXPECT_FALSE(hub.StartPosition(-1));
}

TEST(StreamHubTest, AReplayWaitsForTheClientToDrainInsteadOfOverflowingIt) {
  FakeSource source;
  for (int i = 0; i < 50; ++i) source.Add({"a"});
  const size_t frame = std::string("id: 10\nevent: test.event\ndata: {\"n\":10}\n\n").size();
  StreamHub hub(source, {.poll = 5ms, .batch = 100, .replay_budget_bytes = 5 * frame});
  ASSERT_TRUE(hub.Start());
  auto sink = std::make_shared<FakeSink>();
  hub.Attach("a", 0, sink);
  ASSERT_TRUE(Eventually([&] { return !sink->Ids().empty(); }));
  std::this_thread::sleep_for(50ms);
  EXPECT_LE(sink->Ids().size(), 6u) << "the replay did not pause";
  for (int i = 0; i < 100 && sink->Ids().size() < 50; ++i) {
    sink->Drain();
    std::this_thread::sleep_for(10ms);
  }
  ASSERT_EQ(sink->Ids().size(), 50u);
  EXPECT_EQ(sink->Ids().front(), 1);
  EXPECT_EQ(sink->Ids().back(), 50);
}

TEST(StreamHubTest, ASinkThatRefusesIsForgottenAndOthersGoOn) {
  FakeSource source;
  StreamHub hub(source, {.poll = 5ms});
  ASSERT_TRUE(hub.Start());
  auto bad = std::make_shared<FakeSink>(), good = std::make_shared<FakeSink>();
  bad->refuse = true;
  hub.Attach("a", 0, bad);
  hub.Attach("a", 0, good);
  std::this_thread::sleep_for(30ms);
  source.Add({"a"});
  ASSERT_TRUE(Eventually([&] { return good->Ids().size() == 1 && hub.subscriptions() == 1; }));
  source.Add({"a"});
  ASSERT_TRUE(Eventually([&] { return good->Ids().size() == 2; }));
}

TEST(StreamHubTest, StopClosesEverySubscriptionAndDetachForgets) {
  FakeSource source;
  StreamHub hub(source, {.poll = 5ms});
  ASSERT_TRUE(hub.Start());
  auto s1 = std::make_shared<FakeSink>(), s2 = std::make_shared<FakeSink>();
  const uint64_t id1 = hub.Attach("a", 0, s1);
  hub.Attach("b", 0, s2);
  hub.Detach(id1);
  EXPECT_EQ(hub.subscriptions(), 1u);
  hub.Stop();
  EXPECT_FALSE(s1->closed);
  EXPECT_TRUE(s2->closed);
  EXPECT_EQ(hub.subscriptions(), 0u);
}

TEST(StreamHubTest, WakeSendsNewEventsAtOnceInsteadOfAtTheNextPoll) {
  FakeSource source;
  StreamHub hub(source, {.poll = 60s});  // the poll never comes within the test
  ASSERT_TRUE(hub.Start());
  auto sink = std::make_shared<FakeSink>();
  hub.Attach("a", *hub.StartPosition(std::nullopt), sink);
  ASSERT_TRUE(Eventually([&] { return hub.subscriptions() == 1; }));
  std::this_thread::sleep_for(30ms);  // joined
  source.Add({"a"});
  hub.Wake();
  ASSERT_TRUE(Eventually([&] { return sink->Ids().size() == 1; }));
  // A wake-up with nothing new (spurious) costs nothing and sends nothing.
  hub.Wake();
  source.Add({"a"});
  hub.Wake();
  ASSERT_TRUE(Eventually([&] { return sink->Ids().size() == 2; }));
  EXPECT_EQ(sink->Ids(), (std::vector<int64_t>{1, 2}));
}

TEST(StreamHubTest, WithNobodyAttachedEventsArePassedByUnreadAndALaterResumeStillGetsThem) {
  FakeSource source;
  StreamHub hub(source, {.poll = 5ms});
  ASSERT_TRUE(hub.Start());
  for (int i = 0; i < 5; ++i) {
    source.Add({"a"});
    hub.Wake();
  }
  std::this_thread::sleep_for(50ms);  // several steps and polls
  {
    std::lock_guard lock(source.mutex);
    EXPECT_EQ(source.afters, 0);   // no event was read, none rendered,
    EXPECT_EQ(source.newests, 1);  // nor even counted (but once, at Start)
  }
  EXPECT_EQ(source.renders.load(), 0);
  // A client that saw event 2 resumes: it gets 3…5 from the log, then live.
  auto sink = std::make_shared<FakeSink>();
  hub.Attach("a", *hub.StartPosition(2), sink);
  ASSERT_TRUE(Eventually([&] { return sink->Ids().size() == 3; }));
  source.Add({"a"});
  hub.Wake();
  ASSERT_TRUE(Eventually([&] { return sink->Ids().size() == 4; }));
  EXPECT_EQ(sink->Ids(), (std::vector<int64_t>{3, 4, 5, 6}));
}

TEST(StreamHubTest, ANewStreamAfterEventsPassedByStartsAtTheNewestOne) {
  FakeSource source;
  StreamHub hub(source, {.poll = 5ms});
  ASSERT_TRUE(hub.Start());
  for (int i = 0; i < 4; ++i) {
    source.Add({"a"});
    hub.Wake();
  }
  std::this_thread::sleep_for(30ms);
  auto sink = std::make_shared<FakeSink>();
  hub.Attach("a", *hub.StartPosition(std::nullopt), sink);
  std::this_thread::sleep_for(30ms);
  EXPECT_TRUE(sink->Ids().empty());  // nothing from before it attached
  source.Add({"a"});
  hub.Wake();
  ASSERT_TRUE(Eventually([&] { return sink->Ids().size() == 1; }));
  EXPECT_EQ(sink->Ids(), (std::vector<int64_t>{5}));
}

}  // namespace
}  // namespace infrashare
