// Traffic Light Protocol 2.0 markings. The marking caps who may ever see a
// report; domain/sharing applies the cap.
#pragma once

#include <array>

#include "common/enum_names.h"

namespace infrashare {

enum class Tlp {
  kClear,        // anyone, also unauthenticated public feeds
  kGreen,        // every platform member
  kAmber,        // the audience's organizations
  kAmberStrict,  // the named organizations only
  kRed,          // the named organizations only; never exported or relayed onward
};

inline constexpr std::array kTlpNames{
    EnumName<Tlp>{Tlp::kClear, "clear"},
    EnumName<Tlp>{Tlp::kGreen, "green"},
    EnumName<Tlp>{Tlp::kAmber, "amber"},
    EnumName<Tlp>{Tlp::kAmberStrict, "amber+strict"},
    EnumName<Tlp>{Tlp::kRed, "red"},
};

}  // namespace infrashare
