// Who may see a report, and how much of it. This file is the one place that
// decides; every reader (REST, TAXII, stream, webhook, search, export) asks
// Visibility() for each record it is about to show, and list queries narrow
// their candidates with the same keys (GrantKeys/ViewerKeys) before asking.
//
// The rule (DESIGN.md, "Visibility and anonymity"):
//   * the submitting organization and the relay (a CEPTOAR secretariat or
//     security agency the route passes through) always see the whole report;
//   * every organization on the delivery trail (ministry, NISC, incident
//     agencies) sees it;
//   * once released (direct: at submit; relayed routes: when relayed) the
//     audience sees it, capped by TLP — CLEAR: anyone, also unauthenticated;
//     GREEN: every member; AMBER: the audience's organizations (not
//     "everyone"); AMBER+STRICT and RED: the named organizations only;
//   * for an anonymized report everyone but the submitter and the relay sees
//     it with its source hidden (View::kSourceHidden; see Present()).
//
// Keys: a report grants keys ("org:X", "sector:S", "ceptoar:C", "group:G",
// "members", "public"); a viewer holds keys; the viewer may see the report
// if the two sets meet.
//
// Thread behaviour: pure functions.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "domain/alert/alert.h"
#include "domain/registry/registry.h"
#include "domain/report/report.h"

namespace infrashare {

enum class View {
  kNone,          // may not see it; answer exactly as for a missing record
  kSourceHidden,  // may see it, without anything that names the source
  kFull,          // may see everything
};

// The keys a report grants. Stored beside the report and indexed so list
// queries can narrow candidates; Visibility() recomputes them.
std::vector<std::string> GrantKeys(const Report& report);

// The keys a viewer holds. `viewer` nullptr means an unauthenticated caller,
// who holds only "public".
std::vector<std::string> ViewerKeys(const Organization* viewer, const Registry& registry);

// THE decision. `viewer` nullptr means unauthenticated.
View Visibility(const Organization* viewer, const Report& report, const Registry& registry);
// The same decision with the viewer's keys computed once, for readers that
// judge many reports for one viewer. REQUIRES: viewer_keys ==
// ViewerKeys(viewer, registry) (sorted, as ViewerKeys returns them).
View Visibility(const Organization* viewer, std::span<const std::string> viewer_keys, const Report& report);

// A revision of the report `head`: seen under its own marking and audience,
// as if it were the head (a later downgrade releases the new text, never
// the old); kNone: leave it out.
View RevisionVisibility(const Organization* viewer, const Revision& revision, const Report& head,
                        const Registry& registry);

// The report as `view` allows: for kSourceHidden the submitter organization
// and principal are removed, and every occurrence of `source_terms` (the
// source's identity: SourceIdentity()) in title, text, services,
// indicators, facts and revision notes is replaced by "[anonymized]" —
// found as a person reads them (common/text_fold.h FindFolded: width,
// case and separators aside).
// REQUIRES: view != kNone.
Report Present(Report report, View view, std::span<const std::string> source_terms);
Revision Present(Revision revision, const Report& head, View view, std::span<const std::string> source_terms);

inline constexpr std::string_view kAnonymizedMark = "[anonymized]";

// Organizations. Every member may read the registry, but an organization's
// hotline contacts' e-mail addresses and phone numbers only: the
// organization itself, NISC, the ministry of one of its sectors and the
// secretariat of one of its CEPTOARs. Others read the contacts' names.
bool ContactsVisible(const Organization* viewer, const Organization& org, const Registry& registry);

// Alerts. The organization that raised an alert and NISC (the coordination
// center, which watches every acknowledgement) see all of it; a recipient
// organization (named, or added by escalation) sees the alert and its own
// row only; everybody else, and unauthenticated callers, nothing — answer as
// for a missing alert. The report an alert is about is a separate record:
// its id is shown only to a viewer for whom Visibility() of that report is
// not kNone (PresentAlert's `show_report`). Generated alert texts never name
// a report's source (service/alert_tx.h).
enum class AlertView {
  kNone,
  kOwnRow,  // the alert and the viewer's recipient row
  kFull,    // the alert and every recipient row
};

AlertView AlertVisibility(const Organization* viewer, const Alert& alert);

// The alert as `view` allows `viewer`: kOwnRow keeps only its row;
// `show_report` false empties report_id; every row as PresentRecipient
// shows it. REQUIRES: view != kNone.
Alert PresentAlert(Alert alert, AlertView view, const Organization& viewer, const Registry& registry,
                   bool show_report);
// A recipient row as `viewer` is shown it: the hotline contacts of an
// organization whose contacts it may not read (ContactsVisible) by their
// names alone — the raiser of an alert is not thereby entitled to every
// recipient's e-mail addresses and phone numbers.
AlertRecipient PresentRecipient(AlertRecipient row, const Organization& viewer, const Registry& registry);

}  // namespace infrashare
