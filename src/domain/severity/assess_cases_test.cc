// Table-driven cases for each level of both shipped policies, written from
// the definitions (seed/DIGEST.md section 5 for plan4-draft; the adopted 2018
// wording for nisc-2018), and cases on every threshold boundary of every
// rule, for every sector.
#include <gtest/gtest.h>

#include "domain/severity/assess.h"
#include "domain/severity/severity_testing.h"

namespace infrashare {
namespace {

using testing::kSectorIds;
using testing::Nisc2018;
using testing::Plan4;

struct Case {
  std::string_view why;  // the definition the case illustrates
  std::string_view sector;
  std::string_view facts;  // JSON
  int level;
  std::string_view rule;  // a rule that must fire at `level` (empty for the floor)
};

void Check(const Policy& policy, const Case& c) {
  SCOPED_TRACE(::testing::Message() << policy.id << ": " << c.why << " " << c.facts);
  auto facts = ParseFacts(Json::parse(c.facts));
  ASSERT_TRUE(facts) << facts.error().field << ": " << facts.error().message;
  const Assessment a = Assess(*facts, policy, c.sector);
  EXPECT_EQ(a.level, c.level) << AssessmentToJson(a).dump(1);
  if (c.rule.empty()) {
    EXPECT_TRUE(a.fired.empty());
    return;
  }
  EXPECT_TRUE(std::ranges::any_of(a.fired, [&](const FiredRule& r) {
    return r.rule == c.rule && r.level == c.level;
  })) << AssessmentToJson(a).dump(1);
}

TEST(Plan4Draft, EachLevelFromThePlansDefinitions) {
  const Case cases[] = {
      // 0: no possible effect on daily life.
      {"nothing known", "finance", R"({})", 0, ""},
      {"service normal, no activity", "finance",
       R"({"service": {"state": "normal"}, "activity": {"stage": "none"},
        "systems": {"normal": "unaffected", "backup": "unaffected"}, "attack": {"status": "none"}})",
       0, ""},
      // 1: unlikely to affect a CI service.
      {"scanning seen", "gas", R"({"activity": {"stage": "prepare", "location": "business_dmz"}})", 1,
       "activity_observed"},
      {"backup degraded only", "gas", R"({"systems": {"normal": "unaffected", "backup": "degraded"}})", 1,
       "backup_systems"},
      {"a few personal records", "medical", R"({"data": {"kind": "personal", "records": 12}})", 1,
       "personal_records"},
      // 2: may affect a CI service.
      {"brief degradation", "logistics",
       R"({"service": {"state": "degraded"}, "outage": {"expected_minutes": 30}})", 2, "outage_minutes"},
      {"attacker in the critical-system DMZ", "chemical",
       R"({"activity": {"stage": "presence", "location": "critical_system_dmz"}})", 2, "activity_presence"},
      {"control systems affected", "petroleum", R"({"systems": {"kinds": ["ot"]}})", 2, "ot_affected"},
      {"nation state present", "water", R"({"activity": {"stage": "presence", "location": "business_network"},
        "attack": {"actor": "nation_state"}})",
       2, "state_actor_present"},
      {"a few thousand people", "gas", R"({"affected": {"people": 5000}})", 2, "people_affected"},
      // 3: some impact on a CI service highly likely; clear effect on daily life.
      {"service stopped", "logistics",
       R"({"service": {"state": "stopped"}, "outage": {"expected_minutes": 5}})", 3, "service_stopped"},
      {"degraded for five hours", "government", R"({"service": {"state": "degraded"},
        "outage": {"elapsed_minutes": 60, "expected_minutes": 300}})",
       3, "outage_minutes"},
      {"running on backup", "railways", R"({"systems": {"normal": "lost", "backup": "unaffected"}})", 3,
       "normal_systems"},
      {"attacker in critical systems", "electric_power",
       R"({"activity": {"stage": "presence", "location": "critical_systems"}})", 3, "activity_presence"},
      {"ongoing attack on a degraded service", "finance", R"({"service": {"state": "degraded"},
        "outage": {"expected_minutes": 10}, "attack": {"status": "ongoing"}})",
       3, "ongoing_attack_on_service"},
      {"30,000 users", "information_communications", R"({"affected": {"people": 30000}})", 3,
       "people_affected"},
      {"two prefectures", "gas", R"({"affected": {"prefectures": [13, 14]}})", 3, "prefectures"},
      {"evacuation", "chemical", R"({"safety": {"evacuation": true, "evacuated_people": 40}})", 3,
       "evacuation"},
      // 4: significant impact on a CI service highly likely.
      {"stopped for a day", "government",
       R"({"service": {"state": "stopped"}, "outage": {"expected_minutes": 1440}})", 4, "outage_minutes"},
      {"power out for three hours", "electric_power", R"({"service": {"state": "stopped"},
        "outage": {"expected_minutes": 180}})",
       4, "outage_minutes"},
      {"no fallback left", "water", R"({"systems": {"normal": "lost", "backup": "degraded"}})", 4,
       "no_fallback"},
      {"effect on critical systems", "gas",
       R"({"activity": {"stage": "effect", "location": "critical_systems"}})", 4, "activity_effect"},
      {"attacker in safety systems", "chemical",
       R"({"activity": {"stage": "presence", "location": "safety_systems"}})", 4, "activity_presence"},
      {"a death", "railways", R"({"safety": {"deaths": 1}})", 4, "deaths"},
      {"hazardous release", "chemical", R"({"safety": {"hazardous_release": true}})", 4, "hazardous_release"},
      {"a million people", "electric_power", R"({"affected": {"people": 1000000}})", 4, "people_affected"},
      {"most of the service lost", "credit_cards",
       R"({"service": {"state": "degraded", "lost_percent": 75}})", 4, "share_lost"},
      // 5: significant impact on several CI services imminent.
      {"power out for hours, telecom and water expected to follow", "electric_power", R"({"service": {"state":
        "stopped"}, "outage": {"expected_minutes": 360}, "other_sectors": ["information_communications", "water"]})",
       5, "several_services"},
      {"severe and spreading", "information_communications", R"({"affected": {"people": 2000000},
        "other_sectors": ["finance"]})",
       5, "several_services"},
      // ... but neither a lesser effect that spreads nor a severe one that stays is a crisis.
      {"high, spreading", "electric_power",
       R"({"service": {"state": "stopped"}, "outage": {"expected_minutes": 60},
        "other_sectors": ["water"]})",
       3, "service_stopped"},
      {"severe, only the own sector listed", "electric_power", R"({"safety": {"deaths": 2},
        "other_sectors": ["electric_power"]})",
       4, "deaths"},
  };
  for (const Case& c : cases) Check(Plan4(), c);
}

