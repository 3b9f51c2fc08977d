// /api/v1/alerts and /api/v1/webhooks.
#include "api/alert_handlers.h"

#include <fmt/format.h>

#include "api/handler_support.h"
#include "domain/alert/alert_json.h"

namespace infrashare::api {
namespace {

Json AlertReadJson(const AlertRead& read, bool with_summary) {
  Json j = AlertToJson(read.alert);
  if (with_summary && read.every_recipient) j["summary"] = AlertSummary(read.alert);
  return j;
}

const std::string& Id(const ApiCall& call) { return call.request.path_params.at("id"); }

}  // namespace

HttpResponse RaiseAlert(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto r = call.services.alerts.Raise(call.caller, body);
    if (!r) return ProblemResponse(r.error());
    // The alert and how many it reaches; its rows (thousands for an alert to
    // everyone) are at the Location.
    Json created = AlertHeadToJson(*r);
    created["summary"] = AlertSummary(*r);
    HttpResponse resp = JsonResponse(201, created.dump());
    resp.headers.emplace_back("Location", "/api/v1/alerts/" + r->id);
    return resp;
  });
}

HttpResponse ListAlerts(const ApiCall& call) {
  auto page = call.services.alerts.List(call.caller, call.request.query);
  if (!page) return ProblemResponse(page.error());
  Json items = Json::array();
  for (const auto& a : page->items) items.push_back(AlertReadJson(a, false));
  return JsonResponse(200, Page(std::move(items), page->next_cursor).dump());
}

HttpResponse GetAlert(const ApiCall& call) {
  auto r = call.services.alerts.Get(call.caller, Id(call));
  if (!r) return ProblemResponse(r.error());
  return JsonResponse(200, AlertReadJson(*r, true).dump());
}

HttpResponse AcknowledgeAlert(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto r = call.services.alerts.Acknowledge(call.caller, Id(call), body);
    if (!r) return ProblemResponse(r.error());
    return JsonResponse(200, RecipientToJson(*r).dump());
  });
}

HttpResponse RegisterWebhook(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto r = call.services.webhooks.Register(call.caller, body);
    if (!r) return ProblemResponse(r.error());
    HttpResponse resp = JsonResponse(201, WebhookToJson(*r, /*with_secret=*/true).dump());
    resp.headers.emplace_back("Location", "/api/v1/webhooks/" + r->id);
    return resp;
  });
}

HttpResponse ListWebhooks(const ApiCall& call) {
  auto r = call.services.webhooks.List(call.caller);
  if (!r) return ProblemResponse(r.error());
  Json items = Json::array();
  for (const auto& h : *r) items.push_back(WebhookToJson(h, false));
  return JsonResponse(200, Items(std::move(items)).dump());
}

HttpResponse DisableWebhook(const ApiCall& call) {
  auto r = call.services.webhooks.Disable(call.caller, Id(call));
  if (!r) return ProblemResponse(r.error());
  return JsonResponse(200, WebhookToJson(*r, false).dump());
}

HttpResponse ListWebhookDeliveries(const ApiCall& call) {
  auto r = call.services.webhooks.Deliveries(call.caller, Id(call), call.request.query);
  if (!r) return ProblemResponse(r.error());
  Json items = Json::array();
  for (const auto& d : r->first) items.push_back(WebhookDeliveryToJson(d));
  return JsonResponse(200, Page(std::move(items), r->second).dump());
}

}  // namespace infrashare::api
