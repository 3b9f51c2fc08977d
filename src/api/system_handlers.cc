#include "api/system_handlers.h"

#include "api/openapi.h"

namespace infrashare::api {

HttpResponse Healthz(const ApiCall& call) {
  if (!call.services.health.Check())
    return HttpResponse{.status = 503, .body = Json{{"status", "unavailable"}}.dump()};
  return JsonResponse(200, Json{{"status", "ok"}}.dump());
}

HttpResponse GetOpenApi(const ApiCall&) { return JsonResponse(200, OpenApiText()); }

}  // namespace infrashare::api
