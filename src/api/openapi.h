// The OpenAPI 3.1 document of the API, generated from the route table
// (api/routes.cc) and the schemas (api/schemas.h): for each line its path
// and query parameters, its security (none for public lines, the bearer
// scheme otherwise, with the role named), its request body schema, its
// responses with their schemas, and problem+json for every error.
//
// Thread behaviour: pure; OpenApiText() computes the text once.
#pragma once

#include <span>
#include <string>

#include "api/route_table.h"
#include "common/json.h"

namespace infrashare {

Json OpenApiDocument(std::span<const ApiRoute> routes);
// The document of ApiRoutes(), serialized; what GET /api/v1/openapi.json answers.
const std::string& OpenApiText();

}  // namespace infrashare
