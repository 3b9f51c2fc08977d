#include "domain/severity/facts.h"

#include <gtest/gtest.h>

namespace infrashare {
namespace {

Json Parse(std::string_view text) { return Json::parse(text); }

// The error of parsing `text`, which must fail.
Error ErrorOf(std::string_view text, std::string_view path = "facts") {
  auto f = ParseFacts(Parse(text), path);
  EXPECT_FALSE(f.has_value()) << text;
  return f ? Error{} : f.error();
}

constexpr std::string_view kFull = R"({
  "service": {"state": "stopped", "lost_percent": 40},
  "outage": {"elapsed_minutes": 30, "expected_minutes": 240},
  "affected": {"people": 120000, "prefectures": [14, 13]},
  "systems": {"normal": "lost", "backup": "degraded", "kinds": ["ot", "it"]},
  "safety": {"injuries": 0, "deaths": 0, "evacuation": true, "evacuated_people": 300,
             "hazardous_release": false, "physical_damage": true},
  "data": {"kind": "critical_system_data", "records": 12},
  "activity": {"stage": "effect", "location": "critical_systems"},
  "attack": {"status": "ongoing", "actor": "criminal"},
  "other_sectors": ["water", "finance"]
})";

TEST(ParseFacts, ReadsEveryFact) {
  auto f = ParseFacts(Parse(kFull));
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->service.state, ServiceState::kStopped);
  EXPECT_EQ(f->service.lost_percent, 40);
  EXPECT_EQ(f->outage.elapsed_minutes, 30);
  EXPECT_EQ(f->outage.expected_minutes, 240);
  EXPECT_EQ(f->affected.people, 120000);
  EXPECT_EQ(f->affected.prefectures, (std::vector<int>{13, 14}));  // sorted
  EXPECT_EQ(f->systems.normal, SystemImpact::kLost);
  EXPECT_EQ(f->systems.backup, SystemImpact::kDegraded);
  EXPECT_EQ(f->systems.kinds, (std::vector<SystemKind>{SystemKind::kIt, SystemKind::kOt}));
  EXPECT_EQ(f->safety.injuries, 0);
  EXPECT_EQ(f->safety.evacuation, true);
  EXPECT_EQ(f->safety.evacuated_people, 300);
  EXPECT_EQ(f->safety.hazardous_release, false);
  EXPECT_EQ(f->data.kind, DataKind::kCriticalSystemData);
  EXPECT_EQ(f->activity.stage, ActivityStage::kEffect);
  EXPECT_EQ(f->activity.location, ActivityLocation::kCriticalSystems);
  EXPECT_EQ(f->attack.status, AttackStatus::kOngoing);
  EXPECT_EQ(f->attack.actor, Actor::kCriminal);
  EXPECT_EQ(f->other_sectors, (std::vector<std::string>{"finance", "water"}));
}

TEST(ParseFacts, RoundTripsThroughJson) {
  auto f = ParseFacts(Parse(kFull));
  ASSERT_TRUE(f);
  const Json j = FactsToJson(*f);
  auto again = ParseFacts(j);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(*again, *f);
  EXPECT_EQ(FactsToJson(*again).dump(), j.dump());
}

TEST(ParseFacts, AbsentAndNullAreMissingNotZero) {
  auto f = ParseFacts(Parse(R"({"outage": {"elapsed_minutes": null}, "safety": {}})"));
  ASSERT_TRUE(f);
  EXPECT_EQ(*f, ImpactFacts{});
  EXPECT_FALSE(f->outage.elapsed_minutes.has_value());
  EXPECT_EQ(FactsToJson(*f).dump(), "{}");
  auto zero = ParseFacts(Parse(R"({"safety": {"deaths": 0}})"));
  ASSERT_TRUE(zero);
  EXPECT_EQ(zero->safety.deaths, 0);
}

TEST(ParseFacts, RejectsUnknownKeys) {
  Error e = ErrorOf(R"({"colour": "red"})");
  EXPECT_EQ(e.field, "facts.colour");
  EXPECT_EQ(e.message, "is not a known field");
  e = ErrorOf(R"({"outage": {"minutes": 3}})");
  EXPECT_EQ(e.field, "facts.outage.minutes");
  EXPECT_EQ(e.message, "is not a known field");
}

TEST(ParseFacts, RejectsWrongTypes) {
  Error e = ErrorOf(R"({"outage": {"expected_minutes": "60"}})");
  EXPECT_EQ(e.field, "facts.outage.expected_minutes");
  EXPECT_EQ(e.message, "must be an integer");
  e = ErrorOf(R"({"service": "stopped"})");
  EXPECT_EQ(e.field, "facts.service");
  EXPECT_EQ(e.message, "must be an object");
  e = ErrorOf(R"({"safety": {"evacuation": 1}})");
  EXPECT_EQ(e.field, "facts.safety.evacuation");
  EXPECT_EQ(e.message, "must be true or false");
  e = ErrorOf(R"([1, 2])");
  EXPECT_EQ(e.field, "facts");
  EXPECT_EQ(e.message, "must be an object");
  e = ErrorOf(R"({"other_sectors": "finance"})");
  EXPECT_EQ(e.field, "facts.other_sectors");
  EXPECT_EQ(e.message, "must be an array of strings");
}

