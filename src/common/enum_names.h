// One table per enum maps its values to the names used in JSON, SQL and the
// command line, so a name is spelled in exactly one place.
//
// Example:
//   inline constexpr std::array kTlpNames{EnumName<Tlp>{Tlp::kClear, "clear"}, ...};
//   NameOf(kTlpNames, Tlp::kClear) == "clear";
//   ParseName(kTlpNames, "amber") == Tlp::kAmber;
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace infrashare {

template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

template <class E, size_t N>
constexpr std::string_view NameOf(const std::array<EnumName<E>, N>& names, E value) {
  for (const auto& n : names)
    if (n.value == value) return n.name;
  return "unknown";
}

template <class E, size_t N>
constexpr std::optional<E> ParseName(const std::array<EnumName<E>, N>& names, std::string_view name) {
  for (const auto& n : names)
    if (n.name == name) return n.value;
  return std::nullopt;
}

// "one of: a, b, c" — for error messages.
template <class E, size_t N>
std::string AllowedNames(const std::array<EnumName<E>, N>& names) {
  std::string out = "must be one of: ";
  for (size_t i = 0; i < N; ++i) {
    if (i) out += ", ";
    out += names[i].name;
  }
  return out;
}

}  // namespace infrashare
