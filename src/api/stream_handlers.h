// The event stream /api/v1/stream (Server-Sent Events): the caller's start
// from StreamService, its connection adapted to the hub's sink.
#pragma once

#include "api/route_table.h"

namespace infrashare::api {

HttpResponse OpenStream(const ApiCall& call);

}  // namespace infrashare::api
