#include "hotline/stream_hub.h"

#include <spdlog/spdlog.h>

namespace infrashare {
namespace {

// One SSE event. `data` is one line of JSON (JSON text has no raw newlines).
std::string Frame(int64_t id, std::string_view type, std::string_view data) {
  const std::string number = std::to_string(id);
  std::string frame;
  frame.reserve(number.size() + type.size() + data.size() + 24);
  frame.append("id: ")
      .append(number)
      .append("\nevent: ")
      .append(type)
      .append("\ndata: ")
      .append(data)
      .append("\n\n");
  return frame;
}

}  // namespace

StreamHub::StreamHub(StreamSource& source, Options options) : source_(source), options_(options) {}

StreamHub::~StreamHub() { Stop(); }

Result<void> StreamHub::Start() {
  auto newest = INFRASHARE_TRY(source_.Newest());
  cursor_ = newest;
  thread_ = std::thread([this] { Run(); });
  return {};
}

void StreamHub::Stop() {
  std::unordered_map<uint64_t, std::shared_ptr<Subscription>> subs;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
    subs.swap(subs_);
    by_org_.clear();
    joining_.clear();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (auto& [id, sub] : subs) sub->sink->Close(": server stopping\n\n");
}

Result<int64_t> StreamHub::StartPosition(std::optional<int64_t> last_event_id) {
  auto newest = INFRASHARE_TRY(source_.Newest());
  if (!last_event_id) return newest;
  if (*last_event_id < 0 || *last_event_id > newest)
    return InvalidArgument("Last-Event-ID", "is not an event id this server sent");
  return *last_event_id;
}

void StreamHub::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  // Behind, the thread would wake only to sleep again (on every commit of
  // every process). Only it catches up, and it then heeds woken_ first.
  if (!cursor_behind_) wake_.notify_one();
}

uint64_t StreamHub::Attach(std::string organization, int64_t position, std::shared_ptr<StreamSink> sink) {
  std::lock_guard lock(mutex_);
  const uint64_t id = next_id_++;
  if (stopping_) {
    sink->Close(": server stopping\n\n");
    return id;
  }
  auto sub =
      std::make_shared<Subscription>(Subscription{id, std::move(organization), position, std::move(sink)});
  subs_.emplace(id, sub);
  joining_.push_back(std::move(sub));
  wake_.notify_one();
  return id;
}

void StreamHub::Detach(uint64_t id) { Drop({id}); }

void StreamHub::End(uint64_t id, std::string_view final_text) {
  std::shared_ptr<Subscription> sub;
  {
    std::lock_guard lock(mutex_);
    if (auto it = subs_.find(id); it != subs_.end()) sub = it->second;
  }
  if (!sub) return;
  Drop({id});
  // The dispatcher may hold the subscription in a copy of its list: the
  // sink, once closed, takes no more text from it.
  sub->sink->Close(final_text);
}

void StreamHub::Drop(const std::vector<uint64_t>& ids) {
  std::lock_guard lock(mutex_);
  for (uint64_t id : ids) {
    auto it = subs_.find(id);
    if (it == subs_.end()) continue;
    const auto sub = it->second;
    subs_.erase(it);
    std::erase(joining_, sub);
    if (auto org = by_org_.find(sub->organization); org != by_org_.end()) {
      std::erase(org->second, sub);
      if (org->second.empty()) by_org_.erase(org);
    }
  }
}

size_t StreamHub::subscriptions() const {
  std::lock_guard lock(mutex_);
  return subs_.size();
}

void StreamHub::Run() {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      woken_ = false;  // this step reads everything committed before now
    }
    bool more = false;
    try {
      more = Step();
    } catch (const std::exception& e) {  // a bug must not end the live channels
      spdlog::error("stream hub: {}", e.what());
    }
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    // While nobody listens, a wake-up has nothing to do: only a subscription does.
    const bool heed_wake = !cursor_behind_;
    if (more || !joining_.empty() || (woken_ && heed_wake)) continue;
    const auto wait = paused_.empty() ? options_.poll : std::min(options_.poll, options_.replay_poll);
    wake_.wait_for(lock, wait,
                   [this, heed_wake] { return stopping_ || (woken_ && heed_wake) || !joining_.empty(); });
    if (stopping_) return;
  }
}

