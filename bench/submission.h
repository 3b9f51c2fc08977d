// Submissions as the server makes them, for the store benchmarks
// (store_bench, store_backends_bench): a registry whose organizations are the
// generator's (report_history.h), the shipped severity policies loaded
// against it, and the report ReportService::Submit builds from a Draft —
// route by RouteAtSubmit, assessment by the policy in force — written by
// PrepareReportChange + RecordReportChange (report, grant keys, revision,
// audit event, outbox event and response alert, one Write). The history is
// made of the same reports as the server holds them later (relayed, some
// revised), with their grant keys from GrantKeys; list queries use the
// viewer keys of ViewerKeys. Bench-only; not part of any library.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/registry/registry_rules.h"
#include "domain/sharing/route.h"
#include "domain/sharing/visibility.h"
#include "report_history.h"
#include "service/assessment_service.h"
#include "service/caller.h"
#include "service/report_tx.h"
#include "store/store.h"

namespace infrashare::bench {

// The policy in force: the server's default (app/config.h severity.policy).
inline constexpr std::string_view kActivePolicy = "plan4-draft";

// NISC, the five ministries (sector s belongs to org_min_{s % 5}), one
// secretariat per CEPTOAR (org_sec_c runs ceptoar_c; both in sector c % 14,
// as the shipped registry's secretariats belong to their sector), the
// operators (org_op_N: sector SectorOf(N), CEPTOAR CeptoarOf(N)), a
// security agency for via_agency, and — as the shipped registry has them —
// an incident agency (police: crime reports reach it) and the crisis office
// (level-5 plans call it). Organizations that alerts call have a contact,
// which their alert rows carry.
inline RegistryData RegistryDataForBench() {
  RegistryData d;
  auto add = [&d](std::string id, OrgKind kind, std::vector<std::string> sectors = {},
                  std::vector<std::string> ceptoars = {}) {
    Organization& o = d.organizations.emplace_back(Organization{
        .id = std::move(id), .kind = kind, .sectors = std::move(sectors), .ceptoars = std::move(ceptoars)});
    o.name_ja = o.id + " (ja)";
    o.name_en = o.id + " (en)";
    if (kind != OrgKind::kOperator)
      o.contacts = {{.name = "duty desk", .email = o.id + "@example.org", .phone = "+81-3-0000-0000"}};
  };
  add(Org("nisc", 0), OrgKind::kCoordinationCenter);
  add(Org("crisis", 0), OrgKind::kCrisisOffice);
  add(Org("agency", 0), OrgKind::kSecurityAgency);
  add(Org("police", 0), OrgKind::kIncidentAgency);
  for (int m = 0; m < kMinistries; ++m) add(Org("min", m), OrgKind::kMinistry);
  for (int s = 0; s < kSectors; ++s)
    d.sectors.push_back({.id = SectorId(s),
                         .name_ja = SectorId(s) + " (ja)",
                         .name_en = SectorId(s) + " (en)",
                         .ministry = Org("min", s % kMinistries)});
  for (int c = 0; c < kCeptoars; ++c) {
    const std::string sector = SectorId(c % kSectors);
    add(Org("sec", c), OrgKind::kCeptoarSecretariat, {sector});
    d.ceptoars.push_back({.id = CeptoarId(c),
                          .name_ja = CeptoarId(c) + " (ja)",
                          .name_en = CeptoarId(c) + " (en)",
                          .sector = sector,
                          .scope_ja = "事業者",
                          .scope_en = "operators",
                          .secretariats = {Org("sec", c)},
                          .members = {.ja = "事業者", .en = "operators", .count = std::nullopt}});
  }
  for (int op = 0; op < kOperators; ++op)
    add(Org("op", op), OrgKind::kOperator, {SectorId(SectorOf(op))}, {CeptoarId(CeptoarOf(op))});
  return d;
}

[[noreturn]] inline void Die(std::string_view what, const Error& e) {
  fmt::print(stderr, "{}: {}\n", what, e.message);
  std::exit(1);
}

// data/severity of the source tree (INFRASHARE_DATA_DIR: bench/CMakeLists.txt
// defines it on the benchmarks that include this header).
inline std::filesystem::path SeverityDir() { return std::filesystem::path(INFRASHARE_DATA_DIR) / "severity"; }

// Every policy of data/severity, as `serve` loads them (validated against the
// registry), with the default one in force. AssessReport never reads the
// clock, and Review (which does) has no store here.
inline std::unique_ptr<AssessmentService> LoadAssessments(const Registry& registry) {
  static const SystemClock kUnusedClock{};
  std::vector<std::pair<std::string, std::string>> files;
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(SeverityDir()))
    if (entry.path().extension() == ".toml") paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    files.emplace_back(p.string(), text.str());
  }
  auto policies = AssessmentService::LoadPolicies(files, registry);
  if (!policies) Die("severity policies", policies.error());
  return std::make_unique<AssessmentService>(nullptr, kUnusedClock, std::move(*policies),
                                             std::string(kActivePolicy));
}

