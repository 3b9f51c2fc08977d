#include "store/sql/session.h"

#include <fmt/format.h>

namespace infrashare::sql {

Params& Params::AddArray(const std::vector<std::string>& items) {
  std::string literal = "{";
  for (const auto& item : items) {
    if (literal.size() > 1) literal += ',';
    literal += '"';
    for (char c : item) {
      if (c == '"' || c == '\\') literal += '\\';
      literal += c;
    }
    literal += '"';
  }
  literal += '}';
  return Push(std::move(literal), false);
}

Params& Params::AddArray(const std::vector<int64_t>& items) {
  std::string literal = "{";
  for (int64_t item : items) {
    if (literal.size() > 1) literal += ',';
    literal += std::to_string(item);
  }
  literal += '}';
  return Push(std::move(literal), false);
}

const Dialect& Dialect::Sqlite() {
  static const Dialect d(DialectKind::kSqlite);
  return d;
}

const Dialect& Dialect::Postgres() {
  static const Dialect d(DialectKind::kPostgres);
  return d;
}

std::string_view Dialect::InsertionOrder() const { return kind_ == DialectKind::kSqlite ? "rowid" : "ord"; }

std::string Dialect::Returning(std::string_view column) const {
  return kind_ == DialectKind::kSqlite ? "" : fmt::format(" RETURNING {}", column);
}

std::string Dialect::JsonMember(std::string_view column, std::string_view member) const {
  return kind_ == DialectKind::kSqlite ? fmt::format("json_extract({}, '$.{}')", column, member)
                                       : fmt::format("{}::json->>'{}'", column, member);
}

std::string Dialect::NotInJsonList(std::string_view column, std::string_view placeholder) const {
  return kind_ == DialectKind::kSqlite
             ? fmt::format("{} NOT IN (SELECT value FROM json_each({}))", column, placeholder)
             : fmt::format("{} <> ALL(ARRAY(SELECT json_array_elements_text({}::json)))", column,
                           placeholder);
}

std::string Dialect::InJsonIntList(std::string_view column, std::string_view placeholder) const {
  return kind_ == DialectKind::kSqlite
             ? fmt::format("{} IN (SELECT value FROM json_each({}))", column, placeholder)
             : fmt::format("{} = ANY(ARRAY(SELECT json_array_elements_text({}::json)::bigint))", column,
                           placeholder);
}

std::string Dialect::SkipLocked(std::string_view of) const {
  if (kind_ == DialectKind::kSqlite) return "";
  return of.empty() ? " FOR UPDATE SKIP LOCKED" : fmt::format(" FOR UPDATE OF {} SKIP LOCKED", of);
}

std::string Dialect::IndexedBy(std::string_view index) const {
  return kind_ == DialectKind::kSqlite ? fmt::format(" INDEXED BY {}", index) : "";
}

std::string_view Dialect::ForUpdate() const { return kind_ == DialectKind::kSqlite ? "" : " FOR UPDATE"; }

std::optional<std::string> Dialect::AdvanceSequence(std::string_view table, std::string_view column) const {
  if (kind_ == DialectKind::kSqlite) return std::nullopt;
  return fmt::format("SELECT setval(pg_get_serial_sequence('{0}', '{1}'), (SELECT max({1}) FROM {0}))", table,
                     column);
}

}  // namespace infrashare::sql
