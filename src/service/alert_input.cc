#include "service/alert_input.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/input_limits.h"
#include "domain/alert/limits.h"

namespace infrashare {
namespace {

// The organizations an alert's "recipients" object names, in registry order,
// without the raiser.
Result<std::vector<const Organization*>> ResolveRecipients(const Json& json, const Registry& registry,
                                                           std::string_view raiser) {
  ObjectReader r(json, "recipients");
  const auto orgs = INFRASHARE_TRY(r.StringList("organizations", kMaxAlertOrganizations, kIdLimits));
  const auto sectors = INFRASHARE_TRY(r.StringList("sectors", kMaxAlertSectors, kIdLimits));
  const auto ceptoars = INFRASHARE_TRY(r.StringList("ceptoars", kMaxAlertCeptoars, kIdLimits));
  const bool everyone = INFRASHARE_TRY(r.Bool("everyone", false));
  INFRASHARE_TRY(r.Finish());

  std::set<std::string, std::less<>> named(orgs.begin(), orgs.end());
  for (size_t i = 0; i < orgs.size(); ++i)
    if (registry.FindOrganization(orgs[i]) == nullptr)
      return InvalidArgument(IndexPath("recipients.organizations", i),
                             fmt::format("unknown organization \"{}\"", orgs[i]));
  for (size_t i = 0; i < sectors.size(); ++i)
    if (registry.FindSector(sectors[i]) == nullptr)
      return InvalidArgument(IndexPath("recipients.sectors", i),
                             fmt::format("unknown sector \"{}\"", sectors[i]));
  for (size_t i = 0; i < ceptoars.size(); ++i)
    if (registry.FindCeptoar(ceptoars[i]) == nullptr)
      return InvalidArgument(IndexPath("recipients.ceptoars", i),
                             fmt::format("unknown CEPTOAR \"{}\"", ceptoars[i]));

  auto meets = [](const std::vector<std::string>& a, const std::vector<std::string>& b) {
    return std::ranges::any_of(a, [&](const std::string& x) { return std::ranges::find(b, x) != b.end(); });
  };
  std::set<std::string, std::less<>> secretariats;
  for (const auto& id : ceptoars)
    for (const auto& s : registry.FindCeptoar(id)->secretariats) secretariats.insert(s);

  std::vector<const Organization*> out;
  for (const auto& org : registry.data().organizations) {
    if (org.id == raiser) continue;
    if (everyone || named.contains(org.id) || meets(org.sectors, sectors) || meets(org.ceptoars, ceptoars) ||
        secretariats.contains(org.id))
      out.push_back(&org);
  }
  if (out.empty()) return InvalidArgument("recipients", "names no organization other than the raising one");
  return out;
}

}  // namespace

Result<RaiseInput> ParseRaise(const Json& body, const Registry& registry, std::string_view raiser) {
  ObjectReader r(body, "");
  RaiseInput in;
  const std::string kind = INFRASHARE_TRY(r.String("kind", kIdLimits));
  auto parsed_kind = ParseName(kAlertKindNames, kind);
  if (!parsed_kind || *parsed_kind == AlertKind::kResponse)
    return InvalidArgument("kind", "must be one of: early_warning, recovery_method, notice");
  in.kind = *parsed_kind;
  in.title = INFRASHARE_TRY(r.String("title", kNameLimits));
  in.message = INFRASHARE_TRY(r.OptionalString("message", kAlertMessageLimits)).value_or("");
  in.report_id = INFRASHARE_TRY(r.OptionalString("report_id", kIdLimits));
  if (r.Has("level")) in.level = int(INFRASHARE_TRY(r.Int("level", 0, kMaxAlertLevel)));
  in.ack_minutes = INFRASHARE_TRY(r.Int("ack_minutes", 1, kMaxAckMinutes, kDefaultAckMinutes));
  const Json* recipients = r.Raw("recipients");
  if (recipients == nullptr) return InvalidArgument("recipients", "is required");
  INFRASHARE_TRY(r.Finish());
  in.recipients = INFRASHARE_TRY(ResolveRecipients(*recipients, registry, raiser));
  return in;
}

Result<std::optional<std::string>> ParseAcknowledgement(const Json& body) {
  ObjectReader r(body, "");
  auto note = INFRASHARE_TRY(r.OptionalString("note", kNoteLimits));
  INFRASHARE_TRY(r.Finish());
  return note;
}

}  // namespace infrashare