bool StreamHub::Step() {
  std::vector<std::shared_ptr<Subscription>> joining;
  joining.swap(paused_);
  {
    std::lock_guard lock(mutex_);
    joining.insert(joining.end(), joining_.begin(), joining_.end());
    joining_.clear();
  }
  if (!joining.empty() && cursor_behind_) {
    // Nobody listened: the cursor stayed behind. Catch it up first, so that
    // the newcomers replay up to the newest event and go live from there.
    auto newest = source_.Newest();
    if (!newest) {
      spdlog::warn("stream hub: cannot read events: {}", newest.error().message);
      paused_ = std::move(joining);  // tried again at the next step
      return false;
    }
    cursor_ = std::max(cursor_.load(), *newest);
    cursor_behind_ = false;
  }
  const int64_t cursor = cursor_.load();
  for (auto& sub : joining) {
    {
      std::lock_guard lock(mutex_);
      if (!subs_.contains(sub->id)) continue;  // detached meanwhile
    }
    if (!Replay(sub, cursor)) {
      std::lock_guard lock(mutex_);
      if (subs_.contains(sub->id)) paused_.push_back(sub);
      continue;
    }
    std::lock_guard lock(mutex_);
    if (subs_.contains(sub->id)) by_org_[sub->organization].push_back(sub);
  }

  bool listening = !paused_.empty();
  {
    std::lock_guard lock(mutex_);
    listening = listening || !by_org_.empty();
  }
  if (!listening) {
    // Nobody to send to: pass the events by without reading them, nor even
    // their count — the cursor stays behind until a stream attaches (above).
    cursor_behind_ = true;
    return false;
  }
  auto events = source_.After(cursor, options_.batch);
  if (!events) {
    spdlog::warn("stream hub: cannot read events: {}", events.error().message);
    return false;
  }
  for (auto& event : *events) {
    Fan(*event);
    cursor_ = event->id();
  }
  source_.BatchDone();
  return int(events->size()) == options_.batch;
}

bool StreamHub::Replay(const std::shared_ptr<Subscription>& sub, int64_t until) {
  while (sub->position < until) {
    if (sub->sink->buffered_bytes() >= options_.replay_budget_bytes) return false;
    auto events = source_.After(sub->position, options_.batch);
    if (!events) {
      sub->sink->Close(": the event log is unavailable; reconnect with Last-Event-ID\n\n");
      Drop({sub->id});
      return false;
    }
    if (events->empty()) break;
    for (auto& event : *events) {
      if (event->id() > until) break;
      if (sub->sink->buffered_bytes() >= options_.replay_budget_bytes) return false;
      if (auto data = event->Render(sub->organization)) {
        if (!sub->sink->Send(Frame(event->id(), event->type(), *data))) {
          Drop({sub->id});
          return false;
        }
      }
      sub->position = event->id();
    }
    if (events->back()->id() >= until) break;
  }
  sub->position = std::max(sub->position, until);
  return true;
}

void StreamHub::Fan(StreamEvent& event) {
  std::vector<std::pair<std::string, std::vector<std::shared_ptr<Subscription>>>> groups;
  {
    std::lock_guard lock(mutex_);
    groups.reserve(by_org_.size());
    for (const auto& [org, subs] : by_org_) groups.emplace_back(org, subs);
  }
  std::vector<uint64_t> dead;
  const int64_t id = event.id();
  for (auto& [org, subs] : groups) {
    std::optional<std::string> data = event.Render(org);
    if (!data) {
      for (auto& sub : subs) sub->position = std::max(sub->position, id);
      continue;
    }
    const std::string text = Frame(id, event.type(), *data);
    bool delivered = false;
    for (auto& sub : subs) {
      if (sub->position >= id) continue;
      sub->position = id;
      if (sub->sink->Send(text)) {
        delivered = true;
      } else {
        dead.push_back(sub->id);
      }
    }
    if (delivered) event.Delivered(org);
  }
  if (!dead.empty()) Drop(dead);
}

}  // namespace infrashare
