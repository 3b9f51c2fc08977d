// All use cases of one running system, wired to one store and one clock.
// The app builds one Services; the api layer calls into it.
//
// Thread behaviour: every service is thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/time.h"
#include "domain/severity/policy.h"
#include "service/alert_service.h"
#include "service/assessment_service.h"
#include "service/audit_service.h"
#include "service/auth_service.h"
#include "service/health_service.h"
#include "service/registry_service.h"
#include "service/report_service.h"
#include "service/session_service.h"
#include "service/stream_service.h"
#include "service/webhook_service.h"
#include "store/store.h"

namespace infrashare {

struct Services {
  // Without policies there is no severity assessment: only for commands that
  // never take reports (init, admin). `serve` always loads them.
  // `webhook_addresses`: where webhooks may be registered and delivered to.
  Services(Store& store_in, const Clock& clock_in, std::vector<Policy> policies = {},
           std::string active_policy = "", WebhookAddressPolicy webhook_addresses = {})
      : store(store_in),
        clock(clock_in),
        registry(store, clock),
        auth(store, registry),
        sessions(store, clock, registry),
        assessments(policies.empty() ? nullptr
                                     : std::make_unique<AssessmentService>(&store, clock, std::move(policies),
                                                                           std::move(active_policy))),
        reports(store, clock, assessments.get()),
        audit(store),
        alerts(store, clock, registry),
        webhooks(store, clock, std::move(webhook_addresses)),
        health(store) {}

  Store& store;
  const Clock& clock;
  RegistryService registry;
  AuthService auth;
  SessionService sessions;
  std::unique_ptr<AssessmentService> assessments;  // null without policies
  ReportService reports;
  AuditService audit;
  AlertService alerts;
  WebhookService webhooks;
  HealthService health;
  // The event stream: served from the hub of `serve`'s background work
  // (service/background_work.h) while it runs; none for the other commands.
  StreamService stream;
};

}  // namespace infrashare
