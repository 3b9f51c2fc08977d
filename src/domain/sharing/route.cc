#include "domain/sharing/route.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/json.h"

namespace infrashare {

namespace {

void Deliver(std::vector<Delivery>& out, const std::vector<Delivery>& already, std::string_view submitter,
             const std::string& org, DeliveryRole role, Timestamp now) {
  if (org.empty() || org == submitter) return;
  auto same = [&](const Delivery& d) { return d.organization == org; };
  if (std::any_of(out.begin(), out.end(), same) || std::any_of(already.begin(), already.end(), same)) return;
  out.push_back({org, role, now});
}

void DeliverReleased(std::vector<Delivery>& out, const std::vector<Delivery>& already, ReportKind kind,
                     std::string_view submitter, const Registry& registry, Timestamp now) {
  if (const Organization* nisc = registry.CoordinationCenter())
    Deliver(out, already, submitter, nisc->id, DeliveryRole::kCoordinationCenter, now);
  if (kind == ReportKind::kCrimeReport)
    for (const Organization* o : registry.OrganizationsOfKind(OrgKind::kIncidentAgency))
      Deliver(out, already, submitter, o->id, DeliveryRole::kIncidentAgency, now);
}

std::string CeptoarChoices(const Organization& submitter) {
  std::string out;
  for (const auto& c : submitter.ceptoars) out += (out.empty() ? "" : ", ") + c;
  return out.empty() ? "none" : out;
}

}  // namespace

Result<RouteDecision> RouteAtSubmit(const RouteRequest& request, ReportKind kind, const Organization& submitter,
                                    const Registry& registry, Timestamp now) {
  RouteDecision d;
  const std::vector<Delivery> none;
  switch (request.route) {
    case Route::kDirect: {
      if (request.anonymized)
        return InvalidArgument("anonymized", "anonymity needs a relayed route (via_ceptoar or via_agency)");
      if (request.ceptoar) return InvalidArgument("ceptoar", "only a via_ceptoar route names a CEPTOAR");
      if (request.agency) return InvalidArgument("agency", "only a via_agency route names an agency");
      for (const auto& s : submitter.sectors)
        if (const Sector* sector = registry.FindSector(s))
          Deliver(d.deliveries, none, submitter.id, sector->ministry, DeliveryRole::kMinistry, now);
      DeliverReleased(d.deliveries, none, kind, submitter.id, registry, now);
      d.released = true;
      return d;
    }
    case Route::kViaCeptoar: {
      if (request.agency) return InvalidArgument("agency", "only a via_agency route names an agency");
      std::string id;
      if (request.ceptoar) {
        id = *request.ceptoar;
        if (std::find(submitter.ceptoars.begin(), submitter.ceptoars.end(), id) == submitter.ceptoars.end())
          return InvalidArgument("ceptoar", fmt::format("your organization is not a member of CEPTOAR '{}' "
                                                        "(member of: {})",
                                                        id, CeptoarChoices(submitter)));
      } else if (submitter.ceptoars.size() == 1) {
        id = submitter.ceptoars.front();
      } else if (submitter.ceptoars.empty()) {
        return InvalidArgument("route", "via_ceptoar needs a CEPTOAR membership; your organization has none");
      } else {
        return InvalidArgument("ceptoar", fmt::format("your organization is a member of several CEPTOARs; "
                                                      "name one of: {}",
                                                      CeptoarChoices(submitter)));
      }
      const Ceptoar* ceptoar = registry.FindCeptoar(id);
      if (ceptoar == nullptr || ceptoar->secretariats.empty())
        return InvalidArgument("ceptoar", fmt::format("CEPTOAR '{}' has no secretariat in the registry", id));
      for (const auto& s : ceptoar->secretariats) {
        if (s == submitter.id)
          return InvalidArgument("route", "your organization is this CEPTOAR's secretariat; use the direct route");
        Deliver(d.deliveries, none, submitter.id, s, DeliveryRole::kRelay, now);
      }
      d.relay_org = ceptoar->secretariats.front();
      d.via_ceptoar = ceptoar->id;
      return d;
    }
    case Route::kViaAgency: {
      if (request.ceptoar) return InvalidArgument("ceptoar", "only a via_ceptoar route names a CEPTOAR");
      std::string agencies;
      for (const Organization* o : registry.OrganizationsOfKind(OrgKind::kSecurityAgency))
        agencies += (agencies.empty() ? "" : ", ") + o->id;
      if (!request.agency)
        return InvalidArgument("agency", fmt::format("via_agency needs an agency, one of: {}", agencies));
      const Organization* agency = registry.FindOrganization(*request.agency);
      if (agency == nullptr || agency->kind != OrgKind::kSecurityAgency)
        return InvalidArgument("agency", fmt::format("'{}' is not a security agency; one of: {}",
                                                     *request.agency, agencies));
      if (agency->id == submitter.id)
        return InvalidArgument("route", "your organization is this agency; use the direct route");
      Deliver(d.deliveries, none, submitter.id, agency->id, DeliveryRole::kRelay, now);
      d.relay_org = agency->id;
      return d;
    }
  }
  return InvalidArgument("route", "unknown route");
}

std::vector<Delivery> DeliveriesAtRelay(const Report& report, const Registry& registry, Timestamp now) {
  std::vector<Delivery> out;
  DeliverReleased(out, report.deliveries, report.content.kind, report.submitter_org, registry, now);
  return out;
}

Result<void> ValidateAudience(const Audience& a, Tlp tlp, const Registry& registry, const std::string& path) {
  auto check = [&](const std::vector<std::string>& ids, std::string_view key, auto find) -> Result<void> {
    for (size_t i = 0; i < ids.size(); ++i)
      if (find(ids[i]) == nullptr)
        return InvalidArgument(IndexPath(JoinPath(path, key), i), fmt::format("unknown id '{}'", ids[i]));
    return {};
  };
  if (auto r = check(a.sectors, "sectors", [&](const std::string& id) { return registry.FindSector(id); }); !r)
    return r;
  if (auto r = check(a.ceptoars, "ceptoars", [&](const std::string& id) { return registry.FindCeptoar(id); }); !r)
    return r;
  if (auto r = check(a.groups, "groups", [&](const std::string& id) { return registry.FindGroup(id); }); !r)
    return r;
  if (auto r = check(a.organizations, "organizations",
                     [&](const std::string& id) { return registry.FindOrganization(id); });
      !r)
    return r;
  const std::string tlp_name(NameOf(kTlpNames, tlp));
  if (a.everyone && tlp != Tlp::kClear && tlp != Tlp::kGreen)
    return InvalidArgument(JoinPath(path, "everyone"),
                           fmt::format("TLP:{} cannot be shared with everyone; use clear or green, or name "
                                       "sectors, CEPTOARs, groups or organizations",
                                       tlp_name));
  if ((tlp == Tlp::kAmberStrict || tlp == Tlp::kRed) &&
      (!a.sectors.empty() || !a.ceptoars.empty() || !a.groups.empty()))
    return InvalidArgument(path, fmt::format("TLP:{} may be shared with named organizations only", tlp_name));
  return {};
}

}  // namespace infrashare
