#pragma once

#include "http/router.h"
#include "service/services.h"

namespace infrashare {

void AddReportRoutes(Router& router, Services& services);

}  // namespace infrashare
