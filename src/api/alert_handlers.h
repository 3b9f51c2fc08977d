// The hotline's API: /api/v1/alerts (raise, list, read, acknowledge),
// /api/v1/webhooks (register, list, disable, delivery log) and the event
// stream /api/v1/stream (Server-Sent Events).
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
HttpResponse OpenStream(const ApiCall& call);

}  // namespace infrashare::api
