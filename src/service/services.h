// All use cases of one running system, wired to one store and one clock.
// The app builds one Services; the api layer calls into it.
//
// Thread behaviour: every service is thread-safe.
#pragma once

#include "common/time.h"
#include "service/audit_service.h"
#include "service/auth_service.h"
#include "service/registry_service.h"
#include "service/report_service.h"
#include "store/store.h"

namespace infrashare {

struct Services {
  Services(Store& store_in, const Clock& clock_in)
      : store(store_in), clock(clock_in), registry(store, clock), auth(store, registry), reports(store, clock), audit(store) {}

  Store& store;
  const Clock& clock;
  RegistryService registry;
  AuthService auth;
  ReportService reports;
  AuditService audit;
};

}  // namespace infrashare
