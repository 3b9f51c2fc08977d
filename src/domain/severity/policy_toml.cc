// ParsePolicy: the TOML file format of severity policies, documented in
// policy.h. Every error names the file, the line and the key.
#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "domain/severity/policy.h"

namespace infrashare {
namespace {

int LineOf(const toml::node& node) { return static_cast<int>(node.source().begin.line); }

bool IsId(std::string_view id, size_t max, bool dash) {
  if (id.empty() || id.size() > max) return false;
  return std::ranges::all_of(id, [dash](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || (dash && c == '-');
  });
}

std::string Join(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

// Reads one policy file; every error names the file, the line and the key.
class Reader {
 public:
  explicit Reader(std::string_view file) : file_(file) {}

  std::unexpected<Error> Fail(int line, std::string_view key, std::string_view message) const {
    return InvalidArgument(std::string(key), fmt::format("{}:{}: {}: {}", file_, line, key, message));
  }

  Result<void> Keys(const toml::table& t, std::string_view path,
                    std::initializer_list<std::string_view> known) const {
    for (auto&& [k, v] : t) {
      if (std::ranges::find(known, k.str()) != known.end()) continue;
      std::string list;
      for (auto n : known) list += list.empty() ? std::string(n) : fmt::format(", {}", n);
      return Fail(static_cast<int>(k.source().begin.line), Join(path, k.str()),
                  fmt::format("unknown key (known keys: {})", list));
    }
    return {};
  }

  Result<const toml::node*> Get(const toml::table& t, std::string_view path, std::string_view key,
                                bool required) const {
    const toml::node* n = t.get(key);
    if (n == nullptr && required) return Fail(LineOf(t), Join(path, key), "is required");
    return n;
  }

  Result<std::string> String(const toml::table& t, std::string_view path, std::string_view key, bool required,
                             size_t max = 2000) const {
    const toml::node* n = nullptr;
    n = INFRASHARE_TRY(Get(t, path, key, required));
    if (n == nullptr) return std::string();
    if (!n->is_string()) return Fail(LineOf(*n), Join(path, key), "must be a string");
    const std::string& s = n->as_string()->get();
    if (s.empty() || s.size() > max)
      return Fail(LineOf(*n), Join(path, key), fmt::format("must be 1 to {} bytes long", max));
    return s;
  }

  Result<std::optional<int64_t>> Int(const toml::table& t, std::string_view path, std::string_view key,
                                     bool required, int64_t min, int64_t max) const {
    const toml::node* n = nullptr;
    n = INFRASHARE_TRY(Get(t, path, key, required));
    if (n == nullptr) return std::optional<int64_t>();
    if (!n->is_integer()) return Fail(LineOf(*n), Join(path, key), "must be an integer");
    if (n->as_integer()->get() < min || n->as_integer()->get() > max)
      return Fail(LineOf(*n), Join(path, key), fmt::format("must be between {} and {}", min, max));
    return std::optional<int64_t>(n->as_integer()->get());
  }

  Result<const toml::table*> Table(const toml::node& n, std::string_view path) const {
    if (!n.is_table()) return Fail(LineOf(n), path, "must be a table");
    return n.as_table();
  }

  Result<const toml::array*> Array(const toml::table& t, std::string_view path, std::string_view key,
                                   bool required) const {
    const toml::node* n = nullptr;
    n = INFRASHARE_TRY(Get(t, path, key, required));
    if (n != nullptr && !n->is_array()) return Fail(LineOf(*n), Join(path, key), "must be an array");
    return n == nullptr ? nullptr : n->as_array();
  }

  // A list of names of one enum, each once.
  template <class E, size_t N>
  Result<std::vector<E>> Names(const toml::table& t, std::string_view path, std::string_view key,
                               const std::array<EnumName<E>, N>& names, bool required) const {
    const toml::array* a = nullptr;
    a = INFRASHARE_TRY(Array(t, path, key, required));
    std::vector<E> out;
    if (a == nullptr) return out;
    for (const auto& n : *a) {
      auto v = n.as_string() ? ParseName(names, n.as_string()->get()) : std::nullopt;
      if (!v) return Fail(LineOf(n), Join(path, key), AllowedNames(names));
      if (std::ranges::find(out, *v) != out.end())
        return Fail(LineOf(n), Join(path, key), fmt::format("repeats \"{}\"", NameOf(names, *v)));
      out.push_back(*v);
    }
    if (required && out.empty()) return Fail(LineOf(*a), Join(path, key), "must not be empty");
    return out;
  }

  // Ascending levels inside [low, high].
  Result<std::vector<int>> Levels(const toml::table& t, std::string_view path, int low, int high) const {
    const toml::array* a = nullptr;
    a = INFRASHARE_TRY(Array(t, path, "levels", true));
    const std::string key = Join(path, "levels");
    if (a->empty()) return Fail(LineOf(*a), key, "must not be empty");
    std::vector<int> out;
    for (const auto& n : *a) {
      if (!n.is_integer()) return Fail(LineOf(n), key, "must be integers");
      const int64_t v = n.as_integer()->get();
      if (v < low || v > high)
        return Fail(LineOf(n), key,
                    fmt::format("level {} is outside the scale (allowed here: {} to {})", v, low, high));
      if (!out.empty() && v <= out.back()) return Fail(LineOf(n), key, "levels must be ascending, each once");
      out.push_back(static_cast<int>(v));
    }
    return out;
  }

  // A threshold for `fact`: a number in range, an enum name, or true.
  Result<int64_t> Threshold(const toml::node& n, Fact fact, std::string_view key) const {
    const FactInfo& info = InfoOf(fact);
    switch (info.type) {
      case FactType::kNumber:
        if (!n.is_integer() || n.as_integer()->get() < 0 || n.as_integer()->get() > info.max)
          return Fail(LineOf(n), key,
                      fmt::format("{} thresholds must be integers from 0 to {}", info.name, info.max));
        return n.as_integer()->get();
      case FactType::kBool:
        if (!n.is_boolean() || !n.as_boolean()->get())
          return Fail(LineOf(n), key,
                      fmt::format("{} is true or false; the only threshold is true", info.name));
        return 1;
      case FactType::kEnum:
        if (n.is_string())
          for (size_t i = 0; i < info.names.size(); ++i)
            if (info.names[i] == n.as_string()->get()) return static_cast<int64_t>(i);
        std::string list;
        for (auto name : info.names) list += list.empty() ? std::string(name) : fmt::format(", {}", name);
        return Fail(LineOf(n), key, fmt::format("{} thresholds must be one of: {}", info.name, list));
    }
    return Fail(LineOf(n), key, "unsupported fact");
  }

  // One threshold per level, strictly ascending.
  Result<std::vector<int64_t>> Ladder(const toml::node& n, Fact fact, const std::vector<int>& levels,
                                      std::string_view key) const {
    if (!n.is_array()) return Fail(LineOf(n), key, "must be an array of thresholds");
    const auto& a = *n.as_array();
    if (a.size() != levels.size())
      return Fail(LineOf(n), key,
                  fmt::format("must have one threshold per level ({}), has {}", levels.size(), a.size()));
    std::vector<int64_t> out;
    for (size_t i = 0; i < a.size(); ++i) {
      int64_t v = 0;
      v = INFRASHARE_TRY(Threshold(a[i], fact, key));
      if (i > 0 && v <= out.back())
        return Fail(
            LineOf(a[i]), key,
            fmt::format("thresholds must increase with the level (level {}: {} is not above level {}: {})",
                        levels[i], FactValueToJson(fact, v).dump(), levels[i - 1],
                        FactValueToJson(fact, out.back()).dump()));
      out.push_back(v);
    }
    return out;
  }

  Result<Fact> RuleFact(const toml::node& n, std::string_view name, std::string_view key) const {
    auto f = FactByName(name);
    if (!f)
      return Fail(LineOf(n), key, fmt::format("unknown fact \"{}\" (see src/domain/severity/facts.h)", name));
    if (!InfoOf(*f).usable_in_rules)
      return Fail(LineOf(n), key,
                  fmt::format("\"{}\" cannot be compared; use systems.it, systems.ot or systems.iot", name));
    return *f;
  }

  // `when` may be written flat ({"service.state" = "stopped"}) or nested.
  Result<void> Conditions(const toml::table& t, std::string_view prefix, std::string_view key,
                          std::vector<Condition>& out) const {
    for (auto&& [k, v] : t) {
      const std::string name = Join(prefix, k.str());
      if (v.is_table()) {
        INFRASHARE_TRY(Conditions(*v.as_table(), name, key, out));
        continue;
      }
      const std::string at = Join(key, name);
      if (out.size() == kMaxRuleConditions)
        return Fail(LineOf(v), at, fmt::format("a rule has at most {} conditions", kMaxRuleConditions));
      Condition& c = out.emplace_back();
      c.fact = INFRASHARE_TRY(RuleFact(v, name, at));
      c.at_least = INFRASHARE_TRY(Threshold(v, c.fact, at));
    }
    return {};
  }

  Result<std::vector<std::string_view>> SectorList(const toml::table& t, std::string_view path) const {
    const toml::array* a = nullptr;
    a = INFRASHARE_TRY(Array(t, path, "applies_to", false));
    std::vector<std::string_view> out;
    if (a == nullptr) return out;
    for (const auto& n : *a) {
      if (!n.is_string() || !IsId(n.as_string()->get(), 64, false))
        return Fail(LineOf(n), Join(path, "applies_to"),
                    "must be sector ids (lower case letters, digits, _)");
      out.push_back(InternName(n.as_string()->get()));
    }
    if (out.empty()) return Fail(LineOf(*a), Join(path, "applies_to"), "must not be empty when given");
    std::ranges::sort(out);
    return out;
  }

  // The required sub-table `key` of `t`.
  Result<const toml::table*> SubTable(const toml::table& t, std::string_view path,
                                      std::string_view key) const {
    const toml::node* n = nullptr;
    n = INFRASHARE_TRY(Get(t, path, key, true));
    return Table(*n, Join(path, key));
  }

  Result<Rule> ParseRule(const toml::key& id, const toml::node& node, const Policy& p) const {
    const std::string path = Join("rules", id.str());
    if (!IsId(id.str(), 48, false))
      return Fail(static_cast<int>(id.source().begin.line), path, "rule ids are 1-48 of a-z, 0-9, _");
    const toml::table* t = nullptr;
    t = INFRASHARE_TRY(Table(node, path));
    INFRASHARE_TRY(Keys(*t, path,
                        {"viewpoint", "fact", "levels", "thresholds", "sector_thresholds", "when",
                         "requires_level", "applies_to", "meaning", "meaning_ja"}));
    Rule r;
    r.id = InternName(id.str());
    r.line = LineOf(*t);
    std::string viewpoint, fact, meaning;
    viewpoint = INFRASHARE_TRY(String(*t, path, "viewpoint", true, 64));
    auto vp = std::ranges::find(p.viewpoints, viewpoint, &Viewpoint::id);
    if (vp == p.viewpoints.end())
      return Fail(LineOf(*t->get("viewpoint")), Join(path, "viewpoint"),
                  fmt::format("unknown viewpoint \"{}\" (declare it under [viewpoints])", viewpoint));
    r.viewpoint = vp->id;
    r.viewpoint_index = static_cast<size_t>(vp - p.viewpoints.begin());
    fact = INFRASHARE_TRY(String(*t, path, "fact", true, 64));
    r.fact = INFRASHARE_TRY(RuleFact(*t->get("fact"), fact, Join(path, "fact")));
    r.levels = INFRASHARE_TRY(Levels(*t, path, p.scale_min + 1, p.scale_max));
    const toml::node* thresholds = nullptr;
    thresholds = INFRASHARE_TRY(Get(*t, path, "thresholds", true));
    r.thresholds = INFRASHARE_TRY(Ladder(*thresholds, r.fact, r.levels, Join(path, "thresholds")));
    if (t->contains("sector_thresholds")) {
      const toml::table* st = nullptr;
      st = INFRASHARE_TRY(SubTable(*t, path, "sector_thresholds"));
      for (auto&& [sector, v] : *st) {
        const std::string key = Join(Join(path, "sector_thresholds"), sector.str());
        if (!IsId(sector.str(), 64, false))
          return Fail(static_cast<int>(sector.source().begin.line), key, "sector ids are a-z, 0-9, _");
        SectorThresholds& s = r.sector_thresholds.emplace_back();
        s.sector = InternName(sector.str());
        s.line = LineOf(v);
        s.thresholds = INFRASHARE_TRY(Ladder(v, r.fact, r.levels, key));
      }
      std::ranges::sort(r.sector_thresholds, {}, &SectorThresholds::sector);
    }
    if (t->contains("when")) {
      const toml::table* when = nullptr;
      when = INFRASHARE_TRY(SubTable(*t, path, "when"));
      INFRASHARE_TRY(Conditions(*when, "", Join(path, "when"), r.when));
    }
    if (const toml::node* n = t->get("requires_level"); n != nullptr && n->is_integer()) {
      const int64_t v = n->as_integer()->get();
      if (v <= p.scale_min || v > p.scale_max)
        return Fail(LineOf(*n), Join(path, "requires_level"),
                    fmt::format("level {} is outside the scale (allowed here: {} to {})", v, p.scale_min + 1,
                                p.scale_max));
      r.requires_level = static_cast<int>(v);
    } else if (n != nullptr) {
      return Fail(LineOf(*n), Join(path, "requires_level"), "must be an integer");
    }
    r.applies_to = INFRASHARE_TRY(SectorList(*t, path));
    meaning = INFRASHARE_TRY(String(*t, path, "meaning", true));
    r.meaning = InternName(meaning);
    meaning = INFRASHARE_TRY(String(*t, path, "meaning_ja", false));
    if (!meaning.empty()) r.meaning_ja = InternName(meaning);
    return r;
  }

  Result<ResponseRule> ParseResponse(const toml::node& node, std::string_view path, const Policy& p) const {
    const toml::table* t = nullptr;
    t = INFRASHARE_TRY(Table(node, path));
    INFRASHARE_TRY(
        Keys(*t, path,
             {"levels", "channel", "deadline_minutes", "notify", "acknowledge", "meaning", "meaning_ja"}));
    ResponseRule r;
    r.line = LineOf(*t);
    r.levels = INFRASHARE_TRY(Levels(*t, path, p.scale_min, p.scale_max));
    std::string channel;
    channel = INFRASHARE_TRY(String(*t, path, "channel", true, 64));
    auto c = ParseName(kChannelNames, channel);
    if (!c) return Fail(LineOf(*t->get("channel")), Join(path, "channel"), AllowedNames(kChannelNames));
    r.channel = *c;
    std::optional<int64_t> deadline;
    deadline = INFRASHARE_TRY(Int(*t, path, "deadline_minutes", true, 1, 10080));
    r.deadline_minutes = *deadline;
    r.notify = INFRASHARE_TRY(Names(*t, path, "notify", kRecipientRoleNames, true));
    r.acknowledge = INFRASHARE_TRY(Names(*t, path, "acknowledge", kRecipientRoleNames, false));
    for (RecipientRole role : r.acknowledge)
      if (std::ranges::find(r.notify, role) == r.notify.end())
        return Fail(
            LineOf(*t->get("acknowledge")), Join(path, "acknowledge"),
            fmt::format("\"{}\" must acknowledge but is not in notify", NameOf(kRecipientRoleNames, role)));
    r.meaning = INFRASHARE_TRY(String(*t, path, "meaning", true));
    r.meaning_ja = INFRASHARE_TRY(String(*t, path, "meaning_ja", false));
    return r;
  }

  Result<void> ParseScale(const toml::table& root, Policy& p) const {
    const toml::table* scale = nullptr;
    scale = INFRASHARE_TRY(SubTable(root, "", "scale"));
    INFRASHARE_TRY(Keys(*scale, "scale", {"min", "max"}));
    std::optional<int64_t> min, max;
    min = INFRASHARE_TRY(Int(*scale, "scale", "min", true, 0, kMaxScaleLevel));
    max = INFRASHARE_TRY(Int(*scale, "scale", "max", true, 0, kMaxScaleLevel));
    if (*max <= *min) return Fail(LineOf(*scale->get("max")), "scale.max", "must be above scale.min");
    p.scale_min = static_cast<int>(*min);
    p.scale_max = static_cast<int>(*max);
    return {};
  }

  Result<void> ParseLevels(const toml::table& root, Policy& p) const {
    const toml::table* levels = nullptr;
    levels = INFRASHARE_TRY(SubTable(root, "", "levels"));
    p.levels.resize(static_cast<size_t>(p.scale_max - p.scale_min + 1));
    std::vector<bool> seen(p.levels.size());
    for (auto&& [k, v] : *levels) {
      const std::string path = Join("levels", k.str());
      int level = -1;
      if (k.str().size() == 1 && k.str()[0] >= '0' && k.str()[0] <= '9') level = k.str()[0] - '0';
      if (level < p.scale_min || level > p.scale_max)
        return Fail(static_cast<int>(k.source().begin.line), path,
                    fmt::format("level {} is outside the scale {} to {}", k.str(), p.scale_min, p.scale_max));
      const toml::table* t = nullptr;
      t = INFRASHARE_TRY(Table(v, path));
      INFRASHARE_TRY(Keys(*t, path, {"ja", "en", "definition_ja", "definition_en"}));
      LevelName& name = p.levels[static_cast<size_t>(level - p.scale_min)];
      name.level = level;
      std::string ja, en;
      ja = INFRASHARE_TRY(String(*t, path, "ja", true, 100));
      en = INFRASHARE_TRY(String(*t, path, "en", true, 100));
      name.ja = InternName(ja);
      name.en = InternName(en);
      name.definition_ja = INFRASHARE_TRY(String(*t, path, "definition_ja", true));
      name.definition_en = INFRASHARE_TRY(String(*t, path, "definition_en", true));
      seen[static_cast<size_t>(level - p.scale_min)] = true;
    }
    for (size_t i = 0; i < seen.size(); ++i)
      if (!seen[i])
        return Fail(LineOf(*levels), fmt::format("levels.{}", p.scale_min + static_cast<int>(i)),
                    "every level of the scale needs a name and a definition");
    return {};
  }

  Result<void> ParseViewpoints(const toml::table& root, Policy& p) const {
    const toml::table* vps = nullptr;
    vps = INFRASHARE_TRY(SubTable(root, "", "viewpoints"));
    for (auto&& [k, v] : *vps) {
      const std::string path = Join("viewpoints", k.str());
      if (!IsId(k.str(), 64, false))
        return Fail(static_cast<int>(k.source().begin.line), path, "viewpoint ids are a-z, 0-9, _");
      const toml::table* t = nullptr;
      t = INFRASHARE_TRY(Table(v, path));
      INFRASHARE_TRY(Keys(*t, path, {"ja", "en"}));
      Viewpoint& viewpoint = p.viewpoints.emplace_back();
      viewpoint.id = InternName(k.str());
      viewpoint.ja = INFRASHARE_TRY(String(*t, path, "ja", true, 200));
      viewpoint.en = INFRASHARE_TRY(String(*t, path, "en", true, 200));
    }
    if (p.viewpoints.empty() || p.viewpoints.size() > kMaxViewpoints)
      return Fail(LineOf(*vps), "viewpoints", fmt::format("must declare 1 to {} viewpoints", kMaxViewpoints));
    std::ranges::sort(p.viewpoints, {}, &Viewpoint::id);
    return {};
  }

  Result<Policy> Parse(const toml::table& root) const {
    Policy p;
    p.file_name = file_;
    INFRASHARE_TRY(Keys(root, "",
                        {"id", "version", "title_ja", "title_en", "source", "scale", "levels", "viewpoints",
                         "rules", "responses"}));
    std::string id, version;
    id = INFRASHARE_TRY(String(root, "", "id", true, 40));
    if (!IsId(id, 40, true)) return Fail(LineOf(*root.get("id")), "id", "policy ids are a-z, 0-9, _ and -");
    p.id = InternName(id);
    version = INFRASHARE_TRY(String(root, "", "version", true, 40));
    p.version = InternName(version);
    p.title_ja = INFRASHARE_TRY(String(root, "", "title_ja", true));
    p.title_en = INFRASHARE_TRY(String(root, "", "title_en", true));
    p.source = INFRASHARE_TRY(String(root, "", "source", false));
    INFRASHARE_TRY(ParseScale(root, p));
    INFRASHARE_TRY(ParseLevels(root, p));
    INFRASHARE_TRY(ParseViewpoints(root, p));

    const toml::table* rules = nullptr;
    rules = INFRASHARE_TRY(SubTable(root, "", "rules"));
    for (auto&& [k, v] : *rules) {
      if (p.rules.size() == kMaxPolicyRules)
        return Fail(static_cast<int>(k.source().begin.line), Join("rules", k.str()),
                    fmt::format("a policy has at most {} rules", kMaxPolicyRules));
      p.rules.emplace_back() = INFRASHARE_TRY(ParseRule(k, v, p));
    }
    std::ranges::sort(p.rules, {}, &Rule::id);

    if (const toml::node* responses = root.get("responses")) {
      if (!responses->is_array_of_tables())
        return Fail(LineOf(*responses), "responses", "must be an array of tables ([[responses]])");
      const auto& a = *responses->as_array();
      for (size_t i = 0; i < a.size(); ++i)
        p.responses.emplace_back() = INFRASHARE_TRY(ParseResponse(a[i], fmt::format("responses[{}]", i), p));
    }
    CompilePolicy(p);
    return p;
  }

 private:
  std::string file_;
};

}  // namespace

Result<Policy> ParsePolicy(std::string_view toml_text, std::string_view file_name) {
  Reader reader(file_name);
  toml::table root;
  try {
    root = toml::parse(toml_text, std::string(file_name));
  } catch (const toml::parse_error& e) {
    return InvalidArgument("", fmt::format("{}:{}: {}", file_name, e.source().begin.line, e.description()));
  }
  return reader.Parse(root);
}

}  // namespace infrashare
