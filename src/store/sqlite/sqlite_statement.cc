#include "store/sqlite/sqlite_statement.h"

#include <cstdlib>

#include "store/sqlite/sqlite_error.h"

namespace infrashare::sqlite {

int Statement::IndexOf(const char* name) {
  const int index = sqlite3_bind_parameter_index(stmt_, name);
  if (index == 0) Check(SQLITE_RANGE);  // a bug: the SQL has no such parameter
  return index;
}

int Statement::IndexOfNumber(int n) {
  if (numbered_.empty()) {
    const int count = sqlite3_bind_parameter_count(stmt_);
    numbered_.assign(static_cast<size_t>(count) + 1, 0);
    for (int i = 1; i <= count; ++i) {
      const char* name = sqlite3_bind_parameter_name(stmt_, i);
      if (name == nullptr || name[0] != '$') continue;
      const int number = std::atoi(name + 1);
      if (number >= 1 && number <= count) numbered_[static_cast<size_t>(number) - 1] = i;
    }
  }
  const int index =
      n >= 1 && static_cast<size_t>(n) <= numbered_.size() ? numbered_[static_cast<size_t>(n) - 1] : 0;
  if (index == 0) Check(SQLITE_RANGE);  // a bug: the SQL has no such parameter
  return index;
}

void Statement::BindNumbered(int n, int64_t value) {
  if (int i = IndexOfNumber(n)) Check(sqlite3_bind_int64(stmt_, i, value));
}

void Statement::BindNumbered(int n, std::string_view value) {
  if (int i = IndexOfNumber(n))
    Check(sqlite3_bind_text64(stmt_, i, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

void Statement::BindNumbered(int n, std::nullopt_t) {
  if (int i = IndexOfNumber(n)) Check(sqlite3_bind_null(stmt_, i));
}

void Statement::Bind(const char* name, int64_t value) {
  if (int i = IndexOf(name)) Check(sqlite3_bind_int64(stmt_, i, value));
}

void Statement::Bind(const char* name, std::string_view value) {
  if (int i = IndexOf(name))
    Check(sqlite3_bind_text64(stmt_, i, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

void Statement::Bind(const char* name, std::nullopt_t) {
  if (int i = IndexOf(name)) Check(sqlite3_bind_null(stmt_, i));
}

Result<bool> Statement::Step(std::string_view what) {
  if (bind_rc_ != SQLITE_OK) return std::unexpected(MakeSqliteError(bind_rc_, what, db_));
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return std::unexpected(MakeSqliteError(sqlite3_extended_errcode(db_), what, db_));
}

Result<void> Statement::Run(std::string_view what) {
  for (;;) {
    auto row = INFRASHARE_TRY(Step(what));
    if (!row) return {};
  }
}

std::string_view Statement::Text(int column) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (p == nullptr) return {};
  return std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

}  // namespace infrashare::sqlite
