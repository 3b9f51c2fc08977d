// /healthz and the OpenAPI document.
#pragma once

#include "api/route_table.h"

namespace infrashare::api {

// 200 {"status":"ok"} when the database answers; 503 {"status":"unavailable"}.
HttpResponse Healthz(const ApiCall& call);
HttpResponse GetOpenApi(const ApiCall& call);

}  // namespace infrashare::api