TEST(Nisc2018, EachLevelFromTheAdoptedDefinitions) {
  const Case cases[] = {
      // 0: no effect.
      {"nothing known", "finance", R"({})", 0, ""},
      {"service normal", "water", R"({"service": {"state": "normal"}, "systems": {"normal": "unaffected"}})",
       0, ""},
      // 1: almost no effect. A defaced web site without further damage is 0 or 1.
      {"defaced web site", "government", R"({"activity": {"stage": "effect", "location": "business_dmz"},
        "service": {"state": "normal"}})",
       1, "visible_effect"},
      {"brief degradation", "government",
       R"({"service": {"state": "degraded"}, "outage": {"expected_minutes": 10}})", 1, "service_affected"},
      {"normal systems degraded, service fine", "gas", R"({"systems": {"normal": "degraded"}})", 1,
       "normal_systems"},
      {"a few people", "medical", R"({"affected": {"people": 10}})", 1, "people_affected"},
      // 2: some effect occurred.
      {"service stopped briefly", "logistics",
       R"({"service": {"state": "stopped"}, "outage": {"expected_minutes": 5}})", 2, "service_affected"},
      {"degraded for an hour", "government",
       R"({"service": {"state": "degraded"}, "outage": {"expected_minutes": 60}})", 2, "outage_minutes"},
      {"an injury", "railways", R"({"safety": {"injuries": 1}})", 2, "injuries"},
      {"equipment damaged", "chemical", R"({"safety": {"physical_damage": true}})", 2, "physical_damage"},
      {"a thousand personal records", "credit_cards", R"({"data": {"kind": "personal", "records": 1000}})", 2,
       "records"},
      {"attacker in control-system management", "electric_power",
       R"({"activity": {"stage": "presence", "location": "critical_system_management"}})", 2,
       "critical_systems_intrusion"},
      // 3: a major effect occurred.
      {"degraded four hours", "government",
       R"({"service": {"state": "degraded"}, "outage": {"expected_minutes": 240}})", 3, "outage_minutes"},
      {"power out three hours", "electric_power", R"({"service": {"state": "stopped"},
        "outage": {"expected_minutes": 180}})",
       3, "outage_minutes"},
      {"evacuation", "chemical", R"({"safety": {"evacuation": true}})", 3, "evacuation"},
      {"hazardous release", "petroleum", R"({"safety": {"hazardous_release": true}})", 3,
       "hazardous_release"},
      {"30,000 users", "information_communications", R"({"affected": {"people": 30000}})", 3,
       "people_affected"},
      {"spreading to another sector", "electric_power", R"({"service": {"state": "stopped"},
        "outage": {"expected_minutes": 15}, "other_sectors": ["water"]})",
       3, "cascade"},
      // 4: an extremely serious effect occurred.
      {"a death", "medical", R"({"safety": {"deaths": 1}})", 4, "deaths"},
      {"out for a day", "government",
       R"({"service": {"state": "stopped"}, "outage": {"expected_minutes": 1440}})", 4, "outage_minutes"},
      {"power out twelve hours", "electric_power", R"({"service": {"state": "stopped"},
        "outage": {"expected_minutes": 720}})",
       4, "outage_minutes"},
      {"ten million records", "finance", R"({"data": {"kind": "personal", "records": 10000000}})", 4,
       "records"},
      {"eight prefectures", "electric_power",
       R"({"affected": {"prefectures": [8, 9, 10, 11, 12, 13, 14, 19]}})", 4, "prefectures"},
      {"three other sectors", "electric_power", R"({"service": {"state": "stopped"},
        "outage": {"expected_minutes": 15}, "other_sectors": ["water", "finance", "railways"]})",
       4, "cascade"},
  };
  for (const Case& c : cases) Check(Nisc2018(), c);
}