// The registry and the policies every submission and query is judged by.
struct World {
  std::shared_ptr<const Registry> registry;
  std::unique_ptr<AssessmentService> assessments;

  static World Make() {
    RegistryData data = RegistryDataForBench();
    if (auto v = ValidateRegistry(data); !v) Die("bench registry", v.error());
    World w;
    w.registry = std::make_shared<const Registry>(std::move(data));
    w.assessments = LoadAssessments(*w.registry);
    return w;
  }

  // The keys organization `id` lists reports with, as ReportService::List
  // computes them.
  std::vector<std::string> ViewerKeysOf(const std::string& id) const {
    return ViewerKeys(registry->FindOrganization(id), *registry);
  }

  // The reporter of operator `op`, acting in the live space.
  Caller Submitter(int op) const {
    Caller c;
    c.registry = registry;
    c.organization = registry->FindOrganization(Org("op", op));
    c.principal = Principal{.id = PrincipalId(op),
                            .organization = Org("op", op),
                            .name = PrincipalId(op),
                            .roles = {Role::kReporter}};
    return c;
  }

  // The report ReportService::Submit stores for `d` (its CheckContent, route
  // and assessment; the id and time are the draft's, not NewId and the
  // clock's). Errors: what Submit would answer.
  Result<Report> Submitted(const Draft& d, std::string id) const {
    const Registry& reg = *registry;
    const Organization* submitter = reg.FindOrganization(Org("op", d.op));
    for (size_t i = 0; i < d.content.sectors.size(); ++i)
      if (reg.FindSector(d.content.sectors[i]) == nullptr)
        return InvalidArgument(IndexPath("sectors", i),
                               fmt::format("unknown sector '{}'", d.content.sectors[i]));
    INFRASHARE_TRY(ValidateAudience(d.content.audience, d.content.tlp, reg, "audience"));
    auto route = INFRASHARE_TRY(RouteAtSubmit(d.route, d.content.kind, *submitter, reg, d.submitted_at));
    Report r;
    r.id = std::move(id);
    r.content = d.content;
    r.route = d.route.route;
    r.anonymized = d.route.anonymized;
    r.submitter_org = submitter->id;
    r.submitter_principal = PrincipalId(d.op);
    r.relay_org = route.relay_org;
    r.via_ceptoar = route.via_ceptoar;
    r.released = route.released;
    if (r.released) r.released_at = d.submitted_at;
    r.deliveries = std::move(route.deliveries);
    r.created_at = r.updated_at = d.submitted_at;
    auto assessed = INFRASHARE_TRY(assessments->AssessReport(r, reg));
    r.assessment = std::move(assessed);
    return r;
  }

  // The report as the server holds it once its story is over: submitted,
  // released by its relay on a relayed route (ReportService::Relay's
  // deliveries), revised once for 1 in 20 (same content, so the same
  // assessment).
  Result<Report> Stored(const Draft& d, std::string id) const {
    auto r = INFRASHARE_TRY(Submitted(d, std::move(id)));
    if (!r.released) {
      for (auto& delivery : DeliveriesAtRelay(r, *registry, d.relayed_at))
        r.deliveries.push_back(std::move(delivery));
      r.released = true;
      r.released_at = r.updated_at = d.relayed_at;
      ++r.revision;
    }
    if (d.revised_at && *d.revised_at > r.updated_at) {
      r.updated_at = *d.revised_at;
      ++r.revision;
    }
    return r;
  }
};

// The write of ReportService::Submit: `report` prepared (with the response
// alert it raises) and recorded by `caller` in one Write. Answers whether it
// raised an alert.
inline Result<bool> SubmitReport(Store& store, const Caller& caller, Report report) {
  const PreparedReportChange prepared = PrepareReportChange(
      nullptr, std::move(report),
      {.note = "submitted", .action = "report.submit", .event_type = "report.created"}, *caller.registry);
  INFRASHARE_TRY(store.Write([&](WriteTx& tx) { return RecordReportChange(tx, caller, prepared); }));
  return prepared.response_alert.has_value();
}

}  // namespace infrashare::bench
