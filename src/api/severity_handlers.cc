#include "api/severity_handlers.h"

#include "api/handler_support.h"
#include "domain/report/report_json.h"

namespace infrashare {

namespace {

Result<const AssessmentService*> Assessments(const Services& s) {
  if (!s.assessments) return Unavailable("severity assessment is not configured on this server");
  return s.assessments.get();
}

// POST /assess once the caller is known: pure computation, no store.
HttpResponse Preview(const Services& s, const HttpRequest& req, const Caller& caller) {
  return WithJsonBody(req, [&](const Json& body) {
    auto a = Assessments(s);
    if (!a) return ProblemResponse(a.error());
    return Render(200, (*a)->Preview(caller, body));
  });
}

}  // namespace

void AddSeverityRoutes(Router& router, Services& s) {
  // The web form's preview answers on the network thread whenever the token
  // is in the authentication cache (non-blocking route, see router.h).
  router.Add(
      "POST", "/api/v1/assess", "Preview a severity assessment and response plan for impact facts; stores nothing",
      [&s](const HttpRequest& req) {
        return WithCaller(s, req, [&](const Caller& caller) { return Preview(s, req, caller); });
      },
      [&s](const HttpRequest& req) {
        return WithCachedCaller(s, req, [&](const Caller& caller) { return Preview(s, req, caller); });
      });
  router.Add("POST", "/api/v1/reports/{id}/assessment",
             "Confirm or override a report's severity (analysts of NISC or a ministry; justification required)",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 return WithJsonBody(req, [&](const Json& body) {
                   if (!s.assessments) return ProblemResponse(Assessments(s).error());
                   auto r = s.assessments->Review(caller, req.path_params.at("id"), body);
                   return Render(200, r ? Result<Json>(ToJson(*r)) : std::unexpected(r.error()));
                 });
               });
             });
  router.Add("GET", "/api/v1/severity/policies", "The severity policies loaded, and the one in force",
             [&s](const HttpRequest&) {
               auto a = Assessments(s);
               if (!a) return ProblemResponse(a.error());
               Json items = Json::array();
               for (const Policy* p : (*a)->policies()) {
                 Json levels = Json::array();
                 for (int l = p->scale_min; l <= p->scale_max; ++l)
                   levels.push_back({{"level", l}, {"ja", p->NameOf(l).ja}, {"en", p->NameOf(l).en}});
                 items.push_back({{"id", p->id},
                                  {"version", p->version},
                                  {"title_ja", p->title_ja},
                                  {"title_en", p->title_en},
                                  {"in_force", p->id == (*a)->active().id},
                                  {"levels", std::move(levels)}});
               }
               return JsonResponse(200, Json{{"items", std::move(items)}}.dump());
             });
}

}  // namespace infrashare