// Sets a rule fact to `value` (an input field, or the inputs of a derived one).
void SetFact(ImpactFacts& f, Fact fact, int64_t value, std::string_view own_sector) {
  const auto set_enum = [value](auto& field) {
    field = static_cast<std::remove_cvref_t<decltype(*field)>>(value);
  };
  switch (fact) {
    case Fact::kServiceState:
      return set_enum(f.service.state);
    case Fact::kServiceLostPercent:
      f.service.lost_percent = value;
      return;
    case Fact::kOutageElapsedMinutes:
      f.outage.elapsed_minutes = value;
      return;
    case Fact::kOutageExpectedMinutes:
      f.outage.expected_minutes = value;
      return;
    case Fact::kOutageMinutes:
      f.outage.expected_minutes = value;
      return;
    case Fact::kAffectedPeople:
      f.affected.people = value;
      return;
    case Fact::kAffectedPrefectures:
      f.affected.prefectures.emplace();
      for (int p = 1; p <= value; ++p) f.affected.prefectures->push_back(p);
      return;
    case Fact::kSystemsNormal:
      return set_enum(f.systems.normal);
    case Fact::kSystemsBackup:
      return set_enum(f.systems.backup);
    case Fact::kSystemsIt:
      f.systems.kinds = value ? std::vector{SystemKind::kIt} : std::vector<SystemKind>{};
      return;
    case Fact::kSystemsOt:
      f.systems.kinds = value ? std::vector{SystemKind::kOt} : std::vector<SystemKind>{};
      return;
    case Fact::kSystemsIot:
      f.systems.kinds = value ? std::vector{SystemKind::kIot} : std::vector<SystemKind>{};
      return;
    case Fact::kSafetyInjuries:
      f.safety.injuries = value;
      return;
    case Fact::kSafetyDeaths:
      f.safety.deaths = value;
      return;
    case Fact::kSafetyEvacuation:
      f.safety.evacuation = value != 0;
      return;
    case Fact::kSafetyEvacuatedPeople:
      f.safety.evacuated_people = value;
      return;
    case Fact::kSafetyHazardousRelease:
      f.safety.hazardous_release = value != 0;
      return;
    case Fact::kSafetyPhysicalDamage:
      f.safety.physical_damage = value != 0;
      return;
    case Fact::kDataKind:
      return set_enum(f.data.kind);
    case Fact::kDataRecords:
      f.data.records = value;
      return;
    case Fact::kActivityStage:
      return set_enum(f.activity.stage);
    case Fact::kActivityLocation:
      return set_enum(f.activity.location);
    case Fact::kAttackStatus:
      return set_enum(f.attack.status);
    case Fact::kAttackActor:
      return set_enum(f.attack.actor);
    case Fact::kOtherSectors:
      f.other_sectors.emplace();
      for (auto s : kSectorIds)
        if (s != own_sector && static_cast<int64_t>(f.other_sectors->size()) < value)
          f.other_sectors->emplace_back(s);
      std::ranges::sort(*f.other_sectors);
      return;
    case Fact::kSystemsKinds:
      return;
  }
}

