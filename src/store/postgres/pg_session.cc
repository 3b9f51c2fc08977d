#include "store/postgres/pg_session.h"

#include <fmt/format.h>

#include "store/postgres/pg_tuning.h"

namespace infrashare::postgres {

namespace {

class PgRows final : public sql::RowSource {
 public:
  explicit PgRows(Rows rows) : rows_(std::move(rows)) {}
  int size() const override { return rows_.size(); }
  bool IsNull(int row, int col) const override { return rows_.IsNull(row, col); }
  std::string_view Text(int row, int col) const override { return rows_.Text(row, col); }
  int64_t Int(int row, int col) const override { return rows_.Int(row, col); }

 private:
  Rows rows_;
};

}  // namespace

Result<sql::Rows> PgSession::Exec(std::string_view sql, const sql::Params& params, std::string_view what) {
  auto rows = INFRASHARE_TRY(conn_.Exec(sql, params, what));
  const int64_t affected = rows.Affected();
  return sql::Rows(std::make_unique<PgRows>(std::move(rows)), affected);
}

Result<void> PgSession::Stream(std::string_view sql, std::string_view what,
                               const std::function<Result<void>(const sql::Rows&)>& page) {
  if (auto d = conn_.Run(fmt::format("DECLARE stream_rows NO SCROLL CURSOR FOR {}", sql), what); !d) return d;
  const std::string fetch = fmt::format("FETCH {} FROM stream_rows", kExportFetchRows);
  for (;;) {
    auto rows = INFRASHARE_TRY(conn_.Query(fetch, what));
    const int size = rows.size();
    if (auto p = page(sql::Rows(std::make_unique<PgRows>(std::move(rows)), 0)); !p) return p;
    if (size < kExportFetchRows) break;
  }
  return conn_.Run("CLOSE stream_rows", what);
}

}  // namespace infrashare::postgres
