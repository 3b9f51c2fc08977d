#pragma once

#include "http/router.h"
#include "service/services.h"

namespace infrashare {

// /api/v1/registry/... (read) and /api/v1/admin/... (administration).
void AddRegistryRoutes(Router& router, Services& services);

}  // namespace infrashare
