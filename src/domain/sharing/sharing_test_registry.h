// A small registry for the sharing tests: NISC, one ministry, one CEPTOAR
// with its secretariat, an agency, the police, two power operators (one in
// the CEPTOAR), a gas operator and an ISAC group.
#pragma once

#include "domain/registry/registry.h"

namespace infrashare::testing {

inline RegistryData SharingTestRegistryData() {
  RegistryData d;
  d.sectors = {{"electric_power", "電力", "Electric power", "meti"}, {"gas", "ガス", "Gas", "meti"}};
  d.ceptoars = {{.id = "electricity_ceptoar", .name_ja = "電力セプター", .name_en = "Electricity CEPTOAR",
                 .sector = "electric_power", .secretariats = {"eisac"}}};
  d.groups = {{"electricity_isac_group", "電力ISAC", "Electricity ISAC", true}};
  auto org = [](std::string id, OrgKind kind, std::vector<std::string> sectors = {},
                std::vector<std::string> ceptoars = {}, std::vector<std::string> groups = {}) {
    return Organization{.id = id, .kind = kind, .name_ja = id + "社", .name_en = id + " Corp",
                        .sectors = std::move(sectors), .ceptoars = std::move(ceptoars), .groups = std::move(groups)};
  };
  d.organizations = {
      org("nisc", OrgKind::kCoordinationCenter),
      org("meti", OrgKind::kMinistry),
      org("eisac", OrgKind::kCeptoarSecretariat, {"electric_power"}),
      org("jpcert", OrgKind::kSecurityAgency),
      org("npa", OrgKind::kIncidentAgency),
      org("power_a", OrgKind::kOperator, {"electric_power"}, {"electricity_ceptoar"}, {"electricity_isac_group"}),
      org("power_b", OrgKind::kOperator, {"electric_power"}),
      org("gas_c", OrgKind::kOperator, {"gas"}),
  };
  return d;
}

}  // namespace infrashare::testing
