// /api/v1/reports: submit, list, get, revise, relay, revisions.
#pragma once

#include "api/route_table.h"

namespace infrashare::api {

HttpResponse SubmitReport(const ApiCall& call);
HttpResponse PreviewReport(const ApiCall& call);
HttpResponse ListReports(const ApiCall& call);
HttpResponse GetReport(const ApiCall& call);
HttpResponse ReviseReport(const ApiCall& call);
HttpResponse RelayReport(const ApiCall& call);
HttpResponse ListRevisions(const ApiCall& call);
HttpResponse ReportAsOthersSee(const ApiCall& call);

}  // namespace infrashare::api
