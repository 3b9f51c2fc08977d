#include "domain/severity/policy.h"

#include <gtest/gtest.h>

#include "domain/registry/registry_file.h"
#include "domain/severity/assess.h"
#include "domain/severity/severity_testing.h"

namespace infrashare {
namespace {

using testing::Nisc2018;
using testing::Plan4;

// A small valid policy; tests append or replace lines to break it. Line
// numbers matter: the [rules.outage] table starts on line 16.
constexpr std::string_view kGood = R"(id = "tiny"
version = "7"
title_ja = "小"
title_en = "tiny"
[scale]
min = 0
max = 2
[levels.0]
ja = "なし"
en = "none"
definition_ja = "-"
definition_en = "-"
[viewpoints.continuity]
ja = "持続性"
en = "continuity"
[rules.outage]
viewpoint = "continuity"
fact = "outage.minutes"
levels = [1, 2]
thresholds = [30, 120]
meaning = "long outages"
[rules.outage.sector_thresholds]
electric_power = [10, 60]
[[responses]]
levels = [2]
channel = "hotline"
deadline_minutes = 15
notify = ["coordination_center", "sector_ministry"]
acknowledge = ["coordination_center"]
meaning = "call"
[levels.1]
ja = "低"
en = "low"
definition_ja = "-"
definition_en = "-"
[levels.2]
ja = "高"
en = "high"
definition_ja = "-"
definition_en = "-"
)";

std::string Replace(std::string_view text, std::string_view from, std::string_view to) {
  std::string s(text);
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

Error ErrorOf(const std::string& text) {
  auto p = ParsePolicy(text, "data/severity/x.toml");
  EXPECT_FALSE(p.has_value());
  return p ? Error{} : p.error();
}

TEST(ParsePolicy, ReadsAValidPolicy) {
  auto p = ParsePolicy(kGood, "data/severity/x.toml");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->id, "tiny");
  EXPECT_EQ(p->version, "7");
  EXPECT_EQ(p->scale_max, 2);
  ASSERT_EQ(p->levels.size(), 3u);
  EXPECT_EQ(p->NameOf(2).en, "high");
  ASSERT_EQ(p->rules.size(), 1u);
  const Rule& r = p->rules[0];
  EXPECT_EQ(r.fact, Fact::kOutageMinutes);
  EXPECT_EQ(r.levels, (std::vector<int>{1, 2}));
  EXPECT_EQ(r.ThresholdsFor("electric_power"), (std::vector<int64_t>{10, 60}));
  EXPECT_EQ(r.ThresholdsFor("logistics"), (std::vector<int64_t>{30, 120}));
  EXPECT_EQ(p->SectorIds(), (std::vector<std::string_view>{"electric_power"}));
  ASSERT_EQ(p->responses.size(), 1u);
  EXPECT_EQ(p->responses[0].channel, Channel::kHotline);
  EXPECT_EQ(p->responses[0].acknowledge, (std::vector{RecipientRole::kCoordinationCenter}));
}

TEST(ParsePolicy, ReadsEnumAndBoolThresholdsAndConditions) {
  std::string text(kGood);
  text += R"([rules.stopped]
viewpoint = "continuity"
fact = "service.state"
levels = [1, 2]
thresholds = ["degraded", "stopped"]
when = { "systems.ot" = true, attack = { status = "ongoing" } }
meaning = "m"
)";
  auto p = ParsePolicy(text, "x.toml");
  ASSERT_TRUE(p) << p.error().message;
  const Rule& r = p->rules[1];
  EXPECT_EQ(r.id, "stopped");
  EXPECT_EQ(r.thresholds, (std::vector<int64_t>{1, 2}));
  ASSERT_EQ(r.when.size(), 2u);
  EXPECT_EQ(r.when[0].fact, Fact::kAttackStatus);  // nested form flattens to "attack.status"
  EXPECT_EQ(r.when[0].at_least, static_cast<int64_t>(AttackStatus::kOngoing));
  EXPECT_EQ(r.when[1].fact, Fact::kSystemsOt);
}

TEST(ParsePolicy, RejectsUnknownKeys) {
  EXPECT_EQ(ErrorOf(Replace(kGood, "meaning = \"long outages\"", "meaning = \"m\"\ncolour = 3")).message,
            "data/severity/x.toml:22: rules.outage.colour: unknown key (known keys: viewpoint, fact, levels, "
            "thresholds, sector_thresholds, when, requires_level, applies_to, meaning, meaning_ja)");
  Error e = ErrorOf(Replace(kGood, "version = \"7\"", "version = \"7\"\nauthor = \"me\""));
  EXPECT_EQ(e.field, "author");
  EXPECT_TRUE(e.message.starts_with("data/severity/x.toml:3: author: unknown key")) << e.message;
  e = ErrorOf(Replace(kGood, "deadline_minutes = 15", "deadline_minutes = 15\nescalate = true"));
  EXPECT_TRUE(e.message.starts_with("data/severity/x.toml:28: responses[0].escalate: unknown key"))
      << e.message;
}

