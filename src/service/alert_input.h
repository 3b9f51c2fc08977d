// Reading alert requests from outside: the body of a hand-raised alert
// (POST /alerts) and of an acknowledgement. Checks form (types, lengths,
// enum names, unknown fields) and that the recipients the body names exist,
// naming the field at fault; who may raise and whether a named report is
// visible are AlertService's. Limits: common/input_limits.h and
// domain/alert/limits.h.
//
// Thread behaviour: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "common/json.h"
#include "domain/alert/alert.h"
#include "domain/registry/registry.h"

namespace infrashare {

struct RaiseInput {
  AlertKind kind = AlertKind::kNotice;  // never kResponse: those come from response plans
  std::string title;
  std::string message;
  std::optional<std::string> report_id;
  int level = -1;  // -1: none given
  int64_t ack_minutes = 0;
  // Every organization the "recipients" object names (by id, sector,
  // CEPTOAR or everyone), in registry order, without the raiser.
  std::vector<const Organization*> recipients;
};

// {"kind": "early_warning"|"recovery_method"|"notice", "title",
//  "message"?, "report_id"?, "level"?, "ack_minutes"?, "recipients":
//  {"organizations"?, "sectors"?, "ceptoars"?, "everyone"?}}.
// The recipients resolved against `registry`, `raiser` left out.
Result<RaiseInput> ParseRaise(const Json& body, const Registry& registry, std::string_view raiser);

// {"note"?}: the note of an acknowledgement.
Result<std::optional<std::string>> ParseAcknowledgement(const Json& body);

}  // namespace infrashare
