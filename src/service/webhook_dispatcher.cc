#include "service/webhook_dispatcher.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "common/crypto.h"
#include "common/parse.h"
#include "hotline/webhook_client.h"
#include "hotline/webhook_signature.h"

namespace infrashare {
namespace {

constexpr std::string_view kVersionKey = "webhooks.version";
// A delivery log's text for every attempt that got no HTTP answer.
constexpr std::string_view kNoAnswer = "no HTTP answer from the endpoint (the server's log has the reason)";
// The cursor while the space has no active webhook: the fan-out parks it
// once instead of moving it past every event, and the registration that
// ends the wait sets it to the newest event (ResumeParkedWebhookCursor).
constexpr std::string_view kParked = "parked";
// A leased delivery comes due again this long after its POST's timeout.
constexpr std::chrono::seconds kLeaseGrace{5};

// The fan-out moves its cursor only if the webhooks it rendered for are
// still the list in force (kConflict otherwise: render again).
Result<void> SameWebhookList(WriteTx& tx, const std::string& version) {
  auto now = INFRASHARE_TRY(tx.GetMeta(std::string(kVersionKey)));
  if (now.value_or("") != version) return Conflict("the webhooks changed while their events were rendered");
  return {};
}

}  // namespace

std::string WebhookCursorKey(const Space& space) {
  // The live space keeps the key it always had.
  return space.is_live() ? std::string("webhooks.cursor") : "webhooks.cursor." + space.id();
}

Result<void> MarkWebhooksChanged(WriteTx& tx, const std::string& version) {
  return tx.SetMeta(std::string(kVersionKey), version);
}

// The log lock is taken first (NewestOutboxSeq, store.h): a fan-out parking
// the cursor at the same time takes it too, before it checks the list, so
// either it parked before this reads the cursor or it sees this
// registration's version.
Result<void> ResumeParkedWebhookCursor(WriteTx& tx, const Space& space) {
  const std::string key = WebhookCursorKey(space);
  auto newest = INFRASHARE_TRY(tx.NewestOutboxSeq());
  auto cursor = INFRASHARE_TRY(tx.GetMeta(key));
  if (cursor != kParked) return {};
  return tx.SetMeta(key, std::to_string(newest));
}

struct WebhookDispatcher::Outcome {
  WebhookDelivery delivery;
  std::string organization;  // the webhook's
  int status = 0;
  std::string error;
  Timestamp at;
};

WebhookDispatcher::WebhookDispatcher(Store& store, const Clock& clock, EventFeed& feed, AlertService& alerts,
                                     Options options)
    : store_(store),
      clock_(clock),
      feed_(feed),
      alerts_(alerts),
      options_(std::move(options)),
      cursor_key_(WebhookCursorKey(feed.space())) {}

WebhookDispatcher::~WebhookDispatcher() { Stop(); }

Result<void> WebhookDispatcher::Start() {
  client_ = std::make_unique<WebhookClient>(
      WebhookClient::Options{.max_in_flight = options_.max_in_flight, .addresses = options_.addresses});
  // A first start begins at the newest event: webhooks registered later
  // receive what happens after they were registered.
  auto w = store_.Write([&](WriteTx& tx) -> Result<void> {
    auto cursor = INFRASHARE_TRY(tx.GetMeta(cursor_key_));
    if (cursor) return {};
    auto newest = INFRASHARE_TRY(tx.NewestOutboxSeq());
    return tx.SetMeta(cursor_key_, std::to_string(newest));
  });
  if (!w) return w;
  std::lock_guard lock(mutex_);
  threads_.emplace_back([this] { FanoutLoop(); });
  threads_.emplace_back([this] { SendLoop(); });
  threads_.emplace_back([this] { RecordLoop(); });
  return {};
}

void WebhookDispatcher::Wake() {
  {
    std::lock_guard lock(mutex_);
    fanout_woken_ = true;
  }
  // Parked, the fan-out would wake only to sleep again (on every commit of
  // every process); it looks at its next poll. Only the fan-out thread
  // unparks, and it then heeds fanout_woken_ before it sleeps.
  if (!fanout_parked_) fanout_wake_.notify_one();
}

Result<bool> WebhookDispatcher::CaughtUp(ReadTx& tx, const Space& space) {
  const std::string key = WebhookCursorKey(space);
  auto cursor = INFRASHARE_TRY(tx.GetMeta(key));
  if (cursor == kParked) return true;
  auto newest = INFRASHARE_TRY(tx.NewestOutboxSeq());
  if (!cursor) return newest == 0;
  auto at = ParseInteger(*cursor, key, 0, INT64_MAX);
  if (!at) return Internal(fmt::format("the stored {} '{}' is not an event id", key, *cursor));
  return *at >= newest;
}

void WebhookDispatcher::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  fanout_wake_.notify_all();
  send_wake_.notify_all();
  record_wake_.notify_all();
  for (auto& t : threads_) t.join();
  client_.reset();  // in-flight posts end ("client stopped"); their rows come due again after the lease
  threads_.clear();
}

