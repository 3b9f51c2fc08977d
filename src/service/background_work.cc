#include "service/background_work.h"

#include <spdlog/spdlog.h>

namespace infrashare {
namespace {

// Webhooks are delivered by the rule they were registered by.
WebhookDispatcher::Options DeliveredAsRegistered(WebhookDispatcher::Options options,
                                                 const Services& services) {
  options.addresses = services.webhooks.addresses();
  return options;
}

}  // namespace

BackgroundWork::BackgroundWork(Services& services, BackgroundWorkOptions options)
    : services_(services),
      options_(options),
      feed_(services.store, services.registry, &services.alerts),
      hub_(feed_, options.stream),
      webhooks_(services.store, services.clock, feed_, services.alerts,
                DeliveredAsRegistered(options.webhooks, services)),
      credentials_(services, options.credentials) {}

BackgroundWork::~BackgroundWork() { Stop(); }

Result<void> BackgroundWork::Start() {
  if (auto r = hub_.Start(); !r) return r;
  if (auto r = webhooks_.Start(); !r) return r;
  if (auto r = credentials_.Start(); !r) return r;
  outbox_wakeups_ = services_.store.OnOutboxAppended([this] {
    hub_.Wake();
    webhooks_.Wake();
  });
  escalation_ = std::thread([this] { EscalationLoop(); });
  return {};
}

void BackgroundWork::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  outbox_wakeups_.Reset();
  if (escalation_.joinable()) escalation_.join();
  credentials_.Stop();  // before the hub: it ends streams there
  webhooks_.Stop();
  hub_.Stop();
}

void BackgroundWork::EscalationLoop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    // Drain what is due, one batch per transaction.
    while (true) {
      auto handled = services_.alerts.EscalateDue(options_.escalation_batch);
      if (!handled) {
        spdlog::warn("escalation: {}", handled.error().message);
        break;
      }
      if (*handled > 0) spdlog::info("escalation: {} recipients past their deadline handled", *handled);
      if (*handled < options_.escalation_batch) break;
    }
    lock.lock();
    wake_.wait_for(lock, options_.escalation_tick, [this] { return stopping_; });
  }
}

}  // namespace infrashare
