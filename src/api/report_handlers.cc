// /api/v1/reports: submit, list, get, revise, relay, revisions.
#include "api/report_handlers.h"

#include "api/handler_support.h"
#include "domain/report/report_json.h"

namespace infrashare::api {
namespace {

Result<Json> ReportJson(const Result<Report>& r) {
  if (!r) return std::unexpected(r.error());
  return ToJson(*r);
}

const std::string& Id(const ApiCall& call) { return call.request.path_params.at("id"); }

}  // namespace

HttpResponse SubmitReport(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto r = call.services.reports.Submit(call.caller, body);
    HttpResponse resp = Render(201, ReportJson(r));
    if (r) resp.headers.emplace_back("Location", "/api/v1/reports/" + r->id);
    return resp;
  });
}

HttpResponse ListReports(const ApiCall& call) {
  auto page = call.services.reports.List(call.caller, call.request.query);
  if (!page) return ProblemResponse(page.error());
  return JsonResponse(200, PageText(page->items, page->next_cursor));
}

HttpResponse GetReport(const ApiCall& call) {
  return Render(200, ReportJson(call.services.reports.Get(call.caller, Id(call))));
}

HttpResponse ReviseReport(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    return Render(200, ReportJson(call.services.reports.Update(call.caller, Id(call), body)));
  });
}

HttpResponse RelayReport(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    return Render(200, ReportJson(call.services.reports.Relay(call.caller, Id(call), body)));
  });
}

HttpResponse ListRevisions(const ApiCall& call) {
  auto revisions = call.services.reports.Revisions(call.caller, Id(call));
  if (!revisions) return ProblemResponse(revisions.error());
  Json items = Json::array();
  for (const auto& r : *revisions) items.push_back(ToJson(r));
  return JsonResponse(200, Items(std::move(items)).dump());
}

}  // namespace infrashare::api