// The level at which `rule` fires, or -1.
int FiredLevel(const Assessment& a, std::string_view rule) {
  for (const FiredRule& r : a.fired)
    if (r.rule == rule) return r.level;
  return -1;
}

// For every rule, every sector (and one the policy never names) and every
// threshold: at the threshold the rule fires at its level; one step below,
// it does not reach that level.
void CheckEveryBoundary(const Policy& policy) {
  std::vector<std::string_view> sectors(std::begin(kSectorIds), std::end(kSectorIds));
  sectors.push_back("unnamed_sector");
  int checked = 0;
  for (const Rule& rule : policy.rules) {
    for (std::string_view sector : sectors) {
      if (!rule.AppliesTo(sector)) continue;
      const std::vector<int64_t>& thresholds = rule.ThresholdsFor(sector);
      for (size_t k = 0; k < thresholds.size(); ++k) {
        SCOPED_TRACE(::testing::Message() << policy.id << " " << rule.id << " " << sector << " level "
                                          << rule.levels[k] << " from " << thresholds[k]);
        ImpactFacts base;
        for (const Condition& c : rule.when) SetFact(base, c.fact, c.at_least, sector);
        if (rule.requires_level) base.safety.deaths = 1;  // level 4 on both policies
        ImpactFacts at = base, below = base;
        SetFact(at, rule.fact, thresholds[k], sector);
        EXPECT_EQ(FiredLevel(Assess(at, policy, sector), rule.id), rule.levels[k]);
        if (thresholds[k] == 0) continue;  // nothing below zero
        SetFact(below, rule.fact, thresholds[k] - 1, sector);
        EXPECT_LT(FiredLevel(Assess(below, policy, sector), rule.id), rule.levels[k]);
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 100);
}

TEST(Plan4Draft, EveryThresholdBoundaryOfEverySector) { CheckEveryBoundary(Plan4()); }
TEST(Nisc2018, EveryThresholdBoundaryOfEverySector) { CheckEveryBoundary(Nisc2018()); }

// The outage thresholds by sector, spelled out: the same minutes mean more
// for power, telecom and finance than for logistics.
TEST(Plan4Draft, OutageMinutesBySector) {
  struct Row {
    std::string_view sector;
    int64_t minutes;
    int level;
  };
  const Row rows[] = {
      {"electric_power", 9, 2},
      {"electric_power", 10, 3},
      {"electric_power", 179, 3},
      {"electric_power", 180, 4},
      {"information_communications", 59, 2},
      {"information_communications", 60, 3},
      {"information_communications", 240, 4},
      {"finance", 60, 3},
      {"finance", 240, 4},
      {"railways", 29, 2},
      {"railways", 30, 3},
      {"water", 719, 3},
      {"water", 720, 4},
      {"logistics", 60, 2},
      {"logistics", 719, 2},
      {"logistics", 720, 3},
      {"logistics", 2880, 4},
      {"government", 239, 2},
      {"government", 240, 3},
      {"government", 1440, 4},
  };
  for (const Row& r : rows) {
    ImpactFacts f;
    f.service.state = ServiceState::kDegraded;
    f.outage.expected_minutes = r.minutes;
    EXPECT_EQ(Assess(f, Plan4(), r.sector).level, r.level) << r.sector << " " << r.minutes;
  }
}

TEST(Nisc2018, OutageMinutesBySector) {
  struct Row {
    std::string_view sector;
    int64_t minutes;
    int level;
  };
  const Row rows[] = {
      {"electric_power", 9, 1},   {"electric_power", 10, 2}, {"electric_power", 180, 3},
      {"electric_power", 720, 4}, {"finance", 30, 2},        {"finance", 60, 3},
      {"finance", 240, 4},        {"logistics", 239, 1},     {"logistics", 240, 2},
      {"logistics", 1440, 3},     {"logistics", 4320, 4},    {"medical", 29, 1},
      {"medical", 30, 2},         {"government", 59, 1},     {"government", 60, 2},
      {"government", 1440, 4},
  };
  for (const Row& r : rows) {
    ImpactFacts f;
    f.service.state = ServiceState::kDegraded;
    f.outage.expected_minutes = r.minutes;
    EXPECT_EQ(Assess(f, Nisc2018(), r.sector).level, r.level) << r.sector << " " << r.minutes;
  }
}

}  // namespace
}  // namespace infrashare
