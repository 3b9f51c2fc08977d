// The severity engine: Assess(facts, policy, sector) -> Assessment, a pure
// and deterministic function. The assessment says the level, the level per
// viewpoint, every rule that fired with the fact values that made it fire,
// the policy id and version, which facts the policy reads were missing, and
// which of those could still raise the level once known.
//
// It runs in every submit and in the form preview, so it does not allocate:
// an Assessment holds fixed-capacity lists and views of names the policy
// interned for the life of the process (policy.h). It is self-contained and
// may outlive the Policy object it came from.
//
// Example:
//   auto policy = ParsePolicy(text, "data/severity/plan4-draft.toml");
//   auto facts = ParseFacts(report.content.facts);
//   Assessment a = Assess(*facts, *policy, "electric_power");
//   Json j = AssessmentToJson(a);  // same input -> same bytes
//
// Thread behaviour: pure functions of their arguments; safe from any thread.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "common/json.h"
#include "domain/severity/facts.h"
#include "domain/severity/policy.h"

namespace infrashare {

// A vector with room for N trivially copyable elements and no allocation.
template <class T, size_t N>
class InlineVector {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  InlineVector() = default;
  InlineVector(const InlineVector& o) : size_(o.size_) { std::copy(o.begin(), o.end(), data()); }
  InlineVector& operator=(const InlineVector& o) {
    size_ = o.size_;
    std::copy(o.begin(), o.end(), data());
    return *this;
  }
  // REQUIRES: size() < N (policies are limited so that it holds).
  void push_back(const T& v) { data()[size_++] = v; }
  // Appends an uninitialized element for the caller to fill in place.
  // REQUIRES: size() < N.
  T& Append() { return data()[size_++]; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t i) { return data()[i]; }
  const T& operator[](size_t i) const { return data()[i]; }
  T* begin() { return data(); }
  T* end() { return data() + size_; }
  const T* begin() const { return data(); }
  const T* end() const { return data() + size_; }

 private:
  T* data() { return reinterpret_cast<T*>(storage_); }
  const T* data() const { return reinterpret_cast<const T*>(storage_); }
  size_t size_ = 0;
  alignas(T) std::byte storage_[N * sizeof(T)];
};

struct FactValue {
  Fact fact;
  int64_t value;  // as in FactVector; FactValueToJson renders it
};

struct FiredRule {
  std::string_view rule;       // rule id
  std::string_view viewpoint;  // viewpoint id
  std::string_view meaning;
  std::string_view meaning_ja;      // may be empty
  std::string_view thresholds_for;  // the sector whose thresholds applied; empty = the defaults
  int level;
  int64_t threshold;   // the threshold of `level` that facts[0] reached
  int requires_level;  // -1, or the level the other rules had to reach
  int base_level;      // the level the other rules reached (when requires_level >= 0)
  uint8_t fact_count;  // facts[0] is the rule's fact, then its `when` facts
  std::array<FactValue, 1 + kMaxRuleConditions> facts;
};

struct ViewpointLevel {
  std::string_view viewpoint;
  int level;
};

struct Assessment {
  std::string_view policy_id, policy_version;
  int level = 0;
  std::string_view level_ja, level_en;
  InlineVector<ViewpointLevel, kMaxViewpoints> viewpoints;  // in the policy's viewpoint order
  InlineVector<FiredRule, kMaxPolicyRules> fired;           // policy order; requires_level rules last
  uint32_t missing = 0;             // input fields (bits by Fact) the policy reads that were absent
  uint32_t could_change_level = 0;  // the subset of `missing` that, once known, could raise the level

  bool Missing(Fact f) const { return missing & FactBit(f); }
  bool CouldChangeLevel(Fact f) const { return could_change_level & FactBit(f); }
};

// Judges `facts` by `policy` for a report from `sector_id` (which selects the
// sector's thresholds and is left out of other_sectors' count). Pure,
// deterministic, allocation-free. An Assessment is about 10 KB: fine on the
// stack, but keep the JSON (or the level) rather than many of them.
// REQUIRES: `policy` came from ParsePolicy.
Assessment Assess(const ImpactFacts& facts, const Policy& policy, std::string_view sector_id);

// {"policy": {"id", "version"}, "level", "level_name": {"ja", "en"},
//  "viewpoints": [{"viewpoint", "level"}], "fired_rules": [{"rule",
//  "viewpoint", "level", "meaning", "meaning_ja" (when the policy has it),
//  "threshold", "thresholds_for", "facts":
//  {name: value}, "requires_level", "base_level"}], "missing_facts": [...],
//  "could_change_level": [...]}. Deterministic byte for byte (keys sorted).
Json AssessmentToJson(const Assessment& assessment);

}  // namespace infrashare
