// SqlTx: export in the dump form (store/dump.h), table by table in
// dump::Tables() order, each read by Session::Stream (a page at a time);
// import through dump::ImportRow.
#include <fmt/format.h>

#include "store/dump.h"
#include "store/sql/sql_tx.h"

namespace infrashare::sql {

Result<void> SqlTx::ExportRows(
    const std::function<Result<void>(std::string_view table, const Json& row)>& sink) {
  if (auto l = BeforeLogAccess(); !l) return l;
  for (const auto& t : dump::Tables()) {
    const std::string select =
        fmt::format(fmt::runtime(t.select), fmt::arg("order", session_.dialect().InsertionOrder()));
    auto e = session_.Stream(select, fmt::format("export {}", t.name), [&](const Rows& rows) -> Result<void> {
      for (int i = 0; i < rows.size(); ++i) {
        auto row = INFRASHARE_TRY(t.read(rows, i));
        if (auto s = sink(t.name, row); !s) return s;
      }
      return {};
    });
    if (!e) return e;
  }
  return {};
}

Result<void> SqlTx::ImportRow(std::string_view table, const Json& row) {
  return dump::ImportRow(*this, table, row);
}

}  // namespace infrashare::sql
