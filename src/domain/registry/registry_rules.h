// The rules every registry must satisfy, whether it comes from the file
// (registry_file.h, which applies them after parsing), the store or the API.
// A Registry is built only from data that passed them.
//
// Thread behaviour: a pure function of its argument; safe from any thread.
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"
#include "domain/registry/registry.h"

namespace infrashare {

// A domain name an organization declares: lower-case letters, digits and
// '-' in labels of 1 to 63, at least two labels ("kanto-power.co.jp").
Result<void> CheckDomainName(std::string_view name, const std::string& path);

// Checks the rules of a registry:
//   - ids are 1-64 lowercase letters, digits, '_' or '-' (starting with a
//     letter or digit) and unique among sectors, among organizations, among
//     CEPTOARs and among groups (the four kinds are separate name spaces:
//     "ict_isac" is both an organization and a group);
//   - names and scopes are not empty;
//   - there is exactly one coordination_center (NISC);
//   - a sector's ministry is an organization of kind ministry; a CEPTOAR's
//     sector exists and its secretariats (at least one) are organizations of
//     kind ceptoar_secretariat; an organization's sectors, CEPTOARs and
//     groups exist; no list names an id twice;
//   - figures: members are stated; ja and en are both empty or both given; a
//     count is not negative and needs its text;
//   - contacts have a name and an e-mail address or a phone number.
// Errors (kInvalidArgument): the first rule broken; Error::field is the path
// ("ceptoars[3].secretariats[0]") and the message names the entity by id
// ("CEPTOAR \"banks_ceptoar\": unknown secretariat \"zengin\"").
Result<void> ValidateRegistry(const RegistryData& data);

}  // namespace infrashare