TEST(ParsePolicy, RejectsOverlappingThresholds) {
  Error e = ErrorOf(Replace(kGood, "thresholds = [30, 120]", "thresholds = [30, 30]"));
  EXPECT_EQ(e.field, "rules.outage.thresholds");
  EXPECT_EQ(e.message,
            "data/severity/x.toml:20: rules.outage.thresholds: thresholds must increase with the level "
            "(level 2: 30 is not above level 1: 30)");
}

TEST(ParsePolicy, RejectsInvertedThresholds) {
  EXPECT_EQ(ErrorOf(Replace(kGood, "thresholds = [30, 120]", "thresholds = [120, 30]")).message,
            "data/severity/x.toml:20: rules.outage.thresholds: thresholds must increase with the level "
            "(level 2: 30 is not above level 1: 120)");
  EXPECT_EQ(
      ErrorOf(Replace(kGood, "electric_power = [10, 60]", "electric_power = [60, 10]")).message,
      "data/severity/x.toml:23: rules.outage.sector_thresholds.electric_power: thresholds must increase "
      "with the level (level 2: 10 is not above level 1: 60)");
  std::string text(kGood);
  text +=
      "[rules.state]\nviewpoint = \"continuity\"\nfact = \"service.state\"\nlevels = [1, 2]\n"
      "thresholds = [\"stopped\", \"degraded\"]\nmeaning = \"m\"\n";
  EXPECT_EQ(ErrorOf(text).message,
            "data/severity/x.toml:45: rules.state.thresholds: thresholds must increase with the level "
            "(level 2: \"degraded\" is not above level 1: \"stopped\")");
}

TEST(ParsePolicy, RejectsLevelsOutsideTheScale) {
  EXPECT_EQ(
      ErrorOf(Replace(kGood, "levels = [1, 2]\n", "levels = [1, 3]\n")).message,
      "data/severity/x.toml:19: rules.outage.levels: level 3 is outside the scale (allowed here: 1 to 2)");
  EXPECT_EQ(
      ErrorOf(Replace(kGood, "levels = [1, 2]\n", "levels = [0, 2]\n")).message,
      "data/severity/x.toml:19: rules.outage.levels: level 0 is outside the scale (allowed here: 1 to 2)");
  EXPECT_EQ(
      ErrorOf(Replace(kGood, "levels = [2]\n", "levels = [2, 5]\n")).message,
      "data/severity/x.toml:25: responses[0].levels: level 5 is outside the scale (allowed here: 0 to 2)");
  EXPECT_EQ(ErrorOf(Replace(kGood, "[levels.2]", "[levels.6]")).message,
            "data/severity/x.toml:36: levels.6: level 6 is outside the scale 0 to 2");
  EXPECT_EQ(
      ErrorOf(Replace(kGood, "meaning = \"long outages\"", "meaning = \"m\"\nrequires_level = 4")).message,
      "data/severity/x.toml:22: rules.outage.requires_level: level 4 is outside the scale (allowed here: 1 "
      "to 2)");
}

