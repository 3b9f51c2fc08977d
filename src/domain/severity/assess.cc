#include "domain/severity/assess.h"

#include <algorithm>

namespace infrashare {
namespace {

// How many of the (ascending) thresholds `value` reaches. Branch-free, like
// the checks below: facts arrive in any combination, and mispredicted
// branches would cost more than the comparisons.
int Reached(const std::vector<int64_t>& thresholds, int64_t value) {
  int n = 0;
  for (int64_t t : thresholds) n += value >= t;
  return n;
}

bool Holds(const Condition& c, const FactVector& fv) { return fv.Has(c.fact) & (fv[c.fact] >= c.at_least); }

bool WhenHolds(const Rule& r, const FactVector& fv) {
  bool ok = true;
  for (const Condition& c : r.when) ok &= Holds(c, fv);
  return ok;
}

// The missing input fields that could make any fact of the rule worse.
uint32_t OpenSourcesOf(const Rule& r, const FactVector& fv) {
  uint32_t open = fv.OpenSources(r.fact);
  for (const Condition& c : r.when) open |= fv.OpenSources(c.fact);
  return open;
}

// The highest level the rule could reach once its missing facts are known
// (missing facts taken at their worst), or -1 when it cannot fire.
int BestCase(const Rule& r, const std::vector<int64_t>& thresholds, const FactVector& fv) {
  bool possible = true;
  for (const Condition& c : r.when) possible &= Holds(c, fv) | (fv.OpenSources(c.fact) != 0);
  if (!possible) return -1;
  if (fv.OpenSources(r.fact) != 0) return r.levels.back();
  const int n = fv.Has(r.fact) ? Reached(thresholds, fv[r.fact]) : 0;
  return n == 0 ? -1 : r.levels[static_cast<size_t>(n - 1)];
}

// The evaluation of one assessment: the policy, the facts and the sector's
// row of compiled thresholds.
class Evaluation {
 public:
  Evaluation(const Policy& p, const FactVector& fv, std::string_view sector) : p_(p), fv_(fv) {
    size_t row = 0;
    for (size_t i = 0; i < p.compiled_sectors.size(); ++i)
      if (p.compiled_sectors[i] == sector) {
        row = i + 1;
        break;
      }
    ladders_ = &p.compiled_ladder[row];
  }

  // The thresholds that apply to rule `ri`, or nullptr when it does not apply.
  const std::vector<int64_t>* Thresholds(size_t ri) const {
    const int16_t k = (*ladders_)[ri];
    if (k < 0) return nullptr;
    return k == 0 ? &p_.rules[ri].thresholds
                  : &p_.rules[ri].sector_thresholds[static_cast<size_t>(k - 1)].thresholds;
  }
  std::string_view ThresholdsFor(size_t ri) const {
    const int16_t k = (*ladders_)[ri];
    return k <= 0 ? std::string_view() : p_.rules[ri].sector_thresholds[static_cast<size_t>(k - 1)].sector;
  }

  // Fires rule `ri` into `a` if its facts reach a threshold; returns the level or -1.
  int Fire(size_t ri, const std::vector<int64_t>& thresholds, int base, Assessment& a) const {
    const Rule& r = p_.rules[ri];
    const int n = Reached(thresholds, fv_[r.fact]);
    const bool fires =
        fv_.Has(r.fact) & WhenHolds(r, fv_) & (n > 0) & (base >= r.requires_level.value_or(-1));
    if (!fires) return -1;
    FiredRule& f = a.fired.Append();
    f.rule = r.id;
    f.viewpoint = r.viewpoint;
    f.meaning = r.meaning;
    f.meaning_ja = r.meaning_ja;
    f.thresholds_for = ThresholdsFor(ri);
    f.level = r.levels[static_cast<size_t>(n - 1)];
    f.threshold = thresholds[static_cast<size_t>(n - 1)];
    f.requires_level = r.requires_level.value_or(-1);
    f.base_level = r.requires_level ? base : -1;
    f.fact_count = 0;
    f.facts[f.fact_count++] = {r.fact, fv_[r.fact]};
    for (const Condition& c : r.when) f.facts[f.fact_count++] = {c.fact, fv_[c.fact]};
    return f.level;
  }

