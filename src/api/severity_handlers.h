// /api/v1/assess (preview), /api/v1/reports/{id}/assessment (review) and
// /api/v1/severity/policies.
#pragma once

#include "api/route_table.h"

namespace infrashare::api {

// Pure computation, no store: its line is non_blocking (the web form's
// preview answers on the network thread when the token is cached).
HttpResponse PreviewAssessment(const ApiCall& call);
HttpResponse ReviewAssessment(const ApiCall& call);
HttpResponse ListPolicies(const ApiCall& call);

}  // namespace infrashare::api