Result<std::shared_ptr<const WebhookDispatcher::WebhookList>> WebhookDispatcher::Webhooks() {
  std::shared_ptr<const WebhookList> cached;
  {
    std::lock_guard lock(mutex_);
    cached = cache_;
  }
  // nullptr: the cached list is still the one in force.
  auto read = INFRASHARE_TRY(store_.Read([&](ReadTx& tx) -> Result<std::shared_ptr<WebhookList>> {
    auto version = INFRASHARE_TRY(tx.GetMeta(std::string(kVersionKey)));
    if (cached && cached->version == version.value_or("")) return nullptr;
    auto out = std::make_shared<WebhookList>();
    out->version = version.value_or("");
    auto hooks = INFRASHARE_TRY(tx.ListWebhooks(std::nullopt));
    for (auto& h : hooks)
      if (h.active && h.space == feed_.space()) out->by_id.emplace(h.id, std::move(h));
    return out;
  }));
  if (read == nullptr) return cached;
  std::lock_guard lock(mutex_);
  cache_ = std::move(read);
  return cache_;
}

void WebhookDispatcher::FanoutLoop() {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      fanout_woken_ = false;  // this pass reads everything committed before now
    }
    bool more = false;
    if (auto r = FanoutStep(); r) {
      more = *r;
    } else {
      spdlog::warn("webhook fan-out: {}", r.error().message);
    }
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    // With the cursor parked a wake-up has nothing to do: only a registration
    // does (it wakes nobody; the poll finds it).
    const bool heed_wake = !fanout_parked_;
    if (!more)
      fanout_wake_.wait_for(lock, options_.poll,
                            [this, heed_wake] { return stopping_ || (fanout_woken_ && heed_wake); });
    if (stopping_) return;
  }
}

Result<bool> WebhookDispatcher::FanoutStep() {
  // The stored cursor: nullopt while parked, 0 before the first event.
  auto stored = INFRASHARE_TRY(store_.Read([&](ReadTx& tx) -> Result<std::optional<int64_t>> {
    auto c = INFRASHARE_TRY(tx.GetMeta(cursor_key_));
    if (c == kParked) return std::nullopt;
    if (!c) return int64_t{0};
    return ParseInteger(*c, cursor_key_, 0, INT64_MAX).value_or(0);
  }));
  const bool parked = !stored.has_value();
  const int64_t cursor = stored.value_or(0);
  fanout_parked_ = parked;
  auto hooks = INFRASHARE_TRY(Webhooks());
  if (hooks->by_id.empty()) {
    // Nobody to deliver to: park the cursor (once) instead of moving it past
    // every event; a registration resumes it (ResumeParkedWebhookCursor).
    if (parked) return false;
    auto w = store_.Write([&](WriteTx& tx) -> Result<void> {
      // The log lock before the list is checked: see ResumeParkedWebhookCursor.
      INFRASHARE_TRY(tx.NewestOutboxSeq());
      if (auto same = SameWebhookList(tx, hooks->version); !same) return same;
      return tx.SetMeta(cursor_key_, std::string(kParked));
    });
    if (!w && w.error().code == ErrorCode::kConflict) return true;  // read the list again at once
    if (!w) return std::unexpected(w.error());
    return false;
  }
  if (parked) {
    // Read before the registration that resumed it (or left parked by a
    // program that did not resume it): resume it here.
    INFRASHARE_TRY(store_.Write([&](WriteTx& tx) { return ResumeParkedWebhookCursor(tx, feed_.space()); }));
    return true;
  }
  auto events = INFRASHARE_TRY(feed_.After(cursor, options_.fanout_batch));
  if (events.empty()) return false;

  const Timestamp now = clock_.Now();
  std::vector<WebhookDelivery> deliveries;
  for (auto& event : events) {
    std::map<std::string, std::optional<std::string>> by_org;  // rendered once per organization
    for (const auto& [id, hook] : hooks->by_id) {
      auto [it, added] = by_org.emplace(hook.organization, std::nullopt);
      if (added) it->second = event->Render(hook.organization);
      if (!it->second) continue;
      deliveries.push_back(WebhookDelivery{.webhook_id = id,
                                           .event_seq = event->id(),
                                           .event_type = std::string(event->type()),
                                           .body = fmt::format(R"({{"event_id":{},"type":"{}","data":{}}})",
                                                               event->id(), event->type(), *it->second),
                                           .created_at = now,
                                           .next_attempt_at = now});
    }
  }
  const int64_t last = events.back()->id();
  auto w = store_.Write([&](WriteTx& tx) -> Result<void> {
    if (auto same = SameWebhookList(tx, hooks->version); !same) return same;
    // Another process may have moved the cursor meanwhile: the unique
    // (webhook, event) row keeps each delivery single either way.
    for (const auto& d : deliveries) INFRASHARE_TRY(tx.InsertWebhookDelivery(d));
    return tx.SetMeta(cursor_key_, std::to_string(last));
  });
  if (!w && w.error().code == ErrorCode::kConflict) return true;  // read the list again at once
  if (!w) return std::unexpected(w.error());
  if (!deliveries.empty()) {
    {
      std::lock_guard lock(mutex_);
      send_woken_ = true;
    }
    send_wake_.notify_one();
  }
  return int(events.size()) == options_.fanout_batch;
}

