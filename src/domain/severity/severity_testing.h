// Test helpers for the severity tests (not part of the library): the shipped
// policy files, read from the source tree, and a small registry.
//
// Thread behaviour: plain functions; tests call them from one thread.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "common/source_tree.h"
#include "domain/registry/registry.h"
#include "domain/severity/policy.h"

namespace infrashare::testing {

inline std::string ReadRepoFile(std::string_view relative) {
  std::ifstream in(RepoRoot() + "/" + std::string(relative), std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Parses data/severity/<name>.toml; fails the test when it does not parse.
inline Policy ShippedPolicy(std::string_view name) {
  const std::string file = "data/severity/" + std::string(name) + ".toml";
  auto policy = ParsePolicy(ReadRepoFile(file), file);
  if (!policy) ADD_FAILURE() << policy.error().message;
  return policy ? *std::move(policy) : Policy{};
}

inline const Policy& Plan4() {
  static const Policy kPolicy = ShippedPolicy("plan4-draft");
  return kPolicy;
}
inline const Policy& Nisc2018() {
  static const Policy kPolicy = ShippedPolicy("nisc-2018");
  return kPolicy;
}

inline constexpr std::string_view kSectorIds[] = {"information_communications",
                                                  "finance",
                                                  "aviation",
                                                  "airports",
                                                  "railways",
                                                  "electric_power",
                                                  "gas",
                                                  "government",
                                                  "medical",
                                                  "water",
                                                  "logistics",
                                                  "chemical",
                                                  "credit_cards",
                                                  "petroleum"};

// The 14 sectors with their ministries, NISC, the crisis office and a few
// CEPTOARs (Broadcasting has two secretariats; chemical has none here).
inline Registry TestRegistry() {
  RegistryData d;
  auto ministry_of = [](std::string_view s) -> std::string {
    if (s == "finance") return "fsa";
    if (s == "information_communications" || s == "government") return "mic";
    if (s == "medical" || s == "water") return "mhlw";
    if (s == "aviation" || s == "airports" || s == "railways" || s == "logistics") return "mlit";
    return "meti";
  };
  for (auto s : kSectorIds) d.sectors.push_back({std::string(s), "", "", ministry_of(s)});
  auto org = [&d](std::string id, OrgKind kind) {
    d.organizations.push_back({.id = std::move(id), .kind = kind});
  };
  org("nisc", OrgKind::kCoordinationCenter);
  org("cabinet_crisis_office", OrgKind::kCrisisOffice);
  for (auto m : {"fsa", "mic", "mhlw", "mlit", "meti"}) org(m, OrgKind::kMinistry);
  auto ceptoar = [&](std::string id, std::string sector, std::vector<std::string> secretariats) {
    for (const auto& s : secretariats) org(s, OrgKind::kCeptoarSecretariat);
    d.ceptoars.push_back(
        {.id = std::move(id), .sector = std::move(sector), .secretariats = std::move(secretariats)});
  };
  ceptoar("t_ceptoar", "information_communications", {"ict_isac"});
  ceptoar("broadcasting_ceptoar", "information_communications", {"jba", "nhk"});
  ceptoar("banks_ceptoar", "finance", {"zenginkyo"});
  ceptoar("electricity_ceptoar", "electric_power", {"je_isac"});
  ceptoar("gas_ceptoar", "gas", {"japan_gas_association"});
  ceptoar("water_ceptoar", "water", {"jwwa"});
  ceptoar("railway_ceptoar", "railways", {"jreea"});
  return Registry(std::move(d));
}

}  // namespace infrashare::testing
