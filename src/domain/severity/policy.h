// A severity policy: the scale (levels and their names), the viewpoints a
// level is judged from, the rules that map impact facts to levels (with
// thresholds per sector), and the level -> response table. Policies are data
// files (data/severity/*.toml, format below), never code; ParsePolicy
// validates one completely or refuses it, so an invalid policy is never used.
//
// File format (TOML; every key is checked, unknown keys are errors):
//
//   id = "plan4-draft"            # [a-z0-9-], unique among loaded policies
//   version = "2018.1"            # any text; every Assessment records it
//   title_ja = "…"  title_en = "…"
//   source = "…"                  # optional: where the scale comes from
//   [scale]      min = 0  max = 5
//   [levels.3]   ja = "高"  en = "high"  definition_ja = "…"  definition_en = "…"
//                                 # one table for every level of the scale
//   [viewpoints.continuity]  ja = "…"  en = "…"
//   [rules.stopped_minutes]       # id: [a-z0-9_], up to 48 characters
//   viewpoint = "continuity"
//   fact = "outage.minutes"       # a fact name from facts.h
//   levels = [2, 3, 4]            # ascending, inside (min, max]
//   thresholds = [60, 360, 1440]  # the fact's value from which each level holds;
//                                 # strictly ascending; enum names or true for
//                                 # enum and bool facts
//   when = { "service.state" = "stopped" }  # optional, up to 3: each fact must
//                                 # be present and at least this bad
//   requires_level = 4            # optional: fires only when the other rules
//                                 # (those without requires_level) reach it
//   applies_to = ["finance"]      # optional: only for these sectors
//   meaning = "…"                 # what the rule says, for people
//   meaning_ja = "…"              # the same in Japanese (optional; the UI shows it)
//   [rules.stopped_minutes.sector_thresholds]
//   electric_power = [10, 60, 360]   # replaces `thresholds` for that sector
//   [[responses]]                 # one action, for the levels listed
//   levels = [4, 5]
//   channel = "hotline"           # hotline | stream | webhook | inbox | email_digest
//   deadline_minutes = 15
//   notify = ["coordination_center", "sector_ministry", "ceptoar_secretariats"]
//   acknowledge = ["coordination_center"]   # a subset of notify
//   meaning = "…"
//   meaning_ja = "…"              # optional
//
// A rule fires at the highest of its levels whose threshold the fact reaches
// (and its `when` holds); a viewpoint's level is the highest fired rule's on
// it; the overall level is the highest viewpoint's. Every comparison is
// "at least", so worsening a fact never lowers a level.
//
// Names that assessments refer to (ids, versions, level names, rule
// meanings) are interned: the string_views below stay valid for the life of
// the process, so an Assessment never outlives what it names.
//
// Thread behaviour: a parsed Policy is immutable and safe to share between
// threads. ParsePolicy is thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/enum_names.h"
#include "common/error.h"
#include "domain/registry/registry.h"
#include "domain/severity/facts.h"

