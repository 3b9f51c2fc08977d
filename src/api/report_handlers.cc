// /api/v1/reports: submit, list, get, revise, relay, revisions.
#include "api/report_handlers.h"

#include "api/handler_support.h"
#include "domain/report/report_json.h"

namespace infrashare {

namespace {

Result<Json> ReportJson(const Result<Report>& r) {
  if (!r) return std::unexpected(r.error());
  return ToJson(*r);
}

}  // namespace

void AddReportRoutes(Router& router, Services& s) {
  router.Add("POST", "/api/v1/reports", "Submit a report (reporter role); the route decides its recipients",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 return WithJsonBody(req, [&](const Json& body) {
                   auto r = s.reports.Submit(caller, body);
                   HttpResponse resp = Render(201, ReportJson(r));
                   if (r) resp.headers.emplace_back("Location", "/api/v1/reports/" + r->id);
                   return resp;
                 });
               });
             });
  router.Add("GET", "/api/v1/reports",
             "List the reports the caller may see, newest first (filters: kind, sector, route, tlp, "
             "created_from, created_to, updated_since, q; cursor, limit)",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 auto page = s.reports.List(caller, req.query);
                 if (!page) return ProblemResponse(page.error());
                 Json items = Json::array();
                 for (const auto& r : page->items) items.push_back(ToJson(r));
                 Json body{{"items", std::move(items)}};
                 body["next_cursor"] = page->next_cursor ? Json(*page->next_cursor) : Json(nullptr);
                 return JsonResponse(200, body.dump());
               });
             });
  router.Add("GET", "/api/v1/reports/{id}", "Fetch one report as the caller may see it",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 return Render(200, ReportJson(s.reports.Get(caller, req.path_params.at("id"))));
               });
             });
  router.Add("PATCH", "/api/v1/reports/{id}", "Revise a report (submitting organization); makes a new revision",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 return WithJsonBody(req, [&](const Json& body) {
                   return Render(200, ReportJson(s.reports.Update(caller, req.path_params.at("id"), body)));
                 });
               });
             });
  router.Add("POST", "/api/v1/reports/{id}/relay",
             "Relay a report (relay role of the CEPTOAR secretariat or agency it was sent through)",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 return WithJsonBody(req, [&](const Json& body) {
                   return Render(200, ReportJson(s.reports.Relay(caller, req.path_params.at("id"), body)));
                 });
               });
             });
  router.Add("GET", "/api/v1/reports/{id}/revisions", "Every revision of a report, oldest first",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 auto revisions = s.reports.Revisions(caller, req.path_params.at("id"));
                 if (!revisions) return ProblemResponse(revisions.error());
                 Json items = Json::array();
                 for (const auto& r : *revisions) items.push_back(ToJson(r));
                 return JsonResponse(200, Json{{"items", std::move(items)}}.dump());
               });
             });
}

}  // namespace infrashare
