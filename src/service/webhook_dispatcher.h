// Delivers every outbox event of one space to the webhooks of that space
// that may see it: fans events out into durable delivery rows, POSTs them
// signed, retries until a 2xx or the retry policy gives up, and records the
// outcome (and, for alerts, the recipient's webhook channel). How and why it
// is shaped so: docs/services.md, "Webhook delivery".
//
// Errors: Start fails when the store does; later failures are logged and
// retried at the next poll.
//
// Thread behaviour: Start/Stop from one thread; Wake from any thread. The
// dispatcher runs three threads of its own and the webhook client's.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/error.h"
#include "domain/alert/webhook.h"
#include "domain/space/space.h"
#include "hotline/retry_policy.h"
#include "hotline/webhook_address.h"
#include "service/alert_service.h"
#include "service/event_feed.h"
#include "store/store.h"

namespace infrashare {

class WebhookClient;

// The meta key of the fan-out cursor of `space`'s dispatcher.
std::string WebhookCursorKey(const Space& space);
// In the transaction that registers or disables a webhook: the dispatchers
// read their list again (`version`: any new, unique text).
Result<void> MarkWebhooksChanged(WriteTx& tx, const std::string& version);
// In a registration: a parked cursor of `space` moves to the newest event,
// so that the new webhook receives exactly what is committed after it.
Result<void> ResumeParkedWebhookCursor(WriteTx& tx, const Space& space);

class WebhookDispatcher {
 public:
  struct Options {
    // How often fan-out and sending run without being woken: a safety net
    // (wake-ups come with every outbox commit) and the granularity of retries.
    std::chrono::milliseconds poll{250};
    std::chrono::milliseconds timeout{10000};  // per POST
    RetryPolicy retry;
    int fanout_batch = 256;
    int send_batch = 512;
    size_t max_in_flight = 1024;
    int per_webhook_in_flight = 8;
    WebhookAddressPolicy addresses;  // where posts may connect
  };

  // Delivers the events of `feed`'s space.
  WebhookDispatcher(Store& store, const Clock& clock, EventFeed& feed, AlertService& alerts, Options options);
  ~WebhookDispatcher();  // Stop()s

  Result<void> Start();
  void Stop();
  // Makes the fan-out look for new events now (or once more after the pass
  // under way). Cheap, never blocks for long: meant for
  // Store::OnOutboxAppended's listener.
  void Wake();

  // Whether the fan-out has passed every event committed so far, read from
  // its stored cursor (a parked cursor has nothing to pass): for a tool that
  // waits until earlier events are fanned out, such as hotline_bench.
  static Result<bool> CaughtUp(ReadTx& tx, const Space& space = Space());

 private:
  struct Outcome;

  void FanoutLoop();
  Result<bool> FanoutStep();  // true: more events waiting
  void SendLoop();
  Result<void> SendStep();
  void Finish(WebhookDelivery delivery, const Webhook& webhook, int status, std::string error);
  void RecordLoop();
  // The active webhooks of the feed's space, by id, with the stored version
  // of the list they were read at ("webhooks.version" in meta, changed by
  // every registration and disabling in the same transaction). Read again
  // only when the version moved; the fan-out checks the version again inside
  // the transaction that moves its cursor, so a webhook registered by any
  // process is never passed over by events after its registration.
  struct WebhookList {
    std::string version;
    std::map<std::string, Webhook> by_id;
  };
  Result<std::shared_ptr<const WebhookList>> Webhooks();

  Store& store_;
  const Clock& clock_;
  EventFeed& feed_;
  AlertService& alerts_;
  const Options options_;
  const std::string cursor_key_;  // WebhookCursorKey of the feed's space
  std::unique_ptr<WebhookClient> client_;
  // The cursor was parked at the last fan-out step (written by the fan-out
  // thread): Wake then wakes nobody, a registration is found by the poll.
  std::atomic<bool> fanout_parked_{false};

  std::mutex mutex_;
  // One for each thread, so that a wake-up wakes only the thread it is for.
  std::condition_variable fanout_wake_, send_wake_, record_wake_;
  // State below is protected by mutex_.
  bool stopping_ = false;
  bool fanout_woken_ = false;             // Wake since the fan-out last looked
  bool send_woken_ = false;               // rows stored or a slot freed since the sender last looked
  std::map<std::string, int> in_flight_;  // by webhook id
  size_t in_flight_total_ = 0;
  std::vector<Outcome> outcomes_;  // answers not recorded yet
  std::vector<std::thread> threads_;
  std::shared_ptr<const WebhookList> cache_;  // protected by mutex_
};

}  // namespace infrashare