TEST(ParsePolicy, RejectsOtherMistakesWithFileLineAndKey) {
  struct Case {
    std::string_view from, to, message;
  };
  const Case cases[] = {
      {"fact = \"outage.minutes\"", "fact = \"outage.hours\"",
       "data/severity/x.toml:18: rules.outage.fact: unknown fact \"outage.hours\" (see "
       "src/domain/severity/facts.h)"},
      {"fact = \"outage.minutes\"", "fact = \"systems.kinds\"",
       "data/severity/x.toml:18: rules.outage.fact: \"systems.kinds\" cannot be compared; use systems.it, "
       "systems.ot or systems.iot"},
      {"viewpoint = \"continuity\"\nfact", "viewpoint = \"trust\"\nfact",
       "data/severity/x.toml:17: rules.outage.viewpoint: unknown viewpoint \"trust\" (declare it under "
       "[viewpoints])"},
      {"thresholds = [30, 120]", "thresholds = [30]",
       "data/severity/x.toml:20: rules.outage.thresholds: must have one threshold per level (2), has 1"},
      {"thresholds = [30, 120]", "thresholds = [30, \"long\"]",
       "data/severity/x.toml:20: rules.outage.thresholds: outage.minutes thresholds must be integers from 0 "
       "to 5256000"},
      {"channel = \"hotline\"", "channel = \"pager\"",
       "data/severity/x.toml:26: responses[0].channel: must be one of: hotline, stream, webhook, inbox, "
       "email_digest"},
      {"acknowledge = [\"coordination_center\"]", "acknowledge = [\"crisis_office\"]",
       "data/severity/x.toml:29: responses[0].acknowledge: \"crisis_office\" must acknowledge but is not in "
       "notify"},
      {"[levels.1]", "[levels.x1]",
       "data/severity/x.toml:31: levels.x1: level x1 is outside the scale 0 to 2"},
      {"meaning = \"long outages\"\n", "", "data/severity/x.toml:16: rules.outage.meaning: is required"},
      {"max = 2", "max = 0", "data/severity/x.toml:7: scale.max: must be above scale.min"},
      {"thresholds = [30, 120]", "thresholds = [30, 120",
       "data/severity/x.toml:21: Error while parsing array: expected comma or closing ']', saw 'm'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.to);
    Error e = ErrorOf(Replace(kGood, c.from, c.to));
    EXPECT_EQ(e.message, c.message);
  }
}

TEST(ParsePolicy, RequiresEveryLevelToBeNamed) {
  std::string text = Replace(
      kGood, "[levels.1]\nja = \"低\"\nen = \"low\"\ndefinition_ja = \"-\"\ndefinition_en = \"-\"\n", "");
  Error e = ErrorOf(text);
  EXPECT_EQ(e.field, "levels.1");
  EXPECT_TRUE(e.message.ends_with("levels.1: every level of the scale needs a name and a definition"))
      << e.message;
}

TEST(ParsePolicy, ShippedPoliciesParse) {
  EXPECT_EQ(Plan4().id, "plan4-draft");
  EXPECT_EQ(Plan4().scale_min, 0);
  EXPECT_EQ(Plan4().scale_max, 5);
  EXPECT_EQ(Plan4().NameOf(5).ja, "危機");
  EXPECT_EQ(Nisc2018().id, "nisc-2018");
  EXPECT_EQ(Nisc2018().scale_max, 4);
  ASSERT_EQ(Nisc2018().viewpoints.size(), 3u);
  EXPECT_EQ(Nisc2018().viewpoints[0].id, "continuity");
  EXPECT_EQ(Nisc2018().viewpoints[1].id, "safety");
  EXPECT_EQ(Nisc2018().viewpoints[2].id, "trust");
  // Power, telecom and finance are stricter on outage minutes than logistics.
  for (const Policy* p : {&Plan4(), &Nisc2018()}) {
    const auto rule = std::ranges::find(p->rules, std::string_view("outage_minutes"), &Rule::id);
    ASSERT_NE(rule, p->rules.end());
    const auto& logistics = rule->ThresholdsFor("logistics");
    for (auto strict : {"electric_power", "information_communications", "finance"})
      for (size_t i = 0; i < logistics.size(); ++i)
        if (logistics[i] > 0) {
          EXPECT_LT(rule->ThresholdsFor(strict)[i], logistics[i]) << p->id << " " << strict;
        }
  }
}

// The browser UI shows a rule's and an action's meaning in Japanese: the
// shipped policies say each in both languages.
TEST(ParsePolicy, ShippedPoliciesSayEveryMeaningInJapaneseToo) {
  for (const Policy* p : {&Plan4(), &Nisc2018()}) {
    for (const Rule& r : p->rules) {
      EXPECT_FALSE(r.meaning.empty()) << p->id << " " << r.id;
      EXPECT_FALSE(r.meaning_ja.empty()) << p->id << " " << r.id;
    }
    for (const ResponseRule& r : p->responses)
      EXPECT_FALSE(r.meaning_ja.empty()) << p->id << " line " << r.line;
  }
  // And an assessment and its plan carry them.
  ImpactFacts facts;
  facts.safety.deaths = 1;
  const Assessment a = Assess(facts, Plan4(), "electric_power");
  const Json rendered = AssessmentToJson(a);
  ASSERT_FALSE(rendered["fired_rules"].empty());
  EXPECT_EQ(rendered["fired_rules"][0]["meaning_ja"], "死者が出た。");
}

TEST(ValidatePolicySectors, RejectsSectorsTheRegistryLacks) {
  const Registry registry = testing::TestRegistry();
  EXPECT_TRUE(ValidatePolicySectors(Plan4(), registry));
  EXPECT_TRUE(ValidatePolicySectors(Nisc2018(), registry));
  auto p = ParsePolicy(Replace(kGood, "electric_power = [10, 60]", "electricity = [10, 60]"),
                       "data/severity/x.toml");
  ASSERT_TRUE(p);
  auto v = ValidatePolicySectors(*p, registry);
  ASSERT_FALSE(v);
  EXPECT_EQ(
      v.error().message,
      "data/severity/x.toml:23: rules.outage.sector_thresholds.electricity: unknown sector \"electricity\"");
}

TEST(ValidatePolicySectors, ShippedPoliciesMatchTheShippedRegistry) {
  const std::string file = "data/registry/registry.toml";
  auto data = ParseRegistryToml(testing::ReadRepoFile(file), file);
  ASSERT_TRUE(data) << "the shipped registry does not load: " << data.error().message;
  const Registry registry(*std::move(data));
  for (const Policy* p : {&Plan4(), &Nisc2018()}) {
    auto v = ValidatePolicySectors(*p, registry);
    EXPECT_TRUE(v) << v.error().message;
  }
}

TEST(InternName, KeepsViewsValid) {
  std::string s = "some_rule";
  std::string_view v = InternName(s);
  s = "changed";
  EXPECT_EQ(v, "some_rule");
  EXPECT_EQ(InternName("some_rule").data(), v.data());
}

}  // namespace
}  // namespace infrashare
