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

// At most this many audience organizations are named in a preview; the
// count is always whole.
constexpr size_t kPreviewAudienceNames = 50;

Json OrganizationBrief(const Organization& o) {
  return {
      {"id", o.id}, {"name_ja", o.name_ja}, {"name_en", o.name_en}, {"kind", NameOf(kOrgKindNames, o.kind)}};
}

Json PreviewJson(const SubmissionPreview& p, const Registry& registry) {
  Json recipients = Json::array();
  auto add = [&](const std::vector<Delivery>& deliveries, std::string_view when) {
    for (const Delivery& d : deliveries) {
      const Organization* o = registry.FindOrganization(d.organization);
      Json r = o ? OrganizationBrief(*o) : Json{{"id", d.organization}};
      r["role"] = NameOf(kDeliveryRoleNames, d.role);
      r["when"] = when;
      recipients.push_back(std::move(r));
    }
  };
  add(p.report.deliveries, "submit");
  add(p.at_relay, "relay");
  Json named = Json::array();
  for (size_t i = 0; i < p.audience.size() && i < kPreviewAudienceNames; ++i)
    named.push_back(OrganizationBrief(*p.audience[i]));
  // The names of the organizations the response plan notifies (it names
  // them by id), so that a form can show them.
  Json names = Json::object();
  if (p.report.assessment)
    for (const ResponseAction& a : p.report.assessment->response_plan.actions)
      for (const Recipient& r : a.notify)
        if (const Organization* o = registry.FindOrganization(r.organization))
          names[o->id] = {{"name_ja", o->name_ja}, {"name_en", o->name_en}};
  return {{"assessment", p.report.assessment ? ToJson(*p.report.assessment) : Json(nullptr)},
          {"names", std::move(names)},
          {"released_at_submit", p.report.released},
          {"source_hidden", p.report.anonymized},
          {"recipients", std::move(recipients)},
          {"audience", {{"count", p.audience.size()}, {"organizations", std::move(named)}}},
          {"as_others_see", ToJson(p.as_others_see)}};
}

}  // namespace

HttpResponse SubmitReport(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto r = call.services.reports.Submit(call.caller, body);
    HttpResponse resp = Render(201, ReportJson(r));
    if (r) resp.headers.emplace_back("Location", "/api/v1/reports/" + r->id);
    return resp;
  });
}

HttpResponse PreviewReport(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto p = call.services.reports.PreviewSubmission(call.caller, body);
    if (!p) return ProblemResponse(p.error());
    return JsonResponse(200, PreviewJson(*p, *call.caller.registry).dump());
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

HttpResponse ReportAsOthersSee(const ApiCall& call) {
  return Render(200,
                ReportJson(call.services.reports.AsOthersSee(call.caller, Id(call), call.request.query)));
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
