// Properties of the engine over generated facts (fixed seeds): monotonic,
// explainable, deterministic; and what it says about missing facts. The
// table-driven cases from the plan's definitions are in assess_cases_test.cc.
#include "domain/severity/assess.h"

#include <gtest/gtest.h>

#include <random>

#include "domain/severity/severity_testing.h"

namespace infrashare {
namespace {

using testing::kSectorIds;
using testing::Nisc2018;
using testing::Plan4;
using Rng = std::mt19937_64;

constexpr int64_t kInteresting[] = {0,     1,     5,     9,     10,     11,     29,      30,      31,
                                    59,    60,    61,    119,   120,    121,    180,     239,     240,
                                    360,   720,   999,   1000,  1439,   1440,   2880,    4320,    9999,
                                    10000, 29999, 30000, 99999, 100000, 999999, 1000000, 9999999, 10000000};

int64_t Number(Rng& rng, int64_t max) {
  int64_t v = rng() % 2 ? kInteresting[rng() % std::size(kInteresting)]
                        : static_cast<int64_t>(std::pow(10.0, std::uniform_real_distribution<>(0, 8)(rng)));
  return std::min(v, max);
}

template <class E, size_t N>
void Worsen(std::optional<E>& v, const std::array<EnumName<E>, N>&, Rng& rng) {
  const size_t from = v ? static_cast<size_t>(*v) + 1 : 0;
  if (from < N) v = static_cast<E>(from + rng() % (N - from));
}
void Worsen(std::optional<int64_t>& v, int64_t max, Rng& rng) {
  v = v ? std::min(max, *v + 1 + Number(rng, max)) : Number(rng, max);
}
void Worsen(std::optional<bool>& v, Rng& rng) { v = v ? true : rng() % 2 == 0; }
template <class T, class Make>
void Grow(std::optional<std::vector<T>>& list, Make make, Rng& rng) {
  if (!list) list.emplace();
  for (int tries = 0; tries < 64; ++tries) {
    T item = make(rng);
    if (std::ranges::find(*list, item) != list->end()) continue;
    list->push_back(item);
    std::ranges::sort(*list);
    return;
  }
}

// Makes input field `field` worse (an absent fact becomes present).
void WorsenField(ImpactFacts& f, size_t field, Rng& rng) {
  auto sector = [](Rng& r) { return std::string(kSectorIds[r() % std::size(kSectorIds)]); };
  switch (static_cast<Fact>(field)) {
    case Fact::kServiceState:
      return Worsen(f.service.state, kServiceStateNames, rng);
    case Fact::kServiceLostPercent:
      return Worsen(f.service.lost_percent, 100, rng);
    case Fact::kOutageElapsedMinutes:
      return Worsen(f.outage.elapsed_minutes, kMaxFactMinutes, rng);
    case Fact::kOutageExpectedMinutes:
      return Worsen(f.outage.expected_minutes, kMaxFactMinutes, rng);
    case Fact::kAffectedPeople:
      return Worsen(f.affected.people, kMaxFactCount, rng);
    case Fact::kAffectedPrefectures:
      return Grow(
          f.affected.prefectures, [](Rng& r) { return int(1 + r() % 47); }, rng);
    case Fact::kSystemsNormal:
      return Worsen(f.systems.normal, kSystemImpactNames, rng);
    case Fact::kSystemsBackup:
      return Worsen(f.systems.backup, kSystemImpactNames, rng);
    case Fact::kSystemsKinds:
      return Grow(
          f.systems.kinds, [](Rng& r) { return SystemKind(r() % 3); }, rng);
    case Fact::kSafetyInjuries:
      return Worsen(f.safety.injuries, kMaxFactCount, rng);
    case Fact::kSafetyDeaths:
      return Worsen(f.safety.deaths, kMaxFactCount, rng);
    case Fact::kSafetyEvacuation:
      return Worsen(f.safety.evacuation, rng);
    case Fact::kSafetyEvacuatedPeople:
      return Worsen(f.safety.evacuated_people, kMaxFactCount, rng);
    case Fact::kSafetyHazardousRelease:
      return Worsen(f.safety.hazardous_release, rng);
    case Fact::kSafetyPhysicalDamage:
      return Worsen(f.safety.physical_damage, rng);
    case Fact::kDataKind:
      return Worsen(f.data.kind, kDataKindNames, rng);
    case Fact::kDataRecords:
      return Worsen(f.data.records, kMaxFactCount, rng);
    case Fact::kActivityStage:
      return Worsen(f.activity.stage, kActivityStageNames, rng);
    case Fact::kActivityLocation:
      return Worsen(f.activity.location, kActivityLocationNames, rng);
    case Fact::kAttackStatus:
      return Worsen(f.attack.status, kAttackStatusNames, rng);
    case Fact::kAttackActor:
      return Worsen(f.attack.actor, kActorNames, rng);
    case Fact::kOtherSectors:
      return Grow(f.other_sectors, sector, rng);
    default:
      return;
  }
}

// Sets input field `field` to its worst value.
void SetWorst(ImpactFacts& f, size_t field) {
  switch (static_cast<Fact>(field)) {
    case Fact::kServiceState:
      f.service.state = ServiceState::kStopped;
      return;
    case Fact::kServiceLostPercent:
      f.service.lost_percent = 100;
      return;
    case Fact::kOutageElapsedMinutes:
      f.outage.elapsed_minutes = kMaxFactMinutes;
      return;
    case Fact::kOutageExpectedMinutes:
      f.outage.expected_minutes = kMaxFactMinutes;
      return;
    case Fact::kAffectedPeople:
      f.affected.people = kMaxFactCount;
      return;
    case Fact::kAffectedPrefectures:
      f.affected.prefectures.emplace();
      for (int p = 1; p <= kPrefectureCount; ++p) f.affected.prefectures->push_back(p);
      return;
    case Fact::kSystemsNormal:
      f.systems.normal = SystemImpact::kLost;
      return;
    case Fact::kSystemsBackup:
      f.systems.backup = SystemImpact::kLost;
      return;
    case Fact::kSystemsKinds:
      f.systems.kinds = {SystemKind::kIt, SystemKind::kOt, SystemKind::kIot};
      return;
    case Fact::kSafetyInjuries:
      f.safety.injuries = kMaxFactCount;
      return;
    case Fact::kSafetyDeaths:
      f.safety.deaths = kMaxFactCount;
      return;
    case Fact::kSafetyEvacuation:
      f.safety.evacuation = true;
      return;
    case Fact::kSafetyEvacuatedPeople:
      f.safety.evacuated_people = kMaxFactCount;
      return;
    case Fact::kSafetyHazardousRelease:
      f.safety.hazardous_release = true;
      return;
    case Fact::kSafetyPhysicalDamage:
      f.safety.physical_damage = true;
      return;
    case Fact::kDataKind:
      f.data.kind = DataKind::kCoreCredentials;
      return;
    case Fact::kDataRecords:
      f.data.records = kMaxFactCount;
      return;
    case Fact::kActivityStage:
      f.activity.stage = ActivityStage::kEffect;
      return;
    case Fact::kActivityLocation:
      f.activity.location = ActivityLocation::kSafetySystems;
      return;
    case Fact::kAttackStatus:
      f.attack.status = AttackStatus::kOngoing;
      return;
    case Fact::kAttackActor:
      f.attack.actor = Actor::kNationState;
      return;
    case Fact::kOtherSectors:
      f.other_sectors.emplace(std::begin(kSectorIds), std::end(kSectorIds));
      return;
    default:
      return;
  }
}

// Random facts: each field present with probability density/10 (random
// when 0), at a random badness. Not all are valid input (ParseFacts would
// refuse, say, expected < elapsed minutes); the engine must cope anyway.
ImpactFacts RandomFacts(Rng& rng, uint64_t density = 0) {
  if (density == 0) density = 1 + rng() % 6;
  ImpactFacts f;
  for (size_t field = 0; field < kFactFieldCount; ++field) {
    if (rng() % 10 >= density) continue;
    const int steps = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < steps; ++i) WorsenField(f, field, rng);
  }
  return f;
}

std::string_view RandomSector(Rng& rng) {
  const size_t i = rng() % (std::size(kSectorIds) + 1);
  return i < std::size(kSectorIds) ? kSectorIds[i] : std::string_view("a_sector_no_policy_names");
}

class AssessProperties : public ::testing::TestWithParam<const Policy& (*)()> {
 protected:
  const Policy& policy() const { return GetParam()(); }
};

TEST_P(AssessProperties, WorseningAnyFactNeverLowersALevel) {
  Rng rng(20180725);
  int raised = 0;
  for (int i = 0; i < 3000; ++i) {
    const ImpactFacts facts = RandomFacts(rng);
    const std::string_view sector = RandomSector(rng);
    const Assessment before = Assess(facts, policy(), sector);
    for (size_t field = 0; field < kFactFieldCount; ++field) {
      ImpactFacts worse = facts;
      WorsenField(worse, field, rng);
      const Assessment after = Assess(worse, policy(), sector);
      ASSERT_GE(after.level, before.level)
          << "worsening " << FactName(static_cast<Fact>(field)) << " in " << FactsToJson(facts).dump()
          << " to " << FactsToJson(worse).dump() << " for " << sector;
      for (size_t v = 0; v < before.viewpoints.size(); ++v)
        ASSERT_GE(after.viewpoints[v].level, before.viewpoints[v].level) << FactsToJson(worse).dump();
      raised += after.level > before.level;
    }
  }
  EXPECT_GT(raised, 1000);  // the generator does reach the thresholds
}

TEST_P(AssessProperties, EveryLevelAboveTheFloorIsExplained) {
  Rng rng(42);
  for (int i = 0; i < 5000; ++i) {
    const ImpactFacts facts = RandomFacts(rng);
    const std::string_view sector = RandomSector(rng);
    const Assessment a = Assess(facts, policy(), sector);
    const FactVector fv = ToFactVector(facts, sector);
    int highest = policy().scale_min;
    for (const FiredRule& r : a.fired) {
      highest = std::max(highest, r.level);
      ASSERT_GE(r.fact_count, 1);
      for (size_t k = 0; k < r.fact_count; ++k) {
        ASSERT_TRUE(fv.Has(r.facts[k].fact)) << r.rule << " names a missing fact";
        ASSERT_EQ(fv[r.facts[k].fact], r.facts[k].value) << r.rule;
      }
      ASSERT_GE(r.facts[0].value, r.threshold) << r.rule;
    }
    ASSERT_EQ(a.level, highest) << FactsToJson(facts).dump();  // the level is the highest fired rule
    if (a.level > policy().scale_min) {
      ASSERT_FALSE(a.fired.empty());
    }
    int max_viewpoint = policy().scale_min;
    for (const auto& v : a.viewpoints) max_viewpoint = std::max(max_viewpoint, v.level);
    ASSERT_EQ(a.level, max_viewpoint);  // overall = the highest viewpoint
  }
}

TEST_P(AssessProperties, IsDeterministicByteForByte) {
  Rng rng(7);
  // The same policy file parsed again is the same policy version.
  const std::string file = "data/severity/" + std::string(policy().id) + ".toml";
  auto reparsed = ParsePolicy(testing::ReadRepoFile(file), file);
  ASSERT_TRUE(reparsed);
  int valid = 0;
  for (int i = 0; i < 1000; ++i) {
    const ImpactFacts facts = RandomFacts(rng);
    const std::string_view sector = RandomSector(rng);
    const std::string first = AssessmentToJson(Assess(facts, policy(), sector)).dump();
    EXPECT_EQ(AssessmentToJson(Assess(facts, policy(), sector)).dump(), first);
    auto round_tripped = ParseFacts(FactsToJson(facts));
    if (!round_tripped) continue;  // a contradiction ParseFacts refuses
    ++valid;
    EXPECT_EQ(AssessmentToJson(Assess(*round_tripped, *reparsed, sector)).dump(), first);
  }
  EXPECT_GT(valid, 300);
}

TEST_P(AssessProperties, MissingFactsAreListedAndOnlyThoseThatMatterCouldChangeTheLevel) {
  const Assessment nothing = Assess(ImpactFacts{}, policy(), "finance");
  EXPECT_EQ(nothing.level, policy().scale_min);
  EXPECT_TRUE(nothing.fired.empty());
  EXPECT_TRUE(nothing.Missing(Fact::kOutageExpectedMinutes));
  EXPECT_TRUE(nothing.CouldChangeLevel(Fact::kOutageExpectedMinutes));
  EXPECT_TRUE(nothing.CouldChangeLevel(Fact::kSafetyDeaths));
  EXPECT_FALSE(nothing.Missing(Fact::kSystemsIt));  // not an input field
  EXPECT_EQ(nothing.could_change_level & ~nothing.missing, 0u);
  // Once at the top of the scale, no missing fact can change the level.
  Rng rng(3);
  for (int i = 0; i < 2000; ++i) {
    const ImpactFacts facts = RandomFacts(rng);
    const std::string_view sector = RandomSector(rng);
    const Assessment a = Assess(facts, policy(), sector);
    ASSERT_EQ(a.could_change_level & ~a.missing, 0u);
    if (a.level == policy().scale_max) {
      ASSERT_EQ(a.could_change_level, 0u);
    }
    // The listed facts, all at their worst, do raise the level; any other
    // missing fact, alone at its worst, does not.
    ImpactFacts all_worst = facts;
    for (size_t field = 0; field < kFactFieldCount; ++field) {
      if (!(a.missing & (uint32_t{1} << field))) continue;
      if (a.could_change_level & (uint32_t{1} << field)) {
        SetWorst(all_worst, field);
        continue;
      }
      ImpactFacts one = facts;
      SetWorst(one, field);
      ASSERT_EQ(Assess(one, policy(), sector).level, a.level) << FactName(static_cast<Fact>(field));
    }
    if (a.could_change_level != 0) {
      ASSERT_GT(Assess(all_worst, policy(), sector).level, a.level);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(BothPolicies, AssessProperties, ::testing::Values(&Plan4, &Nisc2018),
                         [](const auto& info) { return info.index == 0 ? "plan4_draft" : "nisc_2018"; });

TEST(Assess, Plan4ReachesLevel5OnlyWithSeveralSectors) {
  Rng rng(5);
  int fives = 0;
  for (int i = 0; i < 20000; ++i) {
    ImpactFacts facts = RandomFacts(rng);
    const std::string_view sector = RandomSector(rng);
    const Assessment a = Assess(facts, Plan4(), sector);
    if (a.level < 5) continue;
    ++fives;
    ASSERT_GE(ToFactVector(facts, sector)[Fact::kOtherSectors], 1);
    facts.other_sectors.reset();
    ASSERT_EQ(Assess(facts, Plan4(), sector).level, 4);  // without other sectors: severe, not crisis
  }
  EXPECT_GT(fives, 100);
}

TEST(Assess, SaysWhichMissingFactCouldRaiseTheLevel) {
  ImpactFacts f;
  f.safety.deaths = 1;  // level 4 in plan4-draft
  Assessment a = Assess(f, Plan4(), "electric_power");
  EXPECT_EQ(a.level, 4);
  EXPECT_TRUE(a.CouldChangeLevel(Fact::kOtherSectors));     // several services -> 5
  EXPECT_FALSE(a.CouldChangeLevel(Fact::kAffectedPeople));  // tops out at 4
  f.other_sectors = std::vector<std::string>{};
  a = Assess(f, Plan4(), "electric_power");
  EXPECT_EQ(a.level, 4);
  EXPECT_EQ(a.could_change_level, 0u);
  // Elapsed minutes alone: the expected total could still raise the level.
  ImpactFacts g;
  g.service.state = ServiceState::kDegraded;
  g.outage.elapsed_minutes = 5;
  a = Assess(g, Plan4(), "logistics");
  EXPECT_EQ(a.level, 2);
  EXPECT_TRUE(a.CouldChangeLevel(Fact::kOutageExpectedMinutes));
  EXPECT_FALSE(a.Missing(Fact::kOutageElapsedMinutes));
}

TEST(AssessmentToJson, ShowsRulesFactsAndThresholds) {
  ImpactFacts f;
  f.service.state = ServiceState::kStopped;
  f.outage.elapsed_minutes = 20;
  f.outage.expected_minutes = 200;
  const Json j = AssessmentToJson(Assess(f, Plan4(), "electric_power"));
  EXPECT_EQ(j["policy"], (Json{{"id", "plan4-draft"}, {"version", "1.0"}}));
  EXPECT_EQ(j["level"], 4);
  EXPECT_EQ(j["level_name"]["en"], "severe");
  const Json& fired = j["fired_rules"];
  auto outage = std::ranges::find_if(fired, [](const Json& r) { return r["rule"] == "outage_minutes"; });
  ASSERT_NE(outage, fired.end());
  EXPECT_EQ((*outage)["level"], 4);
  EXPECT_EQ((*outage)["threshold"], 180);
  EXPECT_EQ((*outage)["thresholds_for"], "electric_power");
  EXPECT_EQ((*outage)["facts"], (Json{{"outage.minutes", 200}, {"service.state", "stopped"}}));
  EXPECT_EQ(j["viewpoints"][0], (Json{{"viewpoint", "ci_services"}, {"level", 4}}));
  EXPECT_TRUE(j["missing_facts"].is_array());
}

}  // namespace
}  // namespace infrashare
