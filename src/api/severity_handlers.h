#pragma once

#include "http/router.h"
#include "service/services.h"

namespace infrashare {

// /api/v1/assess (preview), /api/v1/reports/{id}/assessment (review) and
// /api/v1/severity/policies.
void AddSeverityRoutes(Router& router, Services& services);

}  // namespace infrashare
