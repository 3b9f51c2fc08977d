#include "api/severity_handlers.h"

#include "api/handler_support.h"
#include "domain/report/report_json.h"

namespace infrashare::api {
namespace {

Result<AssessmentService*> Assessments(const Services& s) {
  if (!s.assessments) return Unavailable("severity assessment is not configured on this server");
  return s.assessments.get();
}

}  // namespace

HttpResponse PreviewAssessment(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto a = Assessments(call.services);
    if (!a) return ProblemResponse(a.error());
    return Render(200, (*a)->Preview(call.caller, body));
  });
}

HttpResponse ReviewAssessment(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto a = Assessments(call.services);
    if (!a) return ProblemResponse(a.error());
    auto r = (*a)->Review(call.caller, call.request.path_params.at("id"), body);
    return Render(200, r ? Result<Json>(ToJson(*r)) : std::unexpected(r.error()));
  });
}

HttpResponse ListPolicies(const ApiCall& call) {
  auto a = Assessments(call.services);
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
  return JsonResponse(200, Items(std::move(items)).dump());
}

}  // namespace infrashare::api
