// The hotline's background work in a serving process: the stream hub fed by
// the event feed (GET /api/v1/stream), the webhook dispatcher, and the
// escalation of alerts not acknowledged in time. Deadlines are data (the
// recipients' `deadline` column), not timers: every tick asks the store for
// the recipients past theirs, so a restart loses none.
//
// Several processes on one PostgreSQL database share this work. The store's
// outbox wake-up (Store::OnOutboxAppended) is wired to the hub's and the
// webhook dispatcher's Wake: a commit that appended outbox events — here, or
// in another process, carried by LISTEN/NOTIFY — reaches this process's
// stream clients and webhooks at once; their polls are only a safety net
// for a notification lost with a connection (the outbox is the source of
// truth). Due recipients and webhook deliveries are taken with FOR UPDATE
// SKIP LOCKED (deliveries also leased), so each escalation and each POST
// happens in one process only.
//
// Thread behaviour: Start/Stop from one thread; hub() is thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "hotline/stream_hub.h"
#include "service/event_feed.h"
#include "service/services.h"
#include "service/webhook_service.h"

namespace infrashare {

struct HotlineOptions {
  StreamHub::Options stream;
  WebhookDispatcher::Options webhooks;
  std::chrono::milliseconds escalation_tick{1000};
  int escalation_batch = 200;
};

class Hotline {
 public:
  Hotline(Services& services, HotlineOptions options);
  ~Hotline();  // Stop()s

  Result<void> Start();
  void Stop();

  StreamHub& hub() { return hub_; }

 private:
  void EscalationLoop();

  Services& services_;
  const HotlineOptions options_;
  EventFeed feed_;
  StreamHub hub_;
  WebhookDispatcher webhooks_;
  OutboxSubscription outbox_wakeups_;  // to hub_ and webhooks_; ended first in Stop

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // protected by mutex_
  std::thread escalation_;
};

}  // namespace infrashare