 private:
  const Policy& p_;
  const FactVector& fv_;
  const std::vector<int16_t>* ladders_ = nullptr;
};

}  // namespace

Assessment Assess(const ImpactFacts& facts, const Policy& p, std::string_view sector_id) {
  const FactVector fv = ToFactVector(facts, sector_id);
  const Evaluation eval(p, fv, sector_id);
  Assessment a;
  a.policy_id = p.id;
  a.policy_version = p.version;
  std::array<int, kMaxViewpoints> vp_level;
  vp_level.fill(p.scale_min);

  // Pass 1: rules without requires_level make the base level.
  int base = p.scale_min;
  for (size_t ri = 0; ri < p.rules.size(); ++ri) {
    const Rule& r = p.rules[ri];
    const auto* thresholds = eval.Thresholds(ri);
    if (thresholds == nullptr) continue;
    a.missing |= OpenSourcesOf(r, fv);
    if (r.requires_level) continue;
    const int level = eval.Fire(ri, *thresholds, base, a);
    vp_level[r.viewpoint_index] = std::max(vp_level[r.viewpoint_index], level);
  }
  for (size_t v = 0; v < p.viewpoints.size(); ++v) base = std::max(base, vp_level[v]);
  // Pass 2: rules that escalate from the base level (they do not chain).
  for (size_t ri = 0; ri < p.rules.size(); ++ri) {
    const Rule& r = p.rules[ri];
    const auto* thresholds = eval.Thresholds(ri);
    if (thresholds == nullptr || !r.requires_level) continue;
    const int level = eval.Fire(ri, *thresholds, base, a);
    vp_level[r.viewpoint_index] = std::max(vp_level[r.viewpoint_index], level);
  }
  a.level = p.scale_min;
  for (size_t v = 0; v < p.viewpoints.size(); ++v) {
    a.viewpoints.push_back({p.viewpoints[v].id, vp_level[v]});
    a.level = std::max(a.level, vp_level[v]);
  }
  const LevelName& name = p.NameOf(a.level);
  a.level_ja = name.ja;
  a.level_en = name.en;

  // Which missing facts could raise the level: a rule that could fire above
  // it once its missing facts are known (at their worst) names them. Nothing
  // can raise the top of the scale.
  if (a.missing != 0 && a.level < p.scale_max) {
    int base_best = base;
    for (size_t ri = 0; ri < p.rules.size(); ++ri) {
      const auto* thresholds = eval.Thresholds(ri);
      // A rule that cannot exceed the base level changes nothing.
      if (thresholds == nullptr || p.rules[ri].requires_level || p.rules[ri].levels.back() <= base) continue;
      const int best = BestCase(p.rules[ri], *thresholds, fv);
      base_best = std::max(base_best, best);
      if (best > a.level) a.could_change_level |= OpenSourcesOf(p.rules[ri], fv);
    }
    for (size_t ri = 0; ri < p.rules.size(); ++ri) {
      const Rule& r = p.rules[ri];
      const auto* thresholds = eval.Thresholds(ri);
      if (thresholds == nullptr || !r.requires_level || base_best < *r.requires_level ||
          r.levels.back() <= a.level)
        continue;
      if (BestCase(r, *thresholds, fv) > a.level) a.could_change_level |= OpenSourcesOf(r, fv);
    }
    a.could_change_level &= a.missing;
  }
  return a;
}

namespace {

Json FieldList(uint32_t fields) {
  Json out = Json::array();
  for (size_t i = 0; i < kFactFieldCount; ++i)
    if (fields & (uint32_t{1} << i)) out.push_back(std::string(FactName(static_cast<Fact>(i))));
  return out;
}

}  // namespace

Json AssessmentToJson(const Assessment& a) {
  Json fired = Json::array();
  for (const FiredRule& f : a.fired) {
    Json facts = Json::object();
    for (size_t i = 0; i < f.fact_count; ++i)
      facts[std::string(FactName(f.facts[i].fact))] = FactValueToJson(f.facts[i].fact, f.facts[i].value);
    Json rule = {
        {"rule", std::string(f.rule)},
        {"viewpoint", std::string(f.viewpoint)},
        {"level", f.level},
        {"meaning", std::string(f.meaning)},
        {"threshold", FactValueToJson(f.facts[0].fact, f.threshold)},
        {"thresholds_for", f.thresholds_for.empty() ? std::string("default") : std::string(f.thresholds_for)},
        {"facts", std::move(facts)},
    };
    if (!f.meaning_ja.empty()) rule["meaning_ja"] = std::string(f.meaning_ja);
    if (f.requires_level >= 0) {
      rule["requires_level"] = f.requires_level;
      rule["base_level"] = f.base_level;
    }
    fired.push_back(std::move(rule));
  }
  Json viewpoints = Json::array();
  for (const ViewpointLevel& v : a.viewpoints)
    viewpoints.push_back({{"viewpoint", std::string(v.viewpoint)}, {"level", v.level}});
  return {
      {"policy", {{"id", std::string(a.policy_id)}, {"version", std::string(a.policy_version)}}},
      {"level", a.level},
      {"level_name", {{"ja", std::string(a.level_ja)}, {"en", std::string(a.level_en)}}},
      {"viewpoints", std::move(viewpoints)},
      {"fired_rules", std::move(fired)},
      {"missing_facts", FieldList(a.missing)},
      {"could_change_level", FieldList(a.could_change_level)},
  };
}

}  // namespace infrashare
