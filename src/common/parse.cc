#include "common/parse.h"

#include <fmt/format.h>

#include <charconv>

namespace infrashare {

Result<int64_t> ParseInteger(std::string_view text, const std::string& field, int64_t min, int64_t max) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || v < min || v > max)
    return InvalidArgument(field, fmt::format("must be an integer from {} to {}", min, max));
  return v;
}

}  // namespace infrashare
