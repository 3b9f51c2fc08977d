#include "domain/severity/response.h"

#include <gtest/gtest.h>

#include "domain/severity/severity_testing.h"

namespace infrashare {
namespace {

using testing::Nisc2018;
using testing::Plan4;

std::vector<std::string> Orgs(const ResponseAction& a) {
  std::vector<std::string> out;
  for (const auto& r : a.notify) out.push_back(r.organization);
  return out;
}

const ResponseAction* Find(const ResponsePlan& plan, Channel channel) {
  for (const auto& a : plan.actions)
    if (a.channel == channel) return &a;
  return nullptr;
}

ResponsePlan PlanFor(const Policy& policy, const ImpactFacts& facts, std::string_view sector,
                     const Registry& registry) {
  const Assessment a = Assess(facts, policy, sector);
  return PlanResponse(a, policy,
                      {.sector_id = sector,
                       .registry = registry,
                       .dependent_sectors = facts.other_sectors.value_or(std::vector<std::string>{})});
}

TEST(PlanResponse, Level4CallsNiscTheMinistryAndTheSecretariat) {
  const Registry registry = testing::TestRegistry();
  ImpactFacts f;
  f.safety.deaths = 1;
  f.other_sectors = std::vector<std::string>{};
  const ResponsePlan plan = PlanFor(Plan4(), f, "electric_power", registry);
  EXPECT_EQ(plan.level, 4);
  EXPECT_EQ(plan.policy_id, "plan4-draft");
  const ResponseAction* hotline = Find(plan, Channel::kHotline);
  ASSERT_NE(hotline, nullptr);
  EXPECT_EQ(hotline->deadline_minutes, 15);
  EXPECT_EQ(Orgs(*hotline), (std::vector<std::string>{"nisc", "meti", "je_isac"}));
  EXPECT_EQ(hotline->acknowledge, (std::vector<std::string>{"nisc", "meti", "je_isac"}));
  EXPECT_EQ(hotline->notify[1].role, RecipientRole::kSectorMinistry);
  EXPECT_EQ(hotline->notify[1].sector, "electric_power");
  EXPECT_TRUE(plan.unresolved.empty());
  // No crisis office below level 5.
  for (const auto& a : plan.actions)
    for (const auto& r : a.notify) EXPECT_NE(r.organization, "cabinet_crisis_office");
}

TEST(PlanResponse, Level5AlsoCallsTheCrisisOfficeAndEveryDependentSector) {
  const Registry registry = testing::TestRegistry();
  ImpactFacts f;
  f.service.state = ServiceState::kStopped;
  f.outage.expected_minutes = 600;
  f.other_sectors =
      std::vector<std::string>{"electric_power", "finance", "information_communications", "gas"};
  const ResponsePlan plan = PlanFor(Plan4(), f, "electric_power", registry);
  ASSERT_EQ(plan.level, 5);
  ASSERT_EQ(plan.actions.size(), 3u);  // stream, hotline (own), hotline (crisis)
  const ResponseAction& crisis = plan.actions[2];
  EXPECT_EQ(crisis.channel, Channel::kHotline);
  // The own sector is not a dependent; each organization appears once.
  EXPECT_EQ(Orgs(crisis),
            (std::vector<std::string>{"cabinet_crisis_office", "fsa", "zenginkyo", "meti",
                                      "japan_gas_association", "mic", "ict_isac", "jba", "nhk"}));
  EXPECT_EQ(crisis.acknowledge, Orgs(crisis));
  EXPECT_EQ(crisis.notify[0].role, RecipientRole::kCrisisOffice);
  EXPECT_EQ(crisis.notify[1].role, RecipientRole::kDependentSectors);
  EXPECT_EQ(crisis.notify[1].sector, "finance");
}

TEST(PlanResponse, LowLevelsUseQuietChannels) {
  const Registry registry = testing::TestRegistry();
  ImpactFacts f;
  EXPECT_TRUE(PlanFor(Plan4(), f, "water", registry).actions.empty());  // level 0: nothing
  f.activity.stage = ActivityStage::kPrepare;
  const ResponsePlan one = PlanFor(Plan4(), f, "water", registry);
  ASSERT_EQ(one.level, 1);
  ASSERT_EQ(one.actions.size(), 1u);
  EXPECT_EQ(one.actions[0].channel, Channel::kEmailDigest);
  EXPECT_EQ(Orgs(one.actions[0]), (std::vector<std::string>{"jwwa"}));
  EXPECT_TRUE(one.actions[0].acknowledge.empty());
}

TEST(PlanResponse, Nisc2018Level4) {
  const Registry registry = testing::TestRegistry();
  ImpactFacts f;
  f.safety.deaths = 3;
  f.other_sectors = std::vector<std::string>{"water"};
  const ResponsePlan plan = PlanFor(Nisc2018(), f, "railways", registry);
  ASSERT_EQ(plan.level, 4);
  std::vector<std::vector<std::string>> called;
  for (const auto& a : plan.actions)
    if (a.channel == Channel::kHotline) called.push_back(Orgs(a));
  EXPECT_EQ(called, (std::vector<std::vector<std::string>>{{"nisc", "mlit", "jreea"},
                                                           {"cabinet_crisis_office", "mhlw", "jwwa"}}));
}

TEST(PlanResponse, ReportsWhatTheRegistryCannotResolve) {
  const Registry registry = testing::TestRegistry();
  ImpactFacts f;
  f.safety.deaths = 1;
  f.other_sectors = std::vector<std::string>{"space", "chemical"};
  const ResponsePlan plan =
      PlanFor(Plan4(), f, "chemical", registry);  // no chemical CEPTOAR in the test registry
  ASSERT_EQ(plan.level, 5);
  EXPECT_EQ(plan.unresolved,
            (std::vector<std::string>{
                "ceptoar_secretariats: sector \"chemical\" has no CEPTOAR secretariat in the registry",
                "dependent_sectors: sector \"space\" is not in the registry"}));
  const ResponsePlan unknown = PlanFor(Plan4(), f, "no_such_sector", registry);
  EXPECT_FALSE(unknown.unresolved.empty());
  EXPECT_EQ(unknown.unresolved[0], "sector_ministry: sector \"no_such_sector\" is not in the registry");
}

TEST(ResponsePlanToJson, IsDeterministicAndComplete) {
  const Registry registry = testing::TestRegistry();
  ImpactFacts f;
  f.safety.deaths = 1;
  f.other_sectors = std::vector<std::string>{"water"};
  const ResponsePlan plan = PlanFor(Plan4(), f, "gas", registry);
  const Json j = ResponsePlanToJson(plan);
  EXPECT_EQ(j.dump(), ResponsePlanToJson(PlanFor(Plan4(), f, "gas", registry)).dump());
  EXPECT_EQ(j["level"], 5);
  EXPECT_EQ(j["policy"]["id"], "plan4-draft");
  const Json& hotline = j["actions"][1];
  EXPECT_EQ(hotline["channel"], "hotline");
  EXPECT_EQ(hotline["deadline_minutes"], 15);
  EXPECT_EQ(hotline["notify"][0],
            (Json{{"organization", "nisc"}, {"role", "coordination_center"}, {"sector", ""}}));
  EXPECT_EQ(hotline["acknowledge"], (Json{"nisc", "meti", "japan_gas_association"}));
  EXPECT_TRUE(j["unresolved"].is_array());
}

}  // namespace
}  // namespace infrashare
