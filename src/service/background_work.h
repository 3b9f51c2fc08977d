// The serving process's background work: the stream hub fed by the event
// feed (GET /api/v1/stream), the webhook dispatcher, and the escalation of
// alerts not acknowledged in time, all for one space (live), woken by the
// store's outbox wake-ups; and the credential watch, which ends the streams
// of revoked credentials and shows other processes' registry changes. Several processes on one database may
// run it side by side; how they share the work: docs/services.md, "Background work".
//
// Errors: Start fails when the hub or the dispatcher cannot start; later
// failures are logged and retried.
//
// Thread behaviour: Start/Stop from one thread; hub() is thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "hotline/stream_hub.h"
#include "service/credential_watch.h"
#include "service/event_feed.h"
#include "service/services.h"
#include "service/webhook_dispatcher.h"

namespace infrashare {

struct BackgroundWorkOptions {
  StreamHub::Options stream;
  WebhookDispatcher::Options webhooks;  // its `addresses`: the services' webhooks.addresses()
  std::chrono::milliseconds escalation_tick{1000};
  int escalation_batch = 200;
  CredentialWatch::Options credentials;
};

class BackgroundWork {
 public:
  BackgroundWork(Services& services, BackgroundWorkOptions options);
  ~BackgroundWork();  // Stop()s

  Result<void> Start();
  void Stop();

  StreamHub& hub() { return hub_; }

 private:
  void EscalationLoop();

  Services& services_;
  const BackgroundWorkOptions options_;
  EventFeed feed_;
  StreamHub hub_;
  WebhookDispatcher webhooks_;
  CredentialWatch credentials_;
  OutboxSubscription outbox_wakeups_;  // to hub_ and webhooks_; ended first in Stop

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // protected by mutex_
  std::thread escalation_;
};

}  // namespace infrashare
