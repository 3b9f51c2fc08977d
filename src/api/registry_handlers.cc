#include "api/registry_handlers.h"

#include "api/handler_support.h"
#include "domain/registry/registry_json.h"
#include "domain/sharing/visibility.h"

namespace infrashare::api {
namespace {

template <class T>
HttpResponse ItemsResponse(const std::vector<T>& list) {
  Json items = Json::array();
  for (const auto& x : list) items.push_back(ToJson(x));
  return JsonResponse(200, Items(std::move(items)).dump());
}

// An organization as the caller may read it: its contacts' e-mail and phone
// only where ContactsVisible says so.
Json OrganizationJson(const ApiCall& call, const Organization& o) {
  Json j = ToJson(o);
  if (!ContactsVisible(call.caller.organization, o, *call.caller.registry))
    for (auto& c : j["contacts"]) {
      c.erase("email");
      c.erase("phone");
    }
  return j;
}

}  // namespace

HttpResponse ListSectors(const ApiCall& call) { return ItemsResponse(call.caller.registry->data().sectors); }

HttpResponse ListMinistries(const ApiCall& call) {
  Json items = Json::array();
  for (const Ministry& m : call.services.registry.Ministries())
    items.push_back({{"id", m.id}, {"name_ja", m.name_ja}, {"name_en", m.name_en}, {"sectors", m.sectors}});
  return JsonResponse(200, Items(std::move(items)).dump());
}

HttpResponse ListCeptoars(const ApiCall& call) {
  return ItemsResponse(call.caller.registry->data().ceptoars);
}

HttpResponse ListGroups(const ApiCall& call) { return ItemsResponse(call.caller.registry->data().groups); }

HttpResponse ListOrganizations(const ApiCall& call) {
  const HttpRequest& r = call.request;
  auto page = call.services.registry.ListOrganizations(
      call.caller,
      {.kind = r.Query("kind"), .sector = r.Query("sector"), .q = r.Query("q"), .limit = r.Query("limit")});
  if (!page) return ProblemResponse(page.error());
  Json items = Json::array();
  for (const Organization* o : page->items) items.push_back(OrganizationJson(call, *o));
  Json body = Items(std::move(items));
  body["total"] = page->total;
  return JsonResponse(200, body.dump());
}

HttpResponse GetOrganization(const ApiCall& call) {
  const Organization* o = call.caller.registry->FindOrganization(call.request.path_params.at("id"));
  if (!o) return ProblemResponse(Error{ErrorCode::kNotFound, "organization not found", ""});
  return JsonResponse(200, OrganizationJson(call, *o).dump());
}

HttpResponse AddOrganization(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto org = call.services.registry.AddOrganization(call.caller, body);
    return Render(201, org ? Result<Json>(ToJson(*org)) : std::unexpected(org.error()));
  });
}

HttpResponse AddPrincipal(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto p = call.services.registry.AddPrincipal(call.caller, body);
    return Render(201, p ? Result<Json>(ToJson(*p)) : std::unexpected(p.error()));
  });
}

HttpResponse UpdatePrincipal(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto p = call.services.registry.UpdatePrincipal(call.caller, call.request.path_params.at("id"), body);
    return Render(200, p ? Result<Json>(ToJson(*p)) : std::unexpected(p.error()));
  });
}

HttpResponse ListPrincipals(const ApiCall& call) {
  auto list = call.services.registry.ListPrincipals(call.caller, call.request.Query("organization"));
  if (!list) return ProblemResponse(list.error());
  Json items = Json::array();
  for (const auto& p : *list) items.push_back(ToJson(p));
  return JsonResponse(200, Items(std::move(items)).dump());
}

HttpResponse IssueToken(const ApiCall& call) {
  return WithJsonBody(call.request, [&](const Json& body) {
    auto t = call.services.registry.IssueToken(call.caller, call.request.path_params.at("id"), body);
    if (!t) return ProblemResponse(t.error());
    Json issued = ToJson(t->token);
    issued["token"] = t->secret_token;
    return JsonResponse(201, issued.dump());
  });
}

HttpResponse RevokeToken(const ApiCall& call) {
  auto r = call.services.registry.RevokeToken(call.caller, call.request.path_params.at("id"));
  if (!r) return ProblemResponse(r.error());
  return HttpResponse{.status = 204, .content_type = "", .body = ""};
}

HttpResponse ListAudit(const ApiCall& call) {
  auto events =
      call.services.audit.List(call.caller, call.request.Query("after"), call.request.Query("limit"));
  if (!events) return ProblemResponse(events.error());
  Json items = Json::array();
  for (const auto& e : *events)
    items.push_back({{"seq", e.seq},
                     {"at", FormatRfc3339(e.at)},
                     {"actor_principal", e.actor_principal},
                     {"actor_organization", e.actor_org},
                     {"action", e.action},
                     {"target_kind", e.target_kind},
                     {"target_id", e.target_id},
                     {"detail", e.detail},
                     {"hash", e.hash}});
  return JsonResponse(200, Items(std::move(items)).dump());
}

}  // namespace infrashare::api
