// The hotline half of "level -> response": the alert a report's response
// plan raises, computed from the report alone (before any write), so that
// the transaction that records the change only inserts it.
//
// Generated alert texts never name a report's submitter: other
// organizations read them.
//
// Thread behaviour: pure functions.
#pragma once

#include <optional>

#include "domain/alert/alert.h"
#include "domain/registry/registry.h"
#include "domain/report/report.h"

namespace infrashare {

// The level in force of a report's assessment; -1 without one.
int LevelInForce(const Report& report);

// When a released report's level in force rose above `previous_level` (-1:
// it had none, or was not released yet) and its response plan asks some
// organization to acknowledge: one alert of kind kResponse to every
// organization the plan notifies that the registry knows, in plan order,
// with a deadline for those that must acknowledge (the earliest deadline of
// the actions naming them). nullopt otherwise.
std::optional<Alert> ResponseAlert(const Report& head, int previous_level, const Registry& registry);

}  // namespace infrashare
