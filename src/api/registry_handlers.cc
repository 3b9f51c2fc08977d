#include "api/registry_handlers.h"

#include "api/handler_support.h"
#include "common/parse.h"
#include "domain/registry/registry_json.h"

namespace infrashare {

namespace {

Json Items(Json items) { return Json{{"items", std::move(items)}}; }

Json PrincipalJson(const Principal& p) {
  Json roles = Json::array();
  for (Role r : p.roles) roles.push_back(NameOf(kRoleNames, r));
  return Json{{"id", p.id},
              {"organization", p.organization},
              {"name", p.name},
              {"roles", std::move(roles)},
              {"created_at", FormatRfc3339(p.created_at)}};
}

}  // namespace

void AddRegistryRoutes(Router& router, Services& s) {
  // The plan's public structure: sectors, ministries and CEPTOARs are public.
  router.Add("GET", "/api/v1/registry/sectors", "The CI sectors, in Japanese and English, with their ministry",
             [&s](const HttpRequest&) {
               Json items = Json::array();
               for (const auto& sector : s.registry.Snapshot()->data().sectors) items.push_back(ToJson(sector));
               return JsonResponse(200, Items(std::move(items)).dump());
             });
  router.Add("GET", "/api/v1/registry/ministries", "The sector ministries and the sectors under each",
             [&s](const HttpRequest&) {
               auto registry = s.registry.Snapshot();
               Json items = Json::array();
               for (const Organization* m : registry->OrganizationsOfKind(OrgKind::kMinistry)) {
                 Json sectors = Json::array();
                 for (const auto& sector : registry->data().sectors)
                   if (sector.ministry == m->id) sectors.push_back(sector.id);
                 items.push_back({{"id", m->id}, {"name_ja", m->name_ja}, {"name_en", m->name_en},
                                  {"sectors", std::move(sectors)}});
               }
               return JsonResponse(200, Items(std::move(items)).dump());
             });
  router.Add("GET", "/api/v1/registry/ceptoars",
             "The CEPTOARs with their secretariats, member and further-recipient figures from the plan",
             [&s](const HttpRequest&) {
               Json items = Json::array();
               for (const auto& c : s.registry.Snapshot()->data().ceptoars) items.push_back(ToJson(c));
               return JsonResponse(200, Items(std::move(items)).dump());
             });
  router.Add("GET", "/api/v1/registry/groups", "Sharing groups (ISACs, councils)", [&s](const HttpRequest& req) {
    return WithCaller(s, req, [&](const Caller& caller) {
      if (auto r = caller.RequireAuthenticated(); !r) return ProblemResponse(r.error());
      Json items = Json::array();
      for (const auto& g : caller.registry->data().groups) items.push_back(ToJson(g));
      return JsonResponse(200, Items(std::move(items)).dump());
    });
  });
  router.Add("GET", "/api/v1/registry/organizations", "Organizations (filters: kind, sector)",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 if (auto r = caller.RequireAuthenticated(); !r) return ProblemResponse(r.error());
                 const auto kind_name = req.Query("kind");
                 std::optional<OrgKind> kind;
                 if (kind_name) {
                   kind = ParseName(kOrgKindNames, *kind_name);
                   if (!kind) return ProblemResponse(Error{ErrorCode::kInvalidArgument, AllowedNames(kOrgKindNames), "kind"});
                 }
                 const auto sector = req.Query("sector");
                 Json items = Json::array();
                 for (const auto& o : caller.registry->data().organizations) {
                   if (kind && o.kind != *kind) continue;
                   if (sector && std::find(o.sectors.begin(), o.sectors.end(), *sector) == o.sectors.end()) continue;
                   items.push_back(ToJson(o));
                 }
                 return JsonResponse(200, Items(std::move(items)).dump());
               });
             });
  router.Add("GET", "/api/v1/registry/organizations/{id}", "One organization", [&s](const HttpRequest& req) {
    return WithCaller(s, req, [&](const Caller& caller) {
      if (auto r = caller.RequireAuthenticated(); !r) return ProblemResponse(r.error());
      const Organization* o = caller.registry->FindOrganization(req.path_params.at("id"));
      if (!o) return ProblemResponse(Error{ErrorCode::kNotFound, "organization not found", ""});
      return JsonResponse(200, ToJson(*o).dump());
    });
  });

  router.Add("POST", "/api/v1/admin/organizations", "Add an organization (admin)", [&s](const HttpRequest& req) {
    return WithCaller(s, req, [&](const Caller& caller) {
      return WithJsonBody(req, [&](const Json& body) {
        auto org = s.registry.AddOrganization(caller, body);
        return Render(201, org ? Result<Json>(ToJson(*org)) : std::unexpected(org.error()));
      });
    });
  });
  router.Add("POST", "/api/v1/admin/principals", "Add a principal with roles (admin)", [&s](const HttpRequest& req) {
    return WithCaller(s, req, [&](const Caller& caller) {
      return WithJsonBody(req, [&](const Json& body) {
        auto p = s.registry.AddPrincipal(caller, body);
        return Render(201, p ? Result<Json>(PrincipalJson(*p)) : std::unexpected(p.error()));
      });
    });
  });
  router.Add("GET", "/api/v1/admin/principals", "List principals (admin; filter: organization)",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 auto list = s.registry.ListPrincipals(caller, req.Query("organization"));
                 if (!list) return ProblemResponse(list.error());
                 Json items = Json::array();
                 for (const auto& p : *list) items.push_back(PrincipalJson(p));
                 return JsonResponse(200, Items(std::move(items)).dump());
               });
             });
  router.Add("POST", "/api/v1/admin/principals/{id}/tokens",
             "Issue an API token for a principal (admin); the token is shown once", [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 return WithJsonBody(req, [&](const Json& body) {
                   auto t = s.registry.IssueToken(caller, req.path_params.at("id"), body);
                   if (!t) return ProblemResponse(t.error());
                   return JsonResponse(201, Json{{"id", t->token.id},
                                                 {"principal", t->token.principal},
                                                 {"label", t->token.label},
                                                 {"created_at", FormatRfc3339(t->token.created_at)},
                                                 {"token", t->secret_token}}
                                                .dump());
                 });
               });
             });
  router.Add("GET", "/api/v1/admin/audit",
             "The audit trail, oldest first (admin; after, limit); what the caller's organization may not see "
             "is left out or has its source blanked",
             [&s](const HttpRequest& req) {
               return WithCaller(s, req, [&](const Caller& caller) {
                 auto after = ParseInteger(req.Query("after").value_or("0"), "after", 0, INT64_MAX);
                 if (!after) return ProblemResponse(after.error());
                 auto limit = ParseInteger(req.Query("limit").value_or("100"), "limit", 1, AuditService::kMaxPage);
                 if (!limit) return ProblemResponse(limit.error());
                 auto events = s.audit.List(caller, *after, int(*limit));
                 if (!events) return ProblemResponse(events.error());
                 Json items = Json::array();
                 for (const auto& e : *events)
                   items.push_back({{"seq", e.seq}, {"at", FormatRfc3339(e.at)}, {"actor_principal", e.actor_principal},
                                    {"actor_organization", e.actor_org}, {"action", e.action},
                                    {"target_kind", e.target_kind}, {"target_id", e.target_id},
                                    {"detail", e.detail}, {"hash", e.hash}});
                 return JsonResponse(200, Json{{"items", std::move(items)}}.dump());
               });
             });
  router.Add("DELETE", "/api/v1/admin/tokens/{id}", "Revoke an API token (admin)", [&s](const HttpRequest& req) {
    return WithCaller(s, req, [&](const Caller& caller) {
      auto r = s.registry.RevokeToken(caller, req.path_params.at("id"));
      if (!r) return ProblemResponse(r.error());
      return HttpResponse{.status = 204, .content_type = "", .body = ""};
    });
  });
}

}  // namespace infrashare
