// The live channels' view of the outbox: each event, rendered for one
// organization exactly as that organization may see it — the stream hub
// (hotline/stream_hub.h) and the webhook dispatcher (webhook_dispatcher.h)
// both render through it, so no channel decides visibility on its own.
//
// Event data (one line of JSON):
//   report.created | report.updated | report.relayed
//     {"type", "report": the report as Visibility()/Present() allow}
//   alert.raised
//     {"type", "alert": the alert without recipients (report_id only for a
//      viewer that may see the report), "recipient": the viewer's own row or
//      null, "summary": counts per state (viewers that see every row)}
//   alert.acknowledged | alert.escalated | alert.recipient_added
//     (events about one recipient, the outbox event's `subject`)
//     {"type", "alert": as above, "recipient": the subject's row}; seen by
//      the subject itself and by viewers that see every row
// A feed serves one space: events of any other render for nobody, so
// exercises never reach a live channel.
//
// Thread behaviour: EventFeed is thread-safe; each StreamEvent it returns is
// used by one thread at a time.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "domain/space/space.h"
#include "hotline/stream_hub.h"
#include "service/alert_service.h"
#include "service/registry_service.h"
#include "store/store.h"

namespace infrashare {

class EventFeed final : public StreamSource {
 public:
  // `alerts` receives the stream channel's deliveries (may be null): a
  // thread of the feed records them, off the hub's dispatcher thread.
  EventFeed(Store& store, RegistryService& registry, AlertService* alerts, Space space = Space());
  ~EventFeed() override;  // records what is still queued

  Result<std::vector<std::unique_ptr<StreamEvent>>> After(int64_t after, int limit) override;
  Result<int64_t> Newest() override;
  // Wakes the thread that records the stream deliveries collected.
  void BatchDone() override;

  const Space& space() const { return space_; }

  // Called by events (any thread).
  void QueueDelivery(ChannelUpdate update);

 private:
  Store& store_;
  RegistryService& registry_;
  AlertService* alerts_;
  const Space space_;
  void RecordLoop();

  std::mutex mutex_;
  std::condition_variable wake_;
  // State below is protected by mutex_.
  std::vector<ChannelUpdate> pending_;
  bool stopping_ = false;
  std::thread recorder_;  // started with the first delivery
};

}  // namespace infrashare
