// The kinds of system a report says were affected. Apart from report.h so
// that the severity facts (which read them) need not include the report.
#pragma once

#include <array>

#include "common/enum_names.h"

namespace infrashare {

enum class SystemKind { kIt, kOt, kIot };

inline constexpr std::array kSystemKindNames{
    EnumName<SystemKind>{SystemKind::kIt, "it"},
    EnumName<SystemKind>{SystemKind::kOt, "ot"},
    EnumName<SystemKind>{SystemKind::kIot, "iot"},
};

}  // namespace infrashare
