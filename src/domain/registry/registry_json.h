// The JSON form of the registry's entities: the one representation used by
// the store (documents) and the API (bodies and answers). Field names are the
// structs'; enums are written by name ("ceptoar_secretariat"); a figure is
// {"ja", "en", "count"}, with "count" left out when the plan gives none.
//
// The *FromJson functions check the shape of one entity (types, required and
// unknown fields, lengths, enum names); rules across entities (references,
// unique ids) are ValidateRegistry's (registry_file.h).
//
// Thread behaviour: pure functions.
#pragma once

#include "common/error.h"
#include "common/json.h"
#include "domain/registry/principal.h"
#include "domain/registry/registry.h"

namespace infrashare {

Json ToJson(const Figure& figure);
Json ToJson(const Sector& sector);
Json ToJson(const Ceptoar& ceptoar);
Json ToJson(const SharingGroup& group);
Json ToJson(const Organization& organization);

// Principals and tokens as the API answers them, times in RFC 3339; the dump
// (store/dump.h) writes the same members with times in microseconds since
// the epoch. A token's secret hash is never part of it; revoked_at only when
// revoked.
enum class TimeForm { kRfc3339, kMicros };
Json ToJson(const Principal& principal, TimeForm times = TimeForm::kRfc3339);
Json ToJson(const ApiToken& token, TimeForm times = TimeForm::kRfc3339);

// Errors (kInvalidArgument): Error::field names the member at fault
// ("members.count", "contacts[1].email").
Result<Sector> SectorFromJson(const Json& json);
Result<Ceptoar> CeptoarFromJson(const Json& json);
Result<SharingGroup> GroupFromJson(const Json& json);
Result<Organization> OrganizationFromJson(const Json& json);

}  // namespace infrashare
