// Signing in and out of the browser UI, and the administrator's setup codes
// (service/session_service.h). The session cookie is written and read by
// http/cookie.h.
#pragma once

#include "api/route_table.h"

namespace infrashare::api {

HttpResponse SignIn(const ApiCall& call);
HttpResponse WhoAmI(const ApiCall& call);
HttpResponse SignOut(const ApiCall& call);
HttpResponse ChangePassword(const ApiCall& call);
HttpResponse SetLanguage(const ApiCall& call);
HttpResponse IssueSetupCode(const ApiCall& call);

}  // namespace infrashare::api
