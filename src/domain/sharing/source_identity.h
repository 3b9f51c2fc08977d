// What names the source of a report: the strings that an organization
// other than the submitter and the relay must never read in an anonymized
// report (visibility.h Present() replaces each by "[anonymized]", found as
// a person reads them: width, case and separators aside). One place decides
// the set:
//   * the organization's id, its Japanese and English names and its
//     declared aliases, each also without its legal form ("関東電力株式会社"
//     → "関東電力", "Kanto Power Co., Inc." → "Kanto Power"), and its
//     declared internet domains (also inside a host name: "mail.<domain>");
//   * its hotline contacts: names, e-mail addresses, phone numbers;
//   * every principal of the organization: id and name (a second person of
//     the source may write a revision).
//
// Thread behaviour: pure.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "domain/registry/principal.h"
#include "domain/registry/registry.h"

namespace infrashare {

// `org` nullptr (an organization no longer in the registry): only the
// principals and `org_id`. Sorted, unique, none empty.
std::vector<std::string> SourceIdentity(std::string_view org_id, const Organization* org,
                                        std::span<const Principal> principals);

// `name` without the legal forms of companies and associations (株式会社,
// 一般社団法人, Co., Ltd., Inc., …), trimmed; `name` itself when it has none.
std::string WithoutLegalForm(std::string_view name);

}  // namespace infrashare
