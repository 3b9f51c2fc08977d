// /api/v1/registry/... (read) and /api/v1/admin/... (administration).
#pragma once

#include "api/route_table.h"

namespace infrashare::api {

// The plan's public structure.
HttpResponse ListSectors(const ApiCall& call);
HttpResponse ListMinistries(const ApiCall& call);
HttpResponse ListCeptoars(const ApiCall& call);
// For members.
HttpResponse ListGroups(const ApiCall& call);
HttpResponse ListOrganizations(const ApiCall& call);
HttpResponse GetOrganization(const ApiCall& call);
// Administration.
HttpResponse AddOrganization(const ApiCall& call);
HttpResponse AddPrincipal(const ApiCall& call);
HttpResponse UpdatePrincipal(const ApiCall& call);
HttpResponse ListPrincipals(const ApiCall& call);
HttpResponse IssueToken(const ApiCall& call);
HttpResponse RevokeToken(const ApiCall& call);
HttpResponse ListAudit(const ApiCall& call);

}  // namespace infrashare::api
