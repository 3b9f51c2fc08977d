#include "domain/severity/facts.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "common/input_limits.h"

namespace infrashare {
namespace {

template <class E, size_t N>
constexpr std::array<std::string_view, N> NamesOf(const std::array<EnumName<E>, N>& names) {
  std::array<std::string_view, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = names[i].name;
  return out;
}

constexpr auto kServiceStateList = NamesOf(kServiceStateNames);
constexpr auto kSystemImpactList = NamesOf(kSystemImpactNames);
constexpr auto kDataKindList = NamesOf(kDataKindNames);
constexpr auto kActivityStageList = NamesOf(kActivityStageNames);
constexpr auto kActivityLocationList = NamesOf(kActivityLocationNames);
constexpr auto kAttackStatusList = NamesOf(kAttackStatusNames);
constexpr auto kActorList = NamesOf(kActorNames);

constexpr uint32_t Bit(Fact f) { return FactBit(f); }

constexpr FactInfo Number(Fact f, std::string_view name, int64_t max) {
  return {f, name, FactType::kNumber, max, {}, FactSources(f), true};
}
constexpr FactInfo Boolean(Fact f, std::string_view name) {
  return {f, name, FactType::kBool, 1, {}, FactSources(f), true};
}
template <size_t N>
constexpr FactInfo Enumerated(Fact f, std::string_view name, const std::array<std::string_view, N>& names) {
  return {f, name, FactType::kEnum, int64_t{N} - 1, names, FactSources(f), true};
}

// Indexed by Fact; the order must match the enum (checked below).
constexpr std::array<FactInfo, kFactCount> kFacts{{
    Enumerated(Fact::kServiceState, "service.state", kServiceStateList),
    Number(Fact::kServiceLostPercent, "service.lost_percent", 100),
    Number(Fact::kOutageElapsedMinutes, "outage.elapsed_minutes", kMaxFactMinutes),
    Number(Fact::kOutageExpectedMinutes, "outage.expected_minutes", kMaxFactMinutes),
    Number(Fact::kAffectedPeople, "affected.people", kMaxFactCount),
    Number(Fact::kAffectedPrefectures, "affected.prefectures", kPrefectureCount),
    Enumerated(Fact::kSystemsNormal, "systems.normal", kSystemImpactList),
    Enumerated(Fact::kSystemsBackup, "systems.backup", kSystemImpactList),
    {Fact::kSystemsKinds, "systems.kinds", FactType::kNumber, 3, {}, Bit(Fact::kSystemsKinds), false},
    Number(Fact::kSafetyInjuries, "safety.injuries", kMaxFactCount),
    Number(Fact::kSafetyDeaths, "safety.deaths", kMaxFactCount),
    Boolean(Fact::kSafetyEvacuation, "safety.evacuation"),
    Number(Fact::kSafetyEvacuatedPeople, "safety.evacuated_people", kMaxFactCount),
    Boolean(Fact::kSafetyHazardousRelease, "safety.hazardous_release"),
    Boolean(Fact::kSafetyPhysicalDamage, "safety.physical_damage"),
    Enumerated(Fact::kDataKind, "data.kind", kDataKindList),
    Number(Fact::kDataRecords, "data.records", kMaxFactCount),
    Enumerated(Fact::kActivityStage, "activity.stage", kActivityStageList),
    Enumerated(Fact::kActivityLocation, "activity.location", kActivityLocationList),
    Enumerated(Fact::kAttackStatus, "attack.status", kAttackStatusList),
    Enumerated(Fact::kAttackActor, "attack.actor", kActorList),
    Number(Fact::kOtherSectors, "other_sectors", int64_t{kMaxOtherSectors}),
    Number(Fact::kOutageMinutes, "outage.minutes", kMaxFactMinutes),
    Boolean(Fact::kSystemsIt, "systems.it"),
    Boolean(Fact::kSystemsOt, "systems.ot"),
    Boolean(Fact::kSystemsIot, "systems.iot"),
}};

constexpr bool FactsInOrder() {
  for (size_t i = 0; i < kFacts.size(); ++i)
    if (static_cast<size_t>(kFacts[i].fact) != i) return false;
  return true;
}
static_assert(FactsInOrder(), "kFacts must be indexed by Fact");
static_assert(kFactCount <= 32 && kFactFieldCount == static_cast<size_t>(Fact::kOutageMinutes));

// --- Reading -----------------------------------------------------------------

// Each reader below leaves `out` untouched when the member is absent or null.
Result<void> ReadInt(ObjectReader& r, std::string_view key, int64_t max, std::optional<int64_t>& out) {
  if (r.Raw(key) == nullptr) return {};
  auto v = INFRASHARE_TRY(r.Int(key, 0, max));
  out = v;
  return {};
}

Result<void> ReadBool(ObjectReader& r, std::string_view key, std::optional<bool>& out) {
  if (r.Raw(key) == nullptr) return {};
  auto v = INFRASHARE_TRY(r.Bool(key));
  out = v;
  return {};
}

template <class E, size_t N>
Result<void> ReadEnum(ObjectReader& r, std::string_view key, const std::array<EnumName<E>, N>& names,
                      std::optional<E>& out) {
  auto s = INFRASHARE_TRY(r.OptionalString(key, kIdLimits));
  if (!s) return {};
  auto v = ParseName(names, *s);
  if (!v) return InvalidArgument(r.PathOf(key), AllowedNames(names));
  out = *v;
  return {};
}

// Calls `body` with a reader for the sub-object `key` when it is present.
template <class F>
Result<void> ReadObject(ObjectReader& parent, std::string_view key, F body) {
  const Json* raw = parent.Raw(key);
  if (raw == nullptr) return {};
  ObjectReader r(*raw, parent.PathOf(key));
  if (!raw->is_object()) return InvalidArgument(r.path(), "must be an object");
  if (auto e = body(r); !e) return e;
  return r.Finish();
}

bool IsSectorId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  return std::ranges::all_of(
      id, [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

Result<void> ReadPrefectures(ObjectReader& r, std::optional<std::vector<int>>& out) {
  const Json* raw = r.Raw("prefectures");
  if (raw == nullptr) return {};
  const std::string path = r.PathOf("prefectures");
  if (!raw->is_array()) return InvalidArgument(path, "must be an array of prefecture codes (1-47)");
  std::vector<int> codes;
  for (size_t i = 0; i < raw->size(); ++i) {
    const Json& v = (*raw)[i];
    if (!v.is_number_integer() || v.get<int64_t>() < 1 || v.get<int64_t>() > kPrefectureCount)
      return InvalidArgument(IndexPath(path, i), "must be a prefecture code between 1 and 47 (JIS X 0401)");
    const int code = v.get<int>();
    if (std::ranges::find(codes, code) != codes.end())
      return InvalidArgument(IndexPath(path, i), fmt::format("repeats prefecture {}", code));
    codes.push_back(code);
  }
  std::ranges::sort(codes);
  out = std::move(codes);
  return {};
}

Result<void> ReadKinds(ObjectReader& r, std::optional<std::vector<SystemKind>>& out) {
  if (r.Raw("kinds") == nullptr) return {};
  auto names = INFRASHARE_TRY(r.StringList("kinds", kSystemKindNames.size(), {.min = 1, .max = 16}));
  std::vector<SystemKind> kinds;
  for (size_t i = 0; i < names.size(); ++i) {
    auto k = ParseName(kSystemKindNames, names[i]);
    const std::string path = IndexPath(r.PathOf("kinds"), i);
    if (!k) return InvalidArgument(path, AllowedNames(kSystemKindNames));
    if (std::ranges::find(kinds, *k) != kinds.end())
      return InvalidArgument(path, fmt::format("repeats \"{}\"", (names)[i]));
    kinds.push_back(*k);
  }
  std::ranges::sort(kinds);
  out = std::move(kinds);
  return {};
}

Result<void> ReadOtherSectors(ObjectReader& r, std::optional<std::vector<std::string>>& out) {
  if (r.Raw("other_sectors") == nullptr) return {};
  auto ids = INFRASHARE_TRY(r.StringList("other_sectors", kMaxOtherSectors, kIdLimits));
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string path = IndexPath(r.PathOf("other_sectors"), i);
    if (!IsSectorId(ids[i]))
      return InvalidArgument(path, "must be a sector id (lower case letters, digits, _)");
    if (std::find(ids.begin(), ids.begin() + i, ids[i]) != ids.begin() + i)
      return InvalidArgument(path, fmt::format("repeats \"{}\"", (ids)[i]));
  }
  std::ranges::sort(ids);
  out = std::move(ids);
  return {};
}

}  // namespace

Result<ImpactFacts> ParseFacts(const Json& json, std::string_view path) {
  ImpactFacts f;
  ObjectReader r(json, std::string(path));
  if (!json.is_object()) return InvalidArgument(r.path(), "must be an object");
  INFRASHARE_TRY(ReadObject(r, "service", [&](ObjectReader& s) -> Result<void> {
    INFRASHARE_TRY(ReadEnum(s, "state", kServiceStateNames, f.service.state));
    return ReadInt(s, "lost_percent", 100, f.service.lost_percent);
  }));
  INFRASHARE_TRY(ReadObject(r, "outage", [&](ObjectReader& o) -> Result<void> {
    INFRASHARE_TRY(ReadInt(o, "elapsed_minutes", kMaxFactMinutes, f.outage.elapsed_minutes));
    INFRASHARE_TRY(ReadInt(o, "expected_minutes", kMaxFactMinutes, f.outage.expected_minutes));
    if (f.outage.elapsed_minutes && f.outage.expected_minutes &&
        *f.outage.expected_minutes < *f.outage.elapsed_minutes)
      return WithReason(
          InvalidArgument(o.PathOf("expected_minutes"),
                          "is the expected total duration and must be at least elapsed_minutes"),
          "expected_before_elapsed");
    return {};
  }));
  INFRASHARE_TRY(ReadObject(r, "affected", [&](ObjectReader& a) -> Result<void> {
    INFRASHARE_TRY(ReadInt(a, "people", kMaxFactCount, f.affected.people));
    return ReadPrefectures(a, f.affected.prefectures);
  }));
  INFRASHARE_TRY(ReadObject(r, "systems", [&](ObjectReader& s) -> Result<void> {
    INFRASHARE_TRY(ReadEnum(s, "normal", kSystemImpactNames, f.systems.normal));
    INFRASHARE_TRY(ReadEnum(s, "backup", kSystemImpactNames, f.systems.backup));
    return ReadKinds(s, f.systems.kinds);
  }));
  INFRASHARE_TRY(ReadObject(r, "safety", [&](ObjectReader& s) -> Result<void> {
    INFRASHARE_TRY(ReadInt(s, "injuries", kMaxFactCount, f.safety.injuries));
    INFRASHARE_TRY(ReadInt(s, "deaths", kMaxFactCount, f.safety.deaths));
    INFRASHARE_TRY(ReadBool(s, "evacuation", f.safety.evacuation));
    INFRASHARE_TRY(ReadInt(s, "evacuated_people", kMaxFactCount, f.safety.evacuated_people));
    INFRASHARE_TRY(ReadBool(s, "hazardous_release", f.safety.hazardous_release));
    INFRASHARE_TRY(ReadBool(s, "physical_damage", f.safety.physical_damage));
    if (f.safety.evacuated_people.value_or(0) > 0 && f.safety.evacuation == false)
      return InvalidArgument(s.PathOf("evacuated_people"), "is above 0 but evacuation is false");
    return {};
  }));
  INFRASHARE_TRY(ReadObject(r, "data", [&](ObjectReader& d) -> Result<void> {
    INFRASHARE_TRY(ReadEnum(d, "kind", kDataKindNames, f.data.kind));
    INFRASHARE_TRY(ReadInt(d, "records", kMaxFactCount, f.data.records));
    if (f.data.records.value_or(0) > 0 && f.data.kind == DataKind::kNone)
      return InvalidArgument(d.PathOf("records"), "is above 0 but kind is none");
    return {};
  }));
  INFRASHARE_TRY(ReadObject(r, "activity", [&](ObjectReader& a) -> Result<void> {
    INFRASHARE_TRY(ReadEnum(a, "stage", kActivityStageNames, f.activity.stage));
    return ReadEnum(a, "location", kActivityLocationNames, f.activity.location);
  }));
  INFRASHARE_TRY(ReadObject(r, "attack", [&](ObjectReader& a) -> Result<void> {
    INFRASHARE_TRY(ReadEnum(a, "status", kAttackStatusNames, f.attack.status));
    return ReadEnum(a, "actor", kActorNames, f.attack.actor);
  }));
  INFRASHARE_TRY(ReadOtherSectors(r, f.other_sectors));
  INFRASHARE_TRY(r.Finish());
  return f;
}

namespace {

template <class T>
void Put(Json& obj, std::string_view key, const std::optional<T>& v) {
  if (v) obj[std::string(key)] = *v;
}
template <class E, size_t N>
void PutEnum(Json& obj, std::string_view key, const std::array<EnumName<E>, N>& names,
             const std::optional<E>& v) {
  if (v) obj[std::string(key)] = std::string(NameOf(names, *v));
}
void PutObject(Json& root, std::string_view key, Json obj) {
  if (!obj.empty()) root[std::string(key)] = std::move(obj);
}

}  // namespace

Json FactsToJson(const ImpactFacts& f) {
  Json root = Json::object();
  Json service = Json::object(), outage = Json::object(), affected = Json::object(), systems = Json::object(),
       safety = Json::object(), data = Json::object(), activity = Json::object(), attack = Json::object();
  PutEnum(service, "state", kServiceStateNames, f.service.state);
  Put(service, "lost_percent", f.service.lost_percent);
  Put(outage, "elapsed_minutes", f.outage.elapsed_minutes);
  Put(outage, "expected_minutes", f.outage.expected_minutes);
  Put(affected, "people", f.affected.people);
  Put(affected, "prefectures", f.affected.prefectures);
  PutEnum(systems, "normal", kSystemImpactNames, f.systems.normal);
  PutEnum(systems, "backup", kSystemImpactNames, f.systems.backup);
  if (f.systems.kinds) {
    Json kinds = Json::array();
    for (SystemKind k : *f.systems.kinds) kinds.push_back(std::string(NameOf(kSystemKindNames, k)));
    systems["kinds"] = std::move(kinds);
  }
  Put(safety, "injuries", f.safety.injuries);
  Put(safety, "deaths", f.safety.deaths);
  Put(safety, "evacuation", f.safety.evacuation);
  Put(safety, "evacuated_people", f.safety.evacuated_people);
  Put(safety, "hazardous_release", f.safety.hazardous_release);
  Put(safety, "physical_damage", f.safety.physical_damage);
  PutEnum(data, "kind", kDataKindNames, f.data.kind);
  Put(data, "records", f.data.records);
  PutEnum(activity, "stage", kActivityStageNames, f.activity.stage);
  PutEnum(activity, "location", kActivityLocationNames, f.activity.location);
  PutEnum(attack, "status", kAttackStatusNames, f.attack.status);
  PutEnum(attack, "actor", kActorNames, f.attack.actor);
  PutObject(root, "service", std::move(service));
  PutObject(root, "outage", std::move(outage));
  PutObject(root, "affected", std::move(affected));
  PutObject(root, "systems", std::move(systems));
  PutObject(root, "safety", std::move(safety));
  PutObject(root, "data", std::move(data));
  PutObject(root, "activity", std::move(activity));
  PutObject(root, "attack", std::move(attack));
  Put(root, "other_sectors", f.other_sectors);
  return root;
}

const FactInfo& InfoOf(Fact fact) { return kFacts[static_cast<size_t>(fact)]; }

std::optional<Fact> FactByName(std::string_view name) {
  for (const auto& info : kFacts)
    if (info.name == name) return info.fact;
  return std::nullopt;
}

Json FactValueToJson(Fact fact, int64_t value) {
  const FactInfo& info = InfoOf(fact);
  switch (info.type) {
    case FactType::kBool:
      return value != 0;
    case FactType::kEnum:
      if (value >= 0 && static_cast<size_t>(value) < info.names.size())
        return std::string(info.names[static_cast<size_t>(value)]);
      return value;
    case FactType::kNumber:
      break;
  }
  return value;
}

FactVector ToFactVector(const ImpactFacts& f, std::string_view own_sector) {
  FactVector v;
  v.value.fill(0);  // absent facts read as 0 (never compared: rules check presence first)
  // Branch-free where it can be: facts are present or not at random, and a
  // mispredicted branch costs more than the store.
  auto set = [&v](Fact fact, int64_t value) {
    v.value[static_cast<size_t>(fact)] = value;
    v.present |= Bit(fact);
  };
  auto num = [&v](Fact fact, const std::optional<int64_t>& o) {
    v.value[static_cast<size_t>(fact)] = o.value_or(0);
    v.present |= o.has_value() ? Bit(fact) : 0;
  };
  auto flag = [&v](Fact fact, const std::optional<bool>& o) {
    v.value[static_cast<size_t>(fact)] = o.value_or(false) ? 1 : 0;
    v.present |= o.has_value() ? Bit(fact) : 0;
  };
  auto ord = [&v](Fact fact, const auto& o) {
    v.value[static_cast<size_t>(fact)] = o.has_value() ? static_cast<int64_t>(*o) : 0;
    v.present |= o.has_value() ? Bit(fact) : 0;
  };
  ord(Fact::kServiceState, f.service.state);
  num(Fact::kServiceLostPercent, f.service.lost_percent);
  num(Fact::kOutageElapsedMinutes, f.outage.elapsed_minutes);
  num(Fact::kOutageExpectedMinutes, f.outage.expected_minutes);
  num(Fact::kAffectedPeople, f.affected.people);
  if (f.affected.prefectures)
    set(Fact::kAffectedPrefectures, static_cast<int64_t>(f.affected.prefectures->size()));
  ord(Fact::kSystemsNormal, f.systems.normal);
  ord(Fact::kSystemsBackup, f.systems.backup);
  if (f.systems.kinds) {
    set(Fact::kSystemsKinds, static_cast<int64_t>(f.systems.kinds->size()));
    auto has = [&](SystemKind k) { return std::ranges::find(*f.systems.kinds, k) != f.systems.kinds->end(); };
    set(Fact::kSystemsIt, has(SystemKind::kIt));
    set(Fact::kSystemsOt, has(SystemKind::kOt));
    set(Fact::kSystemsIot, has(SystemKind::kIot));
  }
  num(Fact::kSafetyInjuries, f.safety.injuries);
  num(Fact::kSafetyDeaths, f.safety.deaths);
  flag(Fact::kSafetyEvacuation, f.safety.evacuation);
  num(Fact::kSafetyEvacuatedPeople, f.safety.evacuated_people);
  flag(Fact::kSafetyHazardousRelease, f.safety.hazardous_release);
  flag(Fact::kSafetyPhysicalDamage, f.safety.physical_damage);
  ord(Fact::kDataKind, f.data.kind);
  num(Fact::kDataRecords, f.data.records);
  ord(Fact::kActivityStage, f.activity.stage);
  ord(Fact::kActivityLocation, f.activity.location);
  ord(Fact::kAttackStatus, f.attack.status);
  ord(Fact::kAttackActor, f.attack.actor);
  if (f.other_sectors) {
    int64_t n = 0;
    for (const auto& s : *f.other_sectors) n += s != own_sector;
    set(Fact::kOtherSectors, n);
  }
  const bool elapsed = f.outage.elapsed_minutes.has_value(), expected = f.outage.expected_minutes.has_value();
  if (elapsed || expected)
    set(Fact::kOutageMinutes,
        std::max(f.outage.elapsed_minutes.value_or(0), f.outage.expected_minutes.value_or(0)));
  v.open = ~v.present & kFactFieldMask;
  return v;
}

}  // namespace infrashare
