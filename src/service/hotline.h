// The hotline's background work in a serving process: the stream hub fed by
// the event feed (GET /api/v1/stream), the webhook dispatcher, and the
// escalation of alerts not acknowledged in time. Deadlines are data (the
// recipients' `deadline` column), not timers: every tick asks the store for
// the recipients past theirs, so a restart loses none.
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

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // protected by mutex_
  std::thread escalation_;
};

}  // namespace infrashare
