#include "domain/registry/registry_file.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"

namespace infrashare {
namespace {

// ---------------------------------------------------------------------------
// Reading the TOML file.

std::string_view TypeName(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

// One file being read: its name for messages and the line of every key path
// read so far, so that rules checked after parsing can point into the file.
class FileContext {
 public:
  explicit FileContext(std::string_view file_name) : file_name_(file_name) {}

  std::unexpected<Error> Fail(const std::string& path, uint32_t line, std::string_view reason) const {
    return InvalidArgument(path, fmt::format("{}:{}: {}: {}", file_name_, line, path, reason));
  }

  void Record(const std::string& path, uint32_t line) { lines_.emplace(path, line); }

  // The line of `path`, or of its nearest recorded parent ("a[1].b" → "a[1]"
  // → "a").
  std::optional<uint32_t> LineOf(std::string path) const {
    while (true) {
      if (auto it = lines_.find(path); it != lines_.end()) return it->second;
      const size_t cut = path.find_last_of(".[");
      if (cut == std::string::npos || cut == 0) return std::nullopt;
      path.resize(cut);
    }
  }

  // Places an error found by ValidateRegistry in the file.
  Error Locate(Error error) const {
    const auto line = LineOf(error.field);
    error.message = line ? fmt::format("{}:{}: {}: {}", file_name_, *line, error.field, error.message)
                         : fmt::format("{}: {}: {}", file_name_, error.field, error.message);
    return error;
  }

 private:
  std::string_view file_name_;
  std::map<std::string, uint32_t, std::less<>> lines_;
};

// Reads the keys of one TOML table. Each getter marks its key as known;
// Finish() rejects every key that no getter asked for.
class TableReader {
 public:
  TableReader(FileContext& ctx, const toml::table& table, std::string path)
      : ctx_(ctx), table_(table), path_(std::move(path)) {}

  Result<std::string> String(std::string_view key) {
    auto node = INFRASHARE_TRY(Member(key, /*required=*/true));
    if (const auto* s = node->as_string()) return s->get();
    return WrongType(key, *node, "a string");
  }

  // A string that may be absent (read as "").
  Result<std::string> OptionalString(std::string_view key) {
    auto node = INFRASHARE_TRY(Member(key, /*required=*/false));
    if (node == nullptr) return std::string();
    if (const auto* s = node->as_string()) return s->get();
    return WrongType(key, *node, "a string");
  }

  // `fallback` set: the key may be absent.
  Result<bool> Bool(std::string_view key, std::optional<bool> fallback = std::nullopt) {
    auto node = INFRASHARE_TRY(Member(key, /*required=*/!fallback.has_value()));
    if (node == nullptr) return *fallback;
    if (const auto* b = node->as_boolean()) return b->get();
    return WrongType(key, *node, "true or false");
  }

  // An optional integer >= 0.
  Result<std::optional<int64_t>> Count(std::string_view key) {
    auto node = INFRASHARE_TRY(Member(key, /*required=*/false));
    if (node == nullptr) return std::optional<int64_t>();
    const auto* i = node->as_integer();
    if (i == nullptr) return WrongType(key, *node, "an integer");
    if (i->get() < 0) return ctx_.Fail(PathOf(key), Line(*node), "must not be negative");
    return std::optional<int64_t>(i->get());
  }

  // An array of strings; absent means empty unless required.
  Result<std::vector<std::string>> StringList(std::string_view key, bool required) {
    auto node = INFRASHARE_TRY(Member(key, required));
    std::vector<std::string> out;
    if (node == nullptr) return out;
    const auto* array = node->as_array();
    if (array == nullptr) return WrongType(key, *node, "an array of strings");
    const std::string path = PathOf(key);
    for (size_t i = 0; i < array->size(); ++i) {
      const toml::node& item = *array->get(i);
      const std::string item_path = IndexPath(path, i);
      ctx_.Record(item_path, Line(item));
      const auto* s = item.as_string();
      if (s == nullptr)
        return ctx_.Fail(item_path, Line(item),
                         fmt::format("must be a string, not {}", TypeName(item.type())));
      out.push_back(s->get());
    }
    return out;
  }

  // A required table (inline or not).
  Result<const toml::table*> Table(std::string_view key) {
    auto node = INFRASHARE_TRY(Member(key, /*required=*/true));
    if (const auto* t = node->as_table()) return t;
    return WrongType(key, *node, "a table");
  }

  // An optional array of tables ([[key]] or key = [{...}, ...]); absent
  // means empty. Each element's path is "key[i]".
  Result<std::vector<const toml::table*>> Tables(std::string_view key) {
    auto node = INFRASHARE_TRY(Member(key, /*required=*/false));
    std::vector<const toml::table*> out;
    if (node == nullptr) return out;
    const auto* array = node->as_array();
    if (array == nullptr) return WrongType(key, *node, "an array of tables");
    const std::string path = PathOf(key);
    for (size_t i = 0; i < array->size(); ++i) {
      const toml::node& item = *array->get(i);
      const std::string item_path = IndexPath(path, i);
      ctx_.Record(item_path, Line(item));
      const auto* t = item.as_table();
      if (t == nullptr)
        return ctx_.Fail(item_path, Line(item),
                         fmt::format("must be a table, not {}", TypeName(item.type())));
      out.push_back(t);
    }
    return out;
  }

  Result<void> Finish() const {
    for (const auto& [key, value] : table_) {
      if (known_.contains(key.str())) continue;
      std::string allowed;
      for (const auto& k : known_) allowed += allowed.empty() ? k : ", " + k;
      return ctx_.Fail(PathOf(key.str()), key.source().begin.line,
                       fmt::format("unknown key; allowed keys here: {}", allowed));
    }
    return {};
  }

  std::string PathOf(std::string_view key) const { return JoinPath(path_, key); }
  uint32_t TableLine() const { return Line(table_); }

 private:
  static uint32_t Line(const toml::node& node) { return node.source().begin.line; }

  Result<const toml::node*> Member(std::string_view key, bool required) {
    known_.emplace(key);
    const toml::node* node = table_.get(key);
    if (node == nullptr) {
      if (required) return ctx_.Fail(PathOf(key), TableLine(), "is required");
      return nullptr;
    }
    ctx_.Record(PathOf(key), Line(*node));
    return node;
  }

  std::unexpected<Error> WrongType(std::string_view key, const toml::node& node,
                                   std::string_view expected) const {
    return ctx_.Fail(PathOf(key), Line(node),
                     fmt::format("must be {}, not {}", expected, TypeName(node.type())));
  }

  FileContext& ctx_;
  const toml::table& table_;
  std::string path_;
  std::set<std::string, std::less<>> known_;
};

Result<Figure> ReadFigure(FileContext& ctx, TableReader& parent, std::string_view key) {
  const toml::table* table = nullptr;
  table = INFRASHARE_TRY(parent.Table(key));
  TableReader r(ctx, *table, parent.PathOf(key));
  Figure f;
  f.ja = INFRASHARE_TRY(r.String("ja"));
  f.en = INFRASHARE_TRY(r.String("en"));
  f.count = INFRASHARE_TRY(r.Count("count"));
  INFRASHARE_TRY(r.Finish());
  return f;
}

Result<Sector> ReadSector(FileContext& ctx, const toml::table& table, std::string path) {
  TableReader r(ctx, table, std::move(path));
  Sector s;
  s.id = INFRASHARE_TRY(r.String("id"));
  s.name_ja = INFRASHARE_TRY(r.String("name_ja"));
  s.name_en = INFRASHARE_TRY(r.String("name_en"));
  s.ministry = INFRASHARE_TRY(r.String("ministry"));
  INFRASHARE_TRY(r.Finish());
  return s;
}

Result<Ceptoar> ReadCeptoar(FileContext& ctx, const toml::table& table, std::string path) {
  TableReader r(ctx, table, std::move(path));
  Ceptoar c;
  c.id = INFRASHARE_TRY(r.String("id"));
  c.name_ja = INFRASHARE_TRY(r.String("name_ja"));
  c.name_en = INFRASHARE_TRY(r.String("name_en"));
  c.sector = INFRASHARE_TRY(r.String("sector"));
  c.scope_ja = INFRASHARE_TRY(r.String("scope_ja"));
  c.scope_en = INFRASHARE_TRY(r.String("scope_en"));
  c.secretariats = INFRASHARE_TRY(r.StringList("secretariats", /*required=*/true));
  c.members = INFRASHARE_TRY(ReadFigure(ctx, r, "members"));
  c.further_recipients = INFRASHARE_TRY(ReadFigure(ctx, r, "further_recipients"));
  INFRASHARE_TRY(r.Finish());
  return c;
}

Result<SharingGroup> ReadGroup(FileContext& ctx, const toml::table& table, std::string path) {
  TableReader r(ctx, table, std::move(path));
  SharingGroup g;
  g.id = INFRASHARE_TRY(r.String("id"));
  g.name_ja = INFRASHARE_TRY(r.String("name_ja"));
  g.name_en = INFRASHARE_TRY(r.String("name_en"));
  g.nda = INFRASHARE_TRY(r.Bool("nda"));
  INFRASHARE_TRY(r.Finish());
  return g;
}

Result<Contact> ReadContact(FileContext& ctx, const toml::table& table, std::string path) {
  TableReader r(ctx, table, std::move(path));
  Contact c;
  c.name = INFRASHARE_TRY(r.String("name"));
  // email and phone are each optional; ValidateRegistry wants one of them.
  c.email = INFRASHARE_TRY(r.OptionalString("email"));
  c.phone = INFRASHARE_TRY(r.OptionalString("phone"));
  c.backup = INFRASHARE_TRY(r.Bool("backup", false));
  INFRASHARE_TRY(r.Finish());
  return c;
}

Result<Organization> ReadOrganization(FileContext& ctx, const toml::table& table, std::string path) {
  TableReader r(ctx, table, std::move(path));
  Organization o;
  o.id = INFRASHARE_TRY(r.String("id"));
  std::string kind;
  kind = INFRASHARE_TRY(r.String("kind"));
  if (auto parsed = ParseName(kOrgKindNames, kind)) {
    o.kind = *parsed;
  } else {
    const auto line = ctx.LineOf(r.PathOf("kind")).value_or(r.TableLine());
    return ctx.Fail(r.PathOf("kind"), line,
                    fmt::format("unknown organization kind \"{}\"; {}", kind, AllowedNames(kOrgKindNames)));
  }
  o.name_ja = INFRASHARE_TRY(r.String("name_ja"));
  o.name_en = INFRASHARE_TRY(r.String("name_en"));
  o.sectors = INFRASHARE_TRY(r.StringList("sectors", /*required=*/false));
  o.ceptoars = INFRASHARE_TRY(r.StringList("ceptoars", /*required=*/false));
  o.groups = INFRASHARE_TRY(r.StringList("groups", /*required=*/false));
  o.aliases = INFRASHARE_TRY(r.StringList("aliases", /*required=*/false));
  o.domains = INFRASHARE_TRY(r.StringList("domains", /*required=*/false));
  std::vector<const toml::table*> contacts;
  contacts = INFRASHARE_TRY(r.Tables("contacts"));
  for (size_t i = 0; i < contacts.size(); ++i) {
    Contact c;
    c = INFRASHARE_TRY(ReadContact(ctx, *contacts[i], IndexPath(r.PathOf("contacts"), i)));
    o.contacts.push_back(std::move(c));
  }
  INFRASHARE_TRY(r.Finish());
  return o;
}

// Reads every element of the array of tables `key` with `read`.
template <class T, class ReadFn>
Result<std::vector<T>> ReadAll(FileContext& ctx, TableReader& root, std::string_view key, ReadFn read) {
  std::vector<const toml::table*> tables;
  tables = INFRASHARE_TRY(root.Tables(key));
  std::vector<T> out;
  out.reserve(tables.size());
  for (size_t i = 0; i < tables.size(); ++i) {
    T item;
    item = INFRASHARE_TRY(read(ctx, *tables[i], IndexPath(root.PathOf(key), i)));
    out.push_back(std::move(item));
  }
  return out;
}

Result<RegistryData> ReadRegistry(FileContext& ctx, const toml::table& root_table) {
  TableReader root(ctx, root_table, "");
  RegistryData data;
  data.sectors = INFRASHARE_TRY(ReadAll<Sector>(ctx, root, "sectors", ReadSector));
  data.organizations = INFRASHARE_TRY(ReadAll<Organization>(ctx, root, "organizations", ReadOrganization));
  data.ceptoars = INFRASHARE_TRY(ReadAll<Ceptoar>(ctx, root, "ceptoars", ReadCeptoar));
  data.groups = INFRASHARE_TRY(ReadAll<SharingGroup>(ctx, root, "groups", ReadGroup));
  INFRASHARE_TRY(root.Finish());
  return data;
}

}  // namespace

Result<RegistryData> ParseRegistryToml(std::string_view text, std::string_view file_name) {
  FileContext ctx(file_name);
#if TOML_EXCEPTIONS
  toml::table root;
  try {
    root = toml::parse(text, file_name);
  } catch (const toml::parse_error& e) {
    return InvalidArgument("", fmt::format("{}:{}:{}: {}", file_name, e.source().begin.line,
                                           e.source().begin.column, e.description()));
  }
#else
  toml::parse_result parsed = toml::parse(text, file_name);
  if (!parsed) {
    const auto& e = parsed.error();
    return InvalidArgument("", fmt::format("{}:{}:{}: {}", file_name, e.source().begin.line,
                                           e.source().begin.column, e.description()));
  }
  toml::table root = std::move(parsed).table();
#endif
  auto data = ReadRegistry(ctx, root);
  if (!data) return data;
  if (auto valid = ValidateRegistry(*data); !valid)
    return std::unexpected(ctx.Locate(std::move(valid.error())));
  return data;
}

}  // namespace infrashare
