// The registry's file format: data/registry/registry.toml, documented at the
// top of that file and in data/registry/README.md.
//
// Example:
//   auto data = ParseRegistryToml(text, "data/registry/registry.toml");
//   if (!data) { log(data.error().message); return 1; }
//   //  e.g. "data/registry/registry.toml:123: ceptoars[4].sector: CEPTOAR
//   //        \"banks_ceptoar\": unknown sector \"banking\""
//   auto registry = std::make_shared<const Registry>(*std::move(data));
//
// Thread behaviour: a pure function of its arguments; safe from any thread.
#pragma once

#include <string_view>

#include "common/error.h"
#include "domain/registry/registry.h"
#include "domain/registry/registry_rules.h"  // ValidateRegistry, applied by ParseRegistryToml

namespace infrashare {

// Parses a registry file and validates it (ValidateRegistry). The text is
// handed in, not read here: the domain does no I/O.
//
// Errors (kInvalidArgument): the message reads "FILE:LINE: KEY: reason" —
// KEY a path such as "ceptoars[4].members.count" — for unknown keys, missing
// required keys, wrong types, unknown organization kinds (the message lists
// the allowed names) and every rule of ValidateRegistry; a TOML syntax error
// reads "FILE:LINE:COLUMN: reason"; a rule about a key the file lacks
// altogether ("organizations") reads "FILE: KEY: reason". Error::field holds
// KEY.
Result<RegistryData> ParseRegistryToml(std::string_view text, std::string_view file_name);

}  // namespace infrashare