void WebhookDispatcher::SendLoop() {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      send_woken_ = false;
    }
    if (auto r = SendStep(); !r) spdlog::warn("webhook sending: {}", r.error().message);
    std::unique_lock lock(mutex_);
    if (stopping_) return;
    send_wake_.wait_for(lock, options_.poll, [this] { return stopping_ || send_woken_; });
    if (stopping_) return;
  }
}

Result<void> WebhookDispatcher::SendStep() {
  std::vector<std::string> saturated;
  size_t room = 0;
  {
    std::lock_guard lock(mutex_);
    if (in_flight_total_ >= options_.max_in_flight) return {};
    room = std::min<size_t>(options_.max_in_flight - in_flight_total_, size_t(options_.send_batch));
    for (const auto& [id, n] : in_flight_)
      if (n >= options_.per_webhook_in_flight) saturated.push_back(id);
  }
  auto hooks = INFRASHARE_TRY(Webhooks());

  const Timestamp now = clock_.Now();
  auto claimed = INFRASHARE_TRY(store_.Write([&](WriteTx& tx) -> Result<std::vector<WebhookDelivery>> {
    std::vector<WebhookDelivery> leased_rows;
    auto due = INFRASHARE_TRY(tx.ListDueWebhookDeliveries(now, int(room), saturated));
    std::map<std::string, int> taken;
    for (auto& d : due) {
      int& n = taken[d.webhook_id];
      {
        std::lock_guard lock(mutex_);
        auto it = in_flight_.find(d.webhook_id);
        if ((it != in_flight_.end() ? it->second : 0) + n >= options_.per_webhook_in_flight) continue;
      }
      ++n;
      // The lease: if this process dies mid-POST, the row comes due again.
      WebhookDelivery leased = d;
      leased.next_attempt_at = now + options_.timeout + kLeaseGrace;
      if (!hooks->by_id.contains(d.webhook_id)) {  // disabled since: stop trying
        leased.state = WebhookDeliveryState::kFailed;
        leased.last_error = "the webhook was disabled";
        INFRASHARE_TRY(tx.UpdateWebhookDelivery(leased));
        continue;
      }
      INFRASHARE_TRY(tx.UpdateWebhookDelivery(leased));
      leased_rows.push_back(std::move(d));
    }
    return leased_rows;
  }));

  for (auto& d : claimed) {
    const Webhook& hook = hooks->by_id.at(d.webhook_id);
    {
      std::lock_guard lock(mutex_);
      ++in_flight_[d.webhook_id];
      ++in_flight_total_;
    }
    const int64_t unix_now =
        std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
    WebhookPost post{.url = hook.url,
                     .body = d.body,
                     .headers = {{"Infrashare-Delivery", std::to_string(d.id)},
                                 {"Infrashare-Event", d.event_type},
                                 {"Infrashare-Signature", SignWebhook(hook.secret, unix_now, d.body)}},
                     .timeout = options_.timeout};
    client_->Post(std::move(post), [this, d = std::move(d), hook](WebhookAnswer answer) mutable {
      // Without an HTTP answer the log says the same whatever the reason
      // (refused, no route, timeout, TLS, an address the rule refuses): the
      // difference would map the network behind a URL for whoever chose
      // it. The reason goes to the server's log.
      if (answer.status == 0) {
        spdlog::info("webhook {} delivery {}: {}", hook.id, d.id, answer.error);
        answer.error = std::string(kNoAnswer);
      }
      Finish(std::move(d), hook, answer.status, std::move(answer.error));
    });
  }
  return {};
}

