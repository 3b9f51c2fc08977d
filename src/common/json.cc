#include "common/json.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace infrashare {

namespace {

// One open object or array while scanning: where the value being read sits.
struct ScanFrame {
  bool object = false;
  size_t index = 0;          // arrays: the element being read
  std::string_view key;      // objects: the raw text of the member's key
  bool key_has_escape = false;
};

std::string DecodedKey(const ScanFrame& frame) {
  if (!frame.key_has_escape) return std::string(frame.key);
  Json decoded = Json::parse(fmt::format("\"{}\"", frame.key), nullptr, /*allow_exceptions=*/false);
  return decoded.is_string() ? decoded.get<std::string>() : std::string(frame.key);
}

std::string PathOf(const std::vector<ScanFrame>& frames) {
  std::string path;
  for (const ScanFrame& f : frames) path = f.object ? JoinPath(path, DecodedKey(f)) : IndexPath(path, f.index);
  return path;
}

bool OverflowsDouble(std::string_view number) {
  // Without an exponent a number needs more than 308 digits to overflow.
  if (number.find_first_of("eE") == std::string_view::npos && number.size() <= 308) return false;
  const std::string copy(number);
  const double value = std::strtod(copy.c_str(), nullptr);
  return std::isinf(value);
}

// Finds what the parser must not be handed: nesting past max_depth and
// numbers that overflow a double. Syntax errors are left to the parser (the
// scan skips what it does not understand).
std::optional<Error> ScanLimits(std::string_view text, const JsonLimits& limits) {
  std::vector<ScanFrame> frames;
  bool expecting_key = false;  // in an object, before a member's ':'
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    const char c = text[i];
    switch (c) {
      case '"': {
        const size_t begin = ++i;
        bool escaped = false;
        while (i < n && text[i] != '"') {
          if (text[i] == '\\') {
            escaped = true;
            ++i;
          }
          ++i;
        }
        if (expecting_key && !frames.empty() && frames.back().object) {
          frames.back().key = text.substr(begin, std::min(i, n) - begin);
          frames.back().key_has_escape = escaped;
        }
        ++i;
        break;
      }
      case '{':
      case '[':
        if (static_cast<int>(frames.size()) >= limits.max_depth) {
          return Error{ErrorCode::kInvalidArgument,
                       fmt::format("nests objects and arrays deeper than {} levels", limits.max_depth),
                       PathOf(frames)};
        }
        frames.push_back(ScanFrame{.object = c == '{'});
        expecting_key = c == '{';
        ++i;
        break;
      case '}':
      case ']':
        if (!frames.empty()) frames.pop_back();
        expecting_key = false;
        ++i;
        break;
      case ',':
        if (!frames.empty()) {
          if (frames.back().object)
            expecting_key = true;
          else
            ++frames.back().index;
        }
        ++i;
        break;
      case ':':
        expecting_key = false;
        ++i;
        break;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          const size_t begin = i;
          while (i < n && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '-' || text[i] == '+' ||
                           text[i] == '.' || text[i] == 'e' || text[i] == 'E'))
            ++i;
          if (OverflowsDouble(text.substr(begin, i - begin))) {
            return Error{ErrorCode::kInvalidArgument, "is a number too large to represent (beyond ±1.8e308)",
                         PathOf(frames)};
          }
        } else {
          ++i;
        }
    }
  }
  return std::nullopt;
}

}  // namespace

Result<Json> ParseJson(std::string_view text, JsonLimits limits) {
  if (auto refused = ScanLimits(text, limits)) return std::unexpected(std::move(*refused));
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    // Re-run with exceptions only to learn where it broke; this path is cold.
    try {
      [[maybe_unused]] Json again = Json::parse(text.begin(), text.end());
    } catch (const Json::parse_error& e) {
      return InvalidArgument("", fmt::format("body is not valid JSON (syntax error at byte {})", e.byte));
    } catch (const Json::exception&) {
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
    if (required) return WithReason(InvalidArgument(PathOf(key), "is required"), "required");
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
    return limits.min == 1
               ? WithReason(InvalidArgument(path, "must not be empty"), "required")
               : WithReason(InvalidArgument(path, fmt::format("must be at least {} bytes long", limits.min)),
                            "too_short");
  if (s.size() > limits.max)
    return WithReason(InvalidArgument(path, fmt::format("must be at most {} bytes long", limits.max)),
                      "too_long");
  return s;
}

Result<std::string> ObjectReader::String(std::string_view key, StringLimits limits) {
  auto m = INFRASHARE_TRY(Member(key, true));
  return ReadString(*m, PathOf(key), limits);
}

Result<std::optional<std::string>> ObjectReader::OptionalString(std::string_view key, StringLimits limits) {
  auto m = INFRASHARE_TRY(Member(key, false));
  if (m == nullptr) return std::optional<std::string>();
  auto s = INFRASHARE_TRY(ReadString(*m, PathOf(key), limits));
  return std::optional<std::string>(std::move(s));
}

Result<bool> ObjectReader::Bool(std::string_view key, std::optional<bool> fallback) {
  auto m = INFRASHARE_TRY(Member(key, !fallback.has_value()));
  if (m == nullptr) return *fallback;
  if (!(m)->is_boolean()) return InvalidArgument(PathOf(key), "must be true or false");
  return m->get<bool>();
}

Result<int64_t> ObjectReader::Int(std::string_view key, int64_t min, int64_t max, std::optional<int64_t> fallback) {
  auto m = INFRASHARE_TRY(Member(key, !fallback.has_value()));
  if (m == nullptr) return *fallback;
  if (!(m)->is_number_integer())
    return WithReason(InvalidArgument(PathOf(key), "must be an integer"), "not_an_integer");
  const int64_t v =
      m->is_number_unsigned() && m->get<uint64_t>() > uint64_t(INT64_MAX) ? INT64_MAX : m->get<int64_t>();
  if (v < min || v > max)
    return WithReason(InvalidArgument(PathOf(key), fmt::format("must be between {} and {}", min, max)),
                      "out_of_range");
  return v;
}

Result<std::vector<std::string>> ObjectReader::StringList(std::string_view key, size_t max_items,
                                                          StringLimits limits, bool required) {
  auto m = INFRASHARE_TRY(Member(key, required));
  std::vector<std::string> out;
  if (m == nullptr) return out;
  const std::string path = PathOf(key);
  if (!(m)->is_array()) return InvalidArgument(path, "must be an array of strings");
  if ((m)->size() > max_items)
    return InvalidArgument(path, fmt::format("must have at most {} items", max_items));
  for (size_t i = 0; i < m->size(); ++i) {
    auto s = INFRASHARE_TRY(ReadString((*m)[i], IndexPath(path, i), limits));
    out.push_back(std::move(s));
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
