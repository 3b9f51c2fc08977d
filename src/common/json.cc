#include "common/json.h"

#include <fmt/format.h>

namespace infrashare {

Result<Json> ParseJson(std::string_view text) {
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    // Re-run with exceptions only to learn where it broke; this path is cold.
    try {
      [[maybe_unused]] Json again = Json::parse(text.begin(), text.end());
    } catch (const Json::parse_error& e) {
      return InvalidArgument("", fmt::format("body is not valid JSON (syntax error at byte {})", e.byte));
    }
    return InvalidArgument("", "body is not valid JSON");
  }
  return doc;
}

std::string JoinPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return fmt::format("{}.{}", parent, key);
}

std::string IndexPath(std::string_view parent, size_t index) { return fmt::format("{}[{}]", parent, index); }

ObjectReader::ObjectReader(const Json& value, std::string path) : value_(value), path_(std::move(path)) {}

bool ObjectReader::Has(std::string_view key) {
  return value_.is_object() && value_.contains(key);
}

Result<const Json*> ObjectReader::Member(std::string_view key, bool required) {
  if (!value_.is_object()) return InvalidArgument(path_, "must be an object");
  known_.emplace(key);
  auto it = value_.find(key);
  if (it == value_.end() || (it->is_null() && !required)) {
    if (required) return InvalidArgument(PathOf(key), "is required");
    return nullptr;
  }
  return &*it;
}

const Json* ObjectReader::Raw(std::string_view key) {
  auto m = Member(key, false);
  return m ? *m : nullptr;
}

Result<std::string> ReadString(const Json& value, const std::string& path, StringLimits limits) {
  if (!value.is_string()) return InvalidArgument(path, "must be a string");
  const auto& s = value.get_ref<const std::string&>();
  if (s.size() < limits.min)
    return InvalidArgument(path, limits.min == 1 ? "must not be empty"
                                                 : fmt::format("must be at least {} bytes long", limits.min));
  if (s.size() > limits.max) return InvalidArgument(path, fmt::format("must be at most {} bytes long", limits.max));
  return s;
}

Result<std::string> ObjectReader::String(std::string_view key, StringLimits limits) {
  auto m = Member(key, true);
  if (!m) return std::unexpected(m.error());
  return ReadString(**m, PathOf(key), limits);
}

Result<std::optional<std::string>> ObjectReader::OptionalString(std::string_view key, StringLimits limits) {
  auto m = Member(key, false);
  if (!m) return std::unexpected(m.error());
  if (*m == nullptr) return std::optional<std::string>();
  auto s = ReadString(**m, PathOf(key), limits);
  if (!s) return std::unexpected(s.error());
  return std::optional<std::string>(std::move(*s));
}

Result<bool> ObjectReader::Bool(std::string_view key, std::optional<bool> fallback) {
  auto m = Member(key, !fallback.has_value());
  if (!m) return std::unexpected(m.error());
  if (*m == nullptr) return *fallback;
  if (!(*m)->is_boolean()) return InvalidArgument(PathOf(key), "must be true or false");
  return (*m)->get<bool>();
}

Result<int64_t> ObjectReader::Int(std::string_view key, int64_t min, int64_t max, std::optional<int64_t> fallback) {
  auto m = Member(key, !fallback.has_value());
  if (!m) return std::unexpected(m.error());
  if (*m == nullptr) return *fallback;
  if (!(*m)->is_number_integer()) return InvalidArgument(PathOf(key), "must be an integer");
  const int64_t v = (*m)->is_number_unsigned() && (*m)->get<uint64_t>() > uint64_t(INT64_MAX)
                        ? INT64_MAX
                        : (*m)->get<int64_t>();
  if (v < min || v > max) return InvalidArgument(PathOf(key), fmt::format("must be between {} and {}", min, max));
  return v;
}

Result<std::vector<std::string>> ObjectReader::StringList(std::string_view key, size_t max_items,
                                                          StringLimits limits, bool required) {
  auto m = Member(key, required);
  if (!m) return std::unexpected(m.error());
  std::vector<std::string> out;
  if (*m == nullptr) return out;
  const std::string path = PathOf(key);
  if (!(*m)->is_array()) return InvalidArgument(path, "must be an array of strings");
  if ((*m)->size() > max_items) return InvalidArgument(path, fmt::format("must have at most {} items", max_items));
  for (size_t i = 0; i < (*m)->size(); ++i) {
    auto s = ReadString((**m)[i], IndexPath(path, i), limits);
    if (!s) return std::unexpected(s.error());
    out.push_back(std::move(*s));
  }
  return out;
}

Result<void> ObjectReader::Finish() const {
  if (!value_.is_object()) return InvalidArgument(path_, "must be an object");
  for (const auto& [k, v] : value_.items()) {
    if (!known_.contains(k)) return InvalidArgument(PathOf(k), "is not a known field");
  }
  return {};
}

}  // namespace infrashare
