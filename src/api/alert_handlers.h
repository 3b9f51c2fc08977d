// The hotline's API: /api/v1/alerts (raise, list, read, acknowledge) and
// /api/v1/webhooks (register, list, disable, delivery log); the event stream
// is in stream_handlers.h.
#pragma once

#include "api/route_table.h"

namespace infrashare::api {

HttpResponse RaiseAlert(const ApiCall& call);
HttpResponse ListAlerts(const ApiCall& call);
HttpResponse GetAlert(const ApiCall& call);
HttpResponse AcknowledgeAlert(const ApiCall& call);
HttpResponse RegisterWebhook(const ApiCall& call);
HttpResponse ListWebhooks(const ApiCall& call);
HttpResponse DisableWebhook(const ApiCall& call);
HttpResponse ListWebhookDeliveries(const ApiCall& call);

}  // namespace infrashare::api
