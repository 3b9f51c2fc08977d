// Whether this process can serve: the database answers a read. Backs
// GET /healthz (load balancers, systemd, the README's first command).
//
// Thread behaviour: thread-safe (one store read a call).
#pragma once

#include "common/error.h"
#include "store/store.h"

namespace infrashare {

class HealthService {
 public:
  explicit HealthService(Store& store) : store_(store) {}

  // Succeeds when the store answers a read of its schema version;
  // kUnavailable "the database does not answer" otherwise (the store's own
  // error is logged, never sent: the route is public).
  Result<void> Check() const;

 private:
  Store& store_;
};

}  // namespace infrashare