void WebhookDispatcher::Finish(WebhookDelivery delivery, const Webhook& webhook, int status,
                               std::string error) {
  std::lock_guard lock(mutex_);
  // A post that held a full webhook's or the process's last slot: rows
  // waiting for that slot may go now.
  const bool slot_freed =
      in_flight_[webhook.id] >= options_.per_webhook_in_flight || in_flight_total_ >= options_.max_in_flight;
  if (slot_freed) send_woken_ = true;
  if (--in_flight_[webhook.id] <= 0) in_flight_.erase(webhook.id);
  --in_flight_total_;
  outcomes_.push_back(Outcome{.delivery = std::move(delivery),
                              .organization = webhook.organization,
                              .status = status,
                              .error = std::move(error),
                              .at = clock_.Now()});
  record_wake_.notify_one();
  if (slot_freed) send_wake_.notify_one();
}

void WebhookDispatcher::RecordLoop() {
  std::unique_lock lock(mutex_);
  while (true) {
    record_wake_.wait_for(lock, options_.poll, [this] { return stopping_ || !outcomes_.empty(); });
    if (outcomes_.empty()) {
      if (stopping_) return;
      continue;
    }
    std::vector<Outcome> batch;
    batch.swap(outcomes_);
    lock.unlock();

    auto channels = store_.Write([&](WriteTx& tx) -> Result<std::vector<ChannelUpdate>> {
      std::vector<ChannelUpdate> updates;
      for (const auto& o : batch) {
        WebhookDelivery d = o.delivery;
        d.attempts += 1;
        d.last_attempt_at = o.at;
        d.last_status = o.status;
        const bool ok = o.status >= 200 && o.status < 300;
        d.last_error = ok ? "" : !o.error.empty() ? o.error : fmt::format("HTTP {}", o.status);
        std::optional<DeliveryState> channel_state;
        if (ok) {
          d.state = WebhookDeliveryState::kDelivered;
          d.delivered_at = o.at;
          channel_state = DeliveryState::kDelivered;
        } else if (GiveUp(options_.retry, d.attempts)) {
          d.state = WebhookDeliveryState::kFailed;
          channel_state = DeliveryState::kFailed;
        } else {
          d.next_attempt_at = o.at + RetryDelay(options_.retry, d.attempts, RandomU64());
        }
        INFRASHARE_TRY(tx.UpdateWebhookDelivery(d));
        if (!channel_state || (d.event_type != "alert.raised" && d.event_type != "alert.recipient_added"))
          continue;
        // Which alert: the body's data names it and the recipient row.
        auto body = ParseJson(d.body);
        if (!body) continue;
        const Json& data = (*body)["data"];
        if (!data.contains("alert") || !data["recipient"].is_object()) continue;
        if (data["recipient"].value("organization", "") != o.organization) continue;
        updates.push_back(ChannelUpdate{.alert_id = data["alert"].value("id", ""),
                                        .space = feed_.space(),
                                        .organization = o.organization,
                                        .delivery = {.channel = "webhook:" + d.webhook_id,
                                                     .state = *channel_state,
                                                     .at = o.at,
                                                     .attempts = d.attempts,
                                                     .detail = d.last_error}});
      }
      return updates;
    });
    if (!channels) spdlog::warn("webhook outcomes not recorded ({}): {}", batch.size(), channels.error().message);
    if (channels && !channels->empty())
      if (auto r = alerts_.RecordChannels(*channels); !r)
        spdlog::warn("webhook channel states not recorded: {}", r.error().message);
    lock.lock();
  }
}

}  // namespace infrashare
