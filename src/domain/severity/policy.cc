#include "domain/severity/policy.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <set>

namespace infrashare {

std::string_view InternName(std::string_view text) {
  // Append-only: nodes of a std::set never move, so views stay valid.
  static std::mutex mutex;
  static std::set<std::string, std::less<>> names;
  std::lock_guard lock(mutex);
  auto it = names.find(text);
  if (it == names.end()) it = names.emplace(text).first;
  return *it;
}

const std::vector<int64_t>& Rule::ThresholdsFor(std::string_view sector) const {
  for (const auto& s : sector_thresholds)
    if (s.sector == sector) return s.thresholds;
  return thresholds;
}

bool Rule::AppliesTo(std::string_view sector) const {
  return applies_to.empty() || std::ranges::find(applies_to, sector) != applies_to.end();
}

const LevelName& Policy::NameOf(int level) const { return levels.at(static_cast<size_t>(level - scale_min)); }

std::vector<std::string_view> Policy::SectorIds() const { return compiled_sectors; }

void CompilePolicy(Policy& p) {
  p.used_fields = 0;
  std::set<std::string_view> sectors;
  for (const auto& r : p.rules) {
    for (const auto& s : r.sector_thresholds) sectors.insert(s.sector);
    for (auto s : r.applies_to) sectors.insert(s);
    p.used_fields |= InfoOf(r.fact).sources;
    for (const auto& c : r.when) p.used_fields |= InfoOf(c.fact).sources;
  }
  p.compiled_sectors.assign(sectors.begin(), sectors.end());
  p.compiled_ladder.assign(p.compiled_sectors.size() + 1, std::vector<int16_t>(p.rules.size(), 0));
  for (size_t ri = 0; ri < p.rules.size(); ++ri) {
    const Rule& r = p.rules[ri];
    // Row 0: a sector the policy never names takes the defaults.
    p.compiled_ladder[0][ri] = r.applies_to.empty() ? 0 : -1;
    for (size_t si = 0; si < p.compiled_sectors.size(); ++si) {
      const std::string_view sector = p.compiled_sectors[si];
      int16_t ladder = r.AppliesTo(sector) ? 0 : -1;
      for (size_t k = 0; ladder == 0 && k < r.sector_thresholds.size(); ++k)
        if (r.sector_thresholds[k].sector == sector) ladder = static_cast<int16_t>(k + 1);
      p.compiled_ladder[si + 1][ri] = ladder;
    }
  }
}

Result<void> ValidatePolicySectors(const Policy& policy, const Registry& registry) {
  for (const auto& r : policy.rules) {
    for (const auto& s : r.sector_thresholds)
      if (registry.FindSector(s.sector) == nullptr)
        return InvalidArgument(fmt::format("rules.{}.sector_thresholds.{}", r.id, s.sector),
                               fmt::format("{}:{}: rules.{}.sector_thresholds.{}: unknown sector \"{}\"",
                                           policy.file_name, s.line, r.id, s.sector, s.sector));
    for (auto s : r.applies_to)
      if (registry.FindSector(s) == nullptr)
        return InvalidArgument(fmt::format("rules.{}.applies_to", r.id),
                               fmt::format("{}:{}: rules.{}.applies_to: unknown sector \"{}\"",
                                           policy.file_name, r.line, r.id, s));
  }
  return {};
}

}  // namespace infrashare