namespace infrashare {

// Limits that keep an assessment allocation-free (assess.h).
inline constexpr size_t kMaxPolicyRules = 64;
inline constexpr size_t kMaxViewpoints = 8;
inline constexpr size_t kMaxRuleConditions = 3;  // `when` entries per rule
inline constexpr int kMaxScaleLevel = 9;

enum class Channel { kHotline, kStream, kWebhook, kInbox, kEmailDigest };
inline constexpr std::array kChannelNames{
    EnumName<Channel>{Channel::kHotline, "hotline"},          EnumName<Channel>{Channel::kStream, "stream"},
    EnumName<Channel>{Channel::kWebhook, "webhook"},          EnumName<Channel>{Channel::kInbox, "inbox"},
    EnumName<Channel>{Channel::kEmailDigest, "email_digest"},
};

// Whom a response action addresses; response.h resolves roles to
// organizations through the registry.
enum class RecipientRole {
  kCoordinationCenter,   // NISC (its duty officer)
  kSectorMinistry,       // the ministry of the reporter's sector (所管省庁)
  kCeptoarSecretariats,  // the secretariats of the sector's CEPTOARs
  kCrisisOffice,         // Cabinet Secretariat crisis management (事態対処・危機管理担当)
  kDependentSectors,     // ministries and CEPTOAR secretariats of other_sectors
};
inline constexpr std::array kRecipientRoleNames{
    EnumName<RecipientRole>{RecipientRole::kCoordinationCenter, "coordination_center"},
    EnumName<RecipientRole>{RecipientRole::kSectorMinistry, "sector_ministry"},
    EnumName<RecipientRole>{RecipientRole::kCeptoarSecretariats, "ceptoar_secretariats"},
    EnumName<RecipientRole>{RecipientRole::kCrisisOffice, "crisis_office"},
    EnumName<RecipientRole>{RecipientRole::kDependentSectors, "dependent_sectors"},
};

struct LevelName {
  int level = 0;
  std::string_view ja, en;  // interned
  std::string definition_ja, definition_en;
};

struct Viewpoint {
  std::string_view id;  // interned
  std::string ja, en;
};

// fact >= at_least (values as in FactVector).
struct Condition {
  Fact fact = Fact::kServiceState;
  int64_t at_least = 0;
};

struct SectorThresholds {
  std::string_view sector;  // interned sector id
  std::vector<int64_t> thresholds;
  int line = 0;
};

struct Rule {
  std::string_view id;         // interned
  std::string_view viewpoint;  // interned viewpoint id
  size_t viewpoint_index = 0;  // into Policy::viewpoints
  Fact fact = Fact::kServiceState;
  std::vector<int> levels;                          // ascending
  std::vector<int64_t> thresholds;                  // default, one per level, strictly ascending
  std::vector<SectorThresholds> sector_thresholds;  // sorted by sector
  std::vector<Condition> when;
  std::optional<int> requires_level;
  std::vector<std::string_view> applies_to;  // interned sector ids; empty = every sector
  std::string_view meaning;                  // interned
  std::string_view meaning_ja;               // interned; may be empty
  int line = 0;                              // of the [rules.id] table

  // The thresholds for `sector`: its own, or the default.
  const std::vector<int64_t>& ThresholdsFor(std::string_view sector) const;
  bool AppliesTo(std::string_view sector) const;
};

struct ResponseRule {
  std::vector<int> levels;
  Channel channel = Channel::kInbox;
  int64_t deadline_minutes = 0;
  std::vector<RecipientRole> notify;
  std::vector<RecipientRole> acknowledge;  // a subset of notify
  std::string meaning;
  std::string meaning_ja;  // may be empty
  int line = 0;
};

struct Policy {
  std::string_view id, version;  // interned
  std::string title_ja, title_en, source;
  std::string file_name;  // as given to ParsePolicy
  int scale_min = 0, scale_max = 0;
  std::vector<LevelName> levels;        // one per level, min..max
  std::vector<Viewpoint> viewpoints;    // sorted by id
  std::vector<Rule> rules;              // sorted by id
  std::vector<ResponseRule> responses;  // in file order

  const LevelName& NameOf(int level) const;  // REQUIRES: scale_min <= level <= scale_max
  // Every sector id the policy names (sector_thresholds, applies_to), sorted.
  std::vector<std::string_view> SectorIds() const;

  // Filled by CompilePolicy (ParsePolicy calls it) for Assess: per rule and per known sector, which
  // threshold list applies (-1 = the rule does not apply; 0 = default;
  // k = sector_thresholds[k-1]). Row 0 is for sectors the policy never names.
  std::vector<std::string_view> compiled_sectors;     // sorted; row i+1
  std::vector<std::vector<int16_t>> compiled_ladder;  // [row][rule]
  uint32_t used_fields = 0;                           // input fields (bits by Fact) that some rule reads
};

// Parses and validates a policy file. `file_name` only labels errors:
// "data/severity/x.toml:12: rules.outage.thresholds: thresholds must increase
// with the level". The Error's field is the key path. The domain reads no
// files; the caller passes the text.
Result<Policy> ParsePolicy(std::string_view toml_text, std::string_view file_name);

// Fills the compiled_* members and used_fields from the rules. ParsePolicy
// calls it; call it again after changing a Policy's rules by hand.
void CompilePolicy(Policy& policy);

// Checks that every sector id the policy names is in the registry. Call it
// after loading both; a policy that fails must not be used.
Result<void> ValidatePolicySectors(const Policy& policy, const Registry& registry);

// Interns `text` for the life of the process (see above). Thread-safe.
std::string_view InternName(std::string_view text);

}  // namespace infrashare
