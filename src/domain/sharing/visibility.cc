#include "domain/sharing/visibility.h"

#include <algorithm>

#include "common/text_fold.h"
#include "domain/alert/escalation.h"

namespace infrashare {

namespace {

void AddKey(std::vector<std::string>& keys, std::string_view kind, std::string_view id) {
  std::string key;
  key.reserve(kind.size() + 1 + id.size());
  key.append(kind).append(":").append(id);
  keys.push_back(std::move(key));
}

void SortUnique(std::vector<std::string>& keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
}

// Every occurrence of a term, as FindFolded finds it, replaced by the mark.
void ScrubAll(std::string& s, std::span<const std::string> terms) {
  const auto found = FindFolded(s, terms);
  if (found.empty()) return;
  std::string out;
  out.reserve(s.size());
  size_t at = 0;
  for (const auto& [begin, end] : found) {
    out.append(s, at, begin - at);
    out += kAnonymizedMark;
    at = end;
  }
  out.append(s, at, std::string::npos);
  s = std::move(out);
}

void ScrubJson(Json& j, std::span<const std::string> terms) {
  if (j.is_string()) {
    ScrubAll(j.get_ref<std::string&>(), terms);
  } else if (j.is_array()) {
    for (auto& v : j) ScrubJson(v, terms);
  } else if (j.is_object()) {
    for (auto& [k, v] : j.items()) ScrubJson(v, terms);
  }
}

void ScrubContent(ReportContent& c, std::span<const std::string> terms) {
  ScrubAll(c.title, terms);
  ScrubAll(c.text, terms);
  for (auto& s : c.services) ScrubAll(s, terms);
  for (auto& i : c.indicators) ScrubAll(i.value, terms);
  ScrubJson(c.facts, terms);
  // The submitter may have named itself in the audience; others see the
  // audience without it.
  auto& orgs = c.audience.organizations;
  orgs.erase(std::remove_if(orgs.begin(), orgs.end(),
                            [&](const std::string& o) {
                              return std::find(terms.begin(), terms.end(), o) != terms.end();
                            }),
             orgs.end());
}

bool IsRelay(const Report& report, std::string_view org) {
  if (report.relay_org == org) return true;
  for (const auto& d : report.deliveries)
    if (d.role == DeliveryRole::kRelay && d.organization == org) return true;
  return false;
}

}  // namespace

std::vector<std::string> GrantKeys(const Report& report) {
  std::vector<std::string> keys;
  AddKey(keys, "org", report.submitter_org);
  if (!report.relay_org.empty()) AddKey(keys, "org", report.relay_org);
  for (const auto& d : report.deliveries) AddKey(keys, "org", d.organization);
  if (report.released) {
    const Audience& a = report.content.audience;
    const Tlp tlp = report.content.tlp;
    for (const auto& o : a.organizations) AddKey(keys, "org", o);
    if (tlp == Tlp::kClear || tlp == Tlp::kGreen || tlp == Tlp::kAmber) {
      for (const auto& s : a.sectors) AddKey(keys, "sector", s);
      for (const auto& c : a.ceptoars) AddKey(keys, "ceptoar", c);
      for (const auto& g : a.groups) AddKey(keys, "group", g);
    }
    if (a.everyone && tlp == Tlp::kClear) keys.emplace_back("public");
    if (a.everyone && tlp == Tlp::kGreen) keys.emplace_back("members");
  }
  SortUnique(keys);
  return keys;
}

std::vector<std::string> ViewerKeys(const Organization* viewer, const Registry& registry) {
  std::vector<std::string> keys{"public"};
  if (viewer == nullptr) return keys;
  keys.emplace_back("members");
  AddKey(keys, "org", viewer->id);
  for (const auto& s : viewer->sectors) AddKey(keys, "sector", s);
  for (const auto& c : viewer->ceptoars) AddKey(keys, "ceptoar", c);
  for (const Ceptoar* c : registry.CeptoarsRunBy(viewer->id)) AddKey(keys, "ceptoar", c->id);
  for (const auto& g : viewer->groups) AddKey(keys, "group", g);
  SortUnique(keys);
  return keys;
}

View Visibility(const Organization* viewer, const Report& report, const Registry& registry) {
  return Visibility(viewer, ViewerKeys(viewer, registry), report);
}

View Visibility(const Organization* viewer, std::span<const std::string> viewer_keys, const Report& report) {
  if (viewer != nullptr && (viewer->id == report.submitter_org || IsRelay(report, viewer->id))) return View::kFull;
  const auto granted = GrantKeys(report);
  auto g = granted.begin();
  auto h = viewer_keys.begin();
  while (g != granted.end() && h != viewer_keys.end()) {  // sorted ranges: do they meet?
    if (*g < *h) {
      ++g;
    } else if (*h < *g) {
      ++h;
    } else {
      return report.anonymized ? View::kSourceHidden : View::kFull;
    }
  }
  return View::kNone;
}

bool ContactsVisible(const Organization* viewer, const Organization& org, const Registry& registry) {
  if (viewer == nullptr) return false;
  if (viewer->id == org.id || viewer->kind == OrgKind::kCoordinationCenter) return true;
  for (const auto& sector_id : org.sectors)
    if (const Sector* sector = registry.FindSector(sector_id); sector && sector->ministry == viewer->id)
      return true;
  for (const auto& ceptoar_id : org.ceptoars)
    if (const Ceptoar* c = registry.FindCeptoar(ceptoar_id);
        c && std::ranges::find(c->secretariats, viewer->id) != c->secretariats.end())
      return true;
  return false;
}

View RevisionVisibility(const Organization* viewer, const Revision& revision, const Report& head,
                        const Registry& registry) {
  Report as_then = head;
  as_then.content.tlp = revision.content.tlp;
  as_then.content.audience = revision.content.audience;
  return Visibility(viewer, as_then, registry);
}

Report Present(Report report, View view, std::span<const std::string> source_terms) {
  if (view != View::kSourceHidden) return report;
  report.submitter_org.clear();
  report.submitter_principal.clear();
  ScrubContent(report.content, source_terms);
  return report;
}

Revision Present(Revision revision, const Report& head, View view, std::span<const std::string> source_terms) {
  if (view != View::kSourceHidden) return revision;
  if (revision.author_org == head.submitter_org) {
    revision.author_org.clear();
    revision.author_principal.clear();
  }
  ScrubContent(revision.content, source_terms);
  ScrubAll(revision.note, source_terms);
  return revision;
}

AlertView AlertVisibility(const Organization* viewer, const Alert& alert) {
  if (viewer == nullptr) return AlertView::kNone;
  if (viewer->kind == OrgKind::kCoordinationCenter) return AlertView::kFull;
  if (!alert.raised_by_org.empty() && alert.raised_by_org == viewer->id) return AlertView::kFull;
  for (const auto& r : alert.recipients)
    if (r.organization == viewer->id) return AlertView::kOwnRow;
  return AlertView::kNone;
}

Alert PresentAlert(Alert alert, AlertView view, const Organization& viewer, const Registry& registry,
                   bool show_report) {
  if (view == AlertView::kOwnRow)
    std::erase_if(alert.recipients, [&](const AlertRecipient& r) { return r.organization != viewer.id; });
  for (auto& row : alert.recipients) row = PresentRecipient(std::move(row), viewer, registry);
  if (!show_report) alert.report_id.clear();
  return alert;
}

AlertRecipient PresentRecipient(AlertRecipient row, const Organization& viewer, const Registry& registry) {
  const Organization* org = registry.FindOrganization(row.organization);
  if (org != nullptr && ContactsVisible(&viewer, *org, registry)) return row;
  for (std::string& contact : row.contacts) {
    // The registry's contact that the row describes, by its name; one changed
    // since (or of an organization gone) by what precedes its e-mail address
    // and phone number.
    const Contact* known = nullptr;
    if (org != nullptr)
      for (const Contact& c : org->contacts)
        if (DescribeContact(c) == contact) known = &c;
    if (known != nullptr) {
      contact = known->name;
      continue;
    }
    contact = contact.substr(0, contact.find(" <"));
    while (!contact.empty() &&
           std::string_view("0123456789+-() ,.").find(contact.back()) != std::string_view::npos)
      contact.pop_back();
  }
  return row;
}

}  // namespace infrashare
