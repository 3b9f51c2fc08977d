#include "store/sqlite/sqlite_session.h"

#include <charconv>

namespace infrashare::sqlite {

namespace {

// The rows of one statement, copied out as it stepped.
class CopiedRows final : public sql::RowSource {
 public:
  explicit CopiedRows(int columns) : columns_(columns) {}

  void Append(const Statement& s) {
    for (int c = 0; c < columns_; ++c) {
      Cell cell;
      cell.null = s.IsNull(c);
      if (!cell.null) {
        cell.integer = s.Int(c);
        cell.text = std::string(s.Text(c));
      }
      cells_.push_back(std::move(cell));
    }
    ++rows_;
  }

  int size() const override { return rows_; }
  bool IsNull(int row, int col) const override { return At(row, col).null; }
  std::string_view Text(int row, int col) const override { return At(row, col).text; }
  int64_t Int(int row, int col) const override { return At(row, col).integer; }

 private:
  struct Cell {
    bool null = true;
    int64_t integer = 0;
    std::string text;
  };
  const Cell& At(int row, int col) const { return cells_[static_cast<size_t>(row * columns_ + col)]; }

  int columns_;
  int rows_ = 0;
  std::vector<Cell> cells_;
};

// Rows a Stream page holds at most.
constexpr int kStreamPageRows = 1000;

}  // namespace

Result<void> SqliteSession::Stream(std::string_view sql, std::string_view what,
                                   const std::function<Result<void>(const sql::Rows&)>& page) {
  auto s = INFRASHARE_TRY(conn_.Prepare(sql));
  for (bool done = false; !done;) {
    auto rows = std::make_unique<CopiedRows>(s->ColumnCount());
    while (rows->size() < kStreamPageRows) {
      auto row = INFRASHARE_TRY(s->Step(what));
      if (!row) {
        done = true;
        break;
      }
      rows->Append(*s);
    }
    if (auto p = page(sql::Rows(std::move(rows), 0)); !p) return p;
  }
  return {};
}

Result<sql::Rows> SqliteSession::Exec(std::string_view sql, const sql::Params& params,
                                      std::string_view what) {
  auto s = INFRASHARE_TRY(conn_.Prepare(sql));
  const auto& values = params.values();
  for (size_t i = 0; i < values.size(); ++i) {
    const int n = static_cast<int>(i) + 1;
    if (!values[i]) {
      s->BindNumbered(n, std::nullopt);
    } else if (params.IsInteger(i)) {
      int64_t value = 0;
      std::from_chars(values[i]->data(), values[i]->data() + values[i]->size(), value);
      s->BindNumbered(n, value);
    } else {
      s->BindNumbered(n, std::string_view(*values[i]));
    }
  }
  auto rows = std::make_unique<CopiedRows>(s->ColumnCount());
  for (;;) {
    auto row = INFRASHARE_TRY(s->Step(what));
    if (!row) break;
    rows->Append(*s);
  }
  const bool changes = !s->ReadOnly();
  const int64_t affected = changes ? conn_.Changes() : 0;
  return sql::Rows(std::move(rows), affected, affected > 0 ? conn_.LastInsertRowid() : 0);
}

}  // namespace infrashare::sqlite