TEST(ParseFacts, RejectsNumbersOutOfRange) {
  Error e = ErrorOf(R"({"service": {"lost_percent": 101}})");
  EXPECT_EQ(e.field, "facts.service.lost_percent");
  EXPECT_EQ(e.message, "must be between 0 and 100");
  e = ErrorOf(R"({"safety": {"injuries": -1}})");
  EXPECT_EQ(e.field, "facts.safety.injuries");
  EXPECT_EQ(e.message, "must be between 0 and 10000000000");
  e = ErrorOf(R"({"outage": {"expected_minutes": 99999999}})");
  EXPECT_EQ(e.field, "facts.outage.expected_minutes");
  EXPECT_EQ(e.message, "must be between 0 and 5256000");
}

TEST(ParseFacts, RejectsUnknownEnumNames) {
  Error e = ErrorOf(R"({"service": {"state": "down"}})");
  EXPECT_EQ(e.field, "facts.service.state");
  EXPECT_EQ(e.message, "must be one of: normal, degraded, stopped");
  e = ErrorOf(R"({"activity": {"location": "cloud"}})");
  EXPECT_EQ(e.field, "facts.activity.location");
  EXPECT_EQ(e.message,
            "must be one of: none, business_dmz, business_network, business_network_management, "
            "critical_system_dmz, critical_system_management, critical_systems, safety_systems");
  e = ErrorOf(R"({"systems": {"kinds": ["it", "scada"]}})");
  EXPECT_EQ(e.field, "facts.systems.kinds[1]");
  EXPECT_EQ(e.message, "must be one of: it, ot, iot");
}

TEST(ParseFacts, RejectsBadLists) {
  Error e = ErrorOf(R"({"affected": {"prefectures": [13, 48]}})");
  EXPECT_EQ(e.field, "facts.affected.prefectures[1]");
  EXPECT_EQ(e.message, "must be a prefecture code between 1 and 47 (JIS X 0401)");
  e = ErrorOf(R"({"affected": {"prefectures": [13, 13]}})");
  EXPECT_EQ(e.field, "facts.affected.prefectures[1]");
  EXPECT_EQ(e.message, "repeats prefecture 13");
  e = ErrorOf(R"({"other_sectors": ["finance", "finance"]})");
  EXPECT_EQ(e.field, "facts.other_sectors[1]");
  EXPECT_EQ(e.message, "repeats \"finance\"");
  e = ErrorOf(R"({"other_sectors": ["Finance"]})");
  EXPECT_EQ(e.field, "facts.other_sectors[0]");
  EXPECT_EQ(e.message, "must be a sector id (lower case letters, digits, _)");
}

TEST(ParseFacts, RejectsContradictions) {
  Error e = ErrorOf(R"({"outage": {"elapsed_minutes": 90, "expected_minutes": 60}})");
  EXPECT_EQ(e.field, "facts.outage.expected_minutes");
  EXPECT_EQ(e.message, "is the expected total duration and must be at least elapsed_minutes");
  e = ErrorOf(R"({"safety": {"evacuation": false, "evacuated_people": 20}})");
  EXPECT_EQ(e.field, "facts.safety.evacuated_people");
  EXPECT_EQ(e.message, "is above 0 but evacuation is false");
  e = ErrorOf(R"({"data": {"kind": "none", "records": 20}})");
  EXPECT_EQ(e.field, "facts.data.records");
}

TEST(ParseFacts, NamesFieldsFromTheGivenPath) {
  Error e = ErrorOf(R"({"outage": {"expected_minutes": -5}})", "");
  EXPECT_EQ(e.field, "outage.expected_minutes");
  e = ErrorOf(R"({"outage": {"expected_minutes": -5}})", "content.facts");
  EXPECT_EQ(e.field, "content.facts.outage.expected_minutes");
}

TEST(FactVector, DerivesRuleFacts) {
  ImpactFacts f;
  f.outage.elapsed_minutes = 45;
  f.systems.kinds = std::vector{SystemKind::kOt};
  f.other_sectors = std::vector<std::string>{"electric_power", "water"};
  const FactVector v = ToFactVector(f, "electric_power");
  EXPECT_TRUE(v.Has(Fact::kOutageMinutes));
  EXPECT_EQ(v[Fact::kOutageMinutes], 45);
  EXPECT_EQ(v[Fact::kOtherSectors], 1);  // the reporter's own sector is not "other"
  EXPECT_EQ(v[Fact::kSystemsOt], 1);
  EXPECT_EQ(v[Fact::kSystemsIt], 0);
  EXPECT_FALSE(v.Has(Fact::kServiceState));
  // Elapsed alone is a lower bound: the expected total could still raise it.
  EXPECT_EQ(v.OpenSources(Fact::kOutageMinutes), FactBit(Fact::kOutageExpectedMinutes));
  f.outage.expected_minutes = 60;
  EXPECT_EQ(ToFactVector(f, "").OpenSources(Fact::kOutageMinutes), 0u);
  EXPECT_EQ(ToFactVector(f, "")[Fact::kOutageMinutes], 60);
}

TEST(FactInfo, NamesAreTheJsonPaths) {
  EXPECT_EQ(FactByName("outage.expected_minutes"), Fact::kOutageExpectedMinutes);
  EXPECT_EQ(FactByName("systems.ot"), Fact::kSystemsOt);
  EXPECT_FALSE(FactByName("outage.hours"));
  EXPECT_EQ(FactValueToJson(Fact::kServiceState, 2), "stopped");
  EXPECT_EQ(FactValueToJson(Fact::kSafetyEvacuation, 1), true);
  EXPECT_EQ(FactValueToJson(Fact::kAffectedPeople, 7), 7);
}

}  // namespace
}  // namespace infrashare
