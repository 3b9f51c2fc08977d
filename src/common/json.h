// Reading JSON documents from outside (request bodies, files) with errors that
// name the field at fault. Every input path goes through ParseJson and
// ObjectReader so that "malformed", "wrong type", "missing" and "unknown
// field" read the same everywhere.
//
// Example:
//   auto doc = ParseJson(body);                  // Result<json>
//   ObjectReader r(*doc, "");                     // root object
//   auto title = r.String("title", {.max = 300}); // Result<std::string>
//   if (auto e = r.Finish(); !e) return e;        // rejects unknown fields
//
// Thread behaviour: plain values; an ObjectReader is used by one thread.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/enum_names.h"
#include "common/error.h"

namespace infrashare {

using Json = nlohmann::json;

// How deeply objects and arrays may nest in a JSON input (a request body, an
// uploaded file): deeper documents are refused at parse time, before anything
// walks them recursively (rendering, hashing, the stored form).
inline constexpr int kMaxJsonDepth = 64;

struct JsonLimits {
  int max_depth = kMaxJsonDepth;
};

// Parses text as JSON. Errors (kInvalidArgument): a syntax error, with its
// byte offset; objects or arrays nested deeper than limits.max_depth, or a
// number too large for a double (1e999999), each naming the field at fault
// ("facts.a[0]"; "" for the document itself).
Result<Json> ParseJson(std::string_view text, JsonLimits limits = {});

// "a.b", "a[3]": how fields are named in error messages.
std::string JoinPath(std::string_view parent, std::string_view key);
std::string IndexPath(std::string_view parent, size_t index);

struct StringLimits {
  size_t min = 0;      // minimum length in bytes (1 = must not be empty)
  size_t max = 10000;  // maximum length in bytes
};

// Reads the members of one JSON object. Each getter records the key as known;
// Finish() fails on any member that no getter asked for.
class ObjectReader {
 public:
  // REQUIRES: nothing; a non-object `value` makes every call fail with
  // "must be an object".
  ObjectReader(const Json& value, std::string path);

  bool Has(std::string_view key);
  Result<std::string> String(std::string_view key, StringLimits limits = {});
  Result<std::optional<std::string>> OptionalString(std::string_view key, StringLimits limits = {});
  Result<bool> Bool(std::string_view key, std::optional<bool> fallback = std::nullopt);
  Result<int64_t> Int(std::string_view key, int64_t min, int64_t max, std::optional<int64_t> fallback = std::nullopt);
  // A list of strings; absent means empty unless required.
  Result<std::vector<std::string>> StringList(std::string_view key, size_t max_items, StringLimits limits = {},
                                              bool required = false);
  // The raw member, or nullptr when absent (marks it known).
  const Json* Raw(std::string_view key);
  // Fails if the value is not an object or has members no getter asked for.
  Result<void> Finish() const;

  const std::string& path() const { return path_; }
  std::string PathOf(std::string_view key) const { return JoinPath(path_, key); }

 private:
  Result<const Json*> Member(std::string_view key, bool required);

  const Json& value_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
};

// Validates one string value found at `path`.
Result<std::string> ReadString(const Json& value, const std::string& path, StringLimits limits);

// The member `key` of `in` as one of `names` (required); an error naming
// the field and listing the names otherwise.
template <class E, size_t N>
Result<E> ReadEnum(ObjectReader& in, std::string_view key, const std::array<EnumName<E>, N>& names) {
  auto s = INFRASHARE_TRY(in.String(key, {1, 64}));
  auto v = ParseName(names, s);
  if (!v) return InvalidArgument(in.PathOf(key), AllowedNames(names));
  return *v;
}

}  // namespace infrashare
