// Webhooks: an organization registers endpoints (POST /api/v1/webhooks) and
// every outbox event it may see is POSTed to each of them, signed, retried
// until the receiver answers 2xx, and logged where the organization can read
// it (GET /api/v1/webhooks/{id}/deliveries).
//
// Delivery (WebhookDispatcher), in two durable steps:
//   1. fan-out: events after the stored cursor ("webhooks.cursor" in meta)
//      are rendered for each active webhook's organization by the EventFeed
//      (the one visibility rule) and stored as WebhookDelivery rows, in the
//      same transaction that moves the cursor: a crash loses nothing and
//      enqueues nothing twice (one row per webhook and event).
//      The fan-out runs when woken (Wake: a commit appended outbox events,
//      in this process or another on the same database; store.h) and at
//      least every `poll` as a safety net. Several processes may fan out the
//      same events: the unique row keeps each delivery single. While the
//      live space has no active webhook, the cursor is parked (written once,
//      not moved past every event), and the registration that ends the wait
//      sets it to the newest event: the new webhook receives exactly what is
//      committed after it.
//   2. sending: due rows are leased (next_attempt_at moves past the POST's
//      timeout, so a crashed process's rows come due again) and POSTed. A 2xx
//      marks the row delivered — it is never sent again; anything else is
//      retried with exponential backoff and jitter (hotline/retry_policy.h)
//      until the policy gives up (failed). A receiver that hangs or fails
//      holds at most `per_webhook_in_flight` posts: others are not delayed.
//      The sender runs after each fan-out that stored rows, when a post ends
//      that held a full webhook's (or the process's) last slot, and every
//      `poll` (retries come due by time; any process may send them).
//
// The request (documented for receivers in README.md):
//   POST <url>   Content-Type: application/json
//   Infrashare-Delivery: <delivery id>   the same on every retry: a receiver
//                                        that crashed after answering may see
//                                        it again and should ignore repeats
//   Infrashare-Event: <event type>
//   Infrashare-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
//   body: {"event_id": <outbox seq>, "type": "...", "data": {...}}  (data as
//         on the event stream, see event_feed.h)
//
// Thread behaviour: thread-safe. The dispatcher runs two threads of its own
// and the webhook client's.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "domain/alert/webhook.h"
#include "hotline/retry_policy.h"
#include "service/alert_service.h"
#include "service/caller.h"
#include "service/event_feed.h"
#include "store/store.h"

namespace infrashare {

class WebhookClient;

class WebhookService {
 public:
  static constexpr int kMaxWebhooksPerOrganization = 20;
  static constexpr int kMaxPage = 200;

  WebhookService(Store& store, const Clock& clock);

  // POST /webhooks {"url"}: admin role. Returns the webhook with its secret
  // (shown only here). Errors: a URL that is not http(s) (field "url").
  Result<Webhook> Register(const Caller& caller, const Json& body);
  // GET /webhooks: the caller's organization's webhooks (no secrets).
  Result<std::vector<Webhook>> List(const Caller& caller);
  // DELETE /webhooks/{id}: admin role; stops deliveries (the log stays).
  Result<Webhook> Disable(const Caller& caller, const std::string& id);
  // GET /webhooks/{id}/deliveries: the organization's own log, newest first;
  // query: cursor, limit.
  Result<std::pair<std::vector<WebhookDelivery>, std::optional<std::string>>> Deliveries(
      const Caller& caller, const std::string& id,
      const std::vector<std::pair<std::string, std::string>>& query);

 private:
  // The caller's organization's webhook `id`; others' answer as missing.
  Result<Webhook> Own(ReadTx& tx, const Caller& caller, const std::string& id);

  Store& store_;
  const Clock& clock_;
};

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
  };

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
  static Result<bool> CaughtUp(ReadTx& tx);

 private:
  struct Outcome;

  void FanoutLoop();
  Result<bool> FanoutStep();  // true: more events waiting
  void SendLoop();
  Result<void> SendStep();
  void Finish(WebhookDelivery delivery, const Webhook& webhook, int status, std::string error);
  void RecordLoop();
  // The active webhooks of the live space, by id, with the stored version
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
