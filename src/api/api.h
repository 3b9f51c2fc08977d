// The REST API: every endpoint of /api/v1 and the system endpoints, added to
// one route table. Handlers are thin: parse, call one service, render.
//
// Thread behaviour: handlers are called from many worker threads; they hold
// no state beyond the Services reference.
#pragma once

#include "api/alert_handlers.h"
#include "common/json.h"
#include "http/router.h"
#include "service/services.h"

namespace infrashare {

void AddRoutes(Router& router, Services& services, StreamLimits stream_limits = {});

// The OpenAPI 3.1 document for the routes in `router`.
Json OpenApiDocument(const Router& router);

}  // namespace infrashare
