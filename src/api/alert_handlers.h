// The hotline's API: /api/v1/alerts (raise, list, read, acknowledge),
// /api/v1/webhooks (register, list, disable, delivery log) and the event
// stream /api/v1/stream (Server-Sent Events).
#pragma once

#include "http/router.h"
#include "service/services.h"

namespace infrashare {

struct StreamLimits {
  size_t max_buffered_bytes = size_t{1} << 20;  // per connection; beyond it a slow client is cut off
  std::chrono::milliseconds heartbeat{15000};
};

void AddAlertRoutes(Router& router, Services& services, StreamLimits stream_limits);

}  // namespace infrashare
