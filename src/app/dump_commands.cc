// export, import and migrate: moving an installation between databases
// (store/dump.h), with a check that every table arrived whole.
//
// The dump file is JSON lines: a header {"format": "infrashare-dump",
// "version": 1}, one {"table", "row"} per row (tables in dump::Tables()
// order), and a trailer {"summary": {table: {"rows", "sha256"}}} so that a
// cut or altered file is noticed on import.
//
// A table's hash chains its canonical rows in order: h = SHA-256(h + row),
// starting from "", each row as compact JSON with sorted keys. Equal hashes
// mean equal rows in equal order, whatever the backend.
#include <fmt/format.h>

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>

#include "app/commands.h"
#include "common/crypto.h"
#include "store/dump.h"
#include "store/open_store.h"

namespace infrashare {

namespace {

constexpr std::string_view kFormat = "infrashare-dump";
constexpr int kVersion = 1;
// Rows per write transaction on import: bounded memory, few commits.
constexpr size_t kImportBatchRows = 1000;

std::string Canonical(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

struct TableSummary {
  int64_t rows = 0;
  std::string sha256;
  bool operator==(const TableSummary&) const = default;
};

// Every table of dump::Tables(), with what was seen of it.
class Summary {
 public:
  Summary() {
    for (const auto& dumped : dump::Tables()) tables_[std::string(dumped.name)];
  }
  void Add(std::string_view table, const Json& row) {
    TableSummary& s = tables_[std::string(table)];
    ++s.rows;
    s.sha256 = Sha256Hex(s.sha256 + Canonical(row));
  }
  const TableSummary& Of(std::string_view table) const { return tables_.at(std::string(table)); }
  bool operator==(const Summary&) const = default;

  Json ToJson() const {
    Json j = Json::object();
    for (const auto& [t, s] : tables_) j[t] = Json{{"rows", s.rows}, {"sha256", s.sha256}};
    return j;
  }
  static Result<Summary> FromJson(const Json& j) {
    Summary out;
    if (!j.is_object()) return InvalidArgument("summary", "must be an object");
    for (const auto& dumped : dump::Tables()) {
      auto it = j.find(std::string(dumped.name));
      if (it == j.end() || !it->is_object() || !(*it)["rows"].is_number_integer() ||
          !(*it)["sha256"].is_string())
        return InvalidArgument("summary", fmt::format("has no valid entry for '{}'", dumped.name));
      out.tables_[std::string(dumped.name)] = {(*it)["rows"].get<int64_t>(),
                                               (*it)["sha256"].get<std::string>()};
    }
    return out;
  }

 private:
  std::map<std::string, TableSummary, std::less<>> tables_;
};

std::string Short(const std::string& hash) { return hash.empty() ? "-" : hash.substr(0, 16); }

void PrintSummary(const Summary& s) {
  fmt::print("{:<16} {:>10}  {}\n", "table", "rows", "sha256");
  for (const auto& dumped : dump::Tables())
    fmt::print("{:<16} {:>10}  {}\n", dumped.name, s.Of(dumped.name).rows, s.Of(dumped.name).sha256);
}

// Prints both sides; true when every table matches.
bool PrintComparison(std::string_view left_name, const Summary& left, std::string_view right_name,
                     const Summary& right) {
  fmt::print("{:<16} {:>13}  {:<16}  {:>13}  {:<16}\n", "table", fmt::format("{} rows", left_name), "sha256",
             fmt::format("{} rows", right_name), "sha256");
  bool same = true;
  for (const auto& dumped : dump::Tables()) {
    const auto& a = left.Of(dumped.name);
    const auto& b = right.Of(dumped.name);
    same = same && a == b;
    fmt::print("{:<16} {:>13}  {:<16}  {:>13}  {:<16}  {}\n", dumped.name, a.rows, Short(a.sha256), b.rows,
               Short(b.sha256), a == b ? "ok" : "DIFFERS");
  }
  return same;
}

// The summary of everything in `store`, read in one snapshot.
Result<Summary> Summarize(Store& store) {
  return store.Read([](ReadTx& tx) -> Result<Summary> {
    Summary s;
    INFRASHARE_TRY(tx.ExportRows([&](std::string_view table, const Json& row) -> Result<void> {
      s.Add(table, row);
      return {};
    }));
    return s;
  });
}

// Fails unless `store` holds no row at all.
Result<void> RequireEmpty(Store& store, const std::string& database) {
  // The table of the first row, or nullopt when there is none.
  auto first_table = INFRASHARE_TRY(store.Read([](ReadTx& tx) -> Result<std::optional<std::string>> {
    std::optional<std::string> first;
    auto r = tx.ExportRows([&](std::string_view table, const Json&) -> Result<void> {
      first = std::string(table);
      return Conflict("not empty");  // stops the export at the first row
    });
    if (first) return first;
    if (!r) return std::unexpected(r.error());
    return std::nullopt;
  }));
  if (first_table)
    return Conflict(fmt::format("{} is not empty (it has {} rows): import only into a new database",
                                DescribeDatabase(database), *first_table));
  return {};
}

// Writes rows to a store in batches of kImportBatchRows.
class Importer {
 public:
  explicit Importer(Store& store) : store_(store) {}

  Result<void> Add(std::string table, Json row) {
    pending_.emplace_back(std::move(table), std::move(row));
    if (pending_.size() >= kImportBatchRows) return Flush();
    return {};
  }
  Result<void> Flush() {
    if (pending_.empty()) return {};
    auto w = store_.Write([&](WriteTx& tx) -> Result<void> {
      for (const auto& [table, row] : pending_)
        if (auto r = tx.ImportRow(table, row); !r) return r;
      return {};
    });
    imported_ += static_cast<int64_t>(pending_.size());
    pending_.clear();
    return w;
  }
  int64_t imported() const { return imported_; }

 private:
  Store& store_;
  std::vector<std::pair<std::string, Json>> pending_;
  int64_t imported_ = 0;
};

int FailPartial(const Error& e, const std::string& database) {
  fmt::print(stderr,
             "the import stopped; {} now holds part of the rows: remove it (a data directory) or drop and "
             "re-create it (PostgreSQL) before importing again\n",
             DescribeDatabase(database));
  return Fail(e);
}

}  // namespace

int RunExport(const std::string& database, const std::string& out_file, bool include_secrets) {
  auto store = OpenStore(database, {.create = false, .pool_size = 2});
  if (!store) return Fail(store.error());
  // Written beside out_file under a name of its own, created 0600 (mkstemp),
  // and renamed over out_file when whole: no one else may read a dump, and a
  // failed export leaves no half file behind.
  std::string temp = out_file + ".XXXXXX";
  const int fd = ::mkstemp(temp.data());
  if (fd < 0)
    return Fail(Error{ErrorCode::kInvalidArgument,
                      fmt::format("cannot write {}: {}", out_file, std::strerror(errno)), "out"});
  ::close(fd);
  auto fail = [&](Error e) {
    std::remove(temp.c_str());
    return Fail(e);
  };
  std::ofstream out(temp, std::ios::binary | std::ios::trunc);
  if (!out) return fail(Error{ErrorCode::kInvalidArgument, fmt::format("cannot write {}", out_file), "out"});
  out << Canonical(Json{{"format", kFormat}, {"version", kVersion}}) << '\n';
  const Timestamp now = SystemClock().Now();
  int64_t webhooks = 0;
  // Streams the rows to the file as they are read: a read runs once.
  auto summary = (*store)->Read([&](ReadTx& tx) -> Result<Summary> {
    Summary seen;
    INFRASHARE_TRY(tx.ExportRows([&](std::string_view table, const Json& read) -> Result<void> {
      Json row = read;
      if (table == "webhooks" && !include_secrets) {
        row = INFRASHARE_TRY(dump::WebhookRowWithoutSecret(read, now));
        ++webhooks;
      }
      seen.Add(table, row);
      out << Canonical(Json{{"table", table}, {"row", row}}) << '\n';
      if (!out) return Unavailable(fmt::format("cannot write {}", out_file));
      return {};
    }));
    return seen;
  });
  if (!summary) return fail(summary.error());
  out << Canonical(Json{{"summary", summary->ToJson()}}) << '\n';
  out.close();
  if (!out) return fail(Error{ErrorCode::kUnavailable, fmt::format("cannot write {}", out_file), "out"});
  if (std::rename(temp.c_str(), out_file.c_str()) != 0)
    return fail(Error{ErrorCode::kUnavailable,
                      fmt::format("cannot write {}: {}", out_file, std::strerror(errno)), "out"});
  PrintSummary(*summary);
  fmt::print("exported {} to {} (readable by its owner only)\n", DescribeDatabase(database), out_file);
  if (webhooks > 0)
    fmt::print(
        "{} webhooks were written without their signing secrets and disabled: an import brings them back "
        "disabled, to be registered again (--include-secrets keeps the secrets and the webhooks active)\n",
        webhooks);
  return 0;
}

int RunImport(const std::string& in_file, const std::string& database) {
  std::ifstream in(in_file, std::ios::binary);
  if (!in) return Fail(Error{ErrorCode::kInvalidArgument, fmt::format("cannot read {}", in_file), "in"});
  auto store = OpenStore(database, {.create = true, .pool_size = 2});
  if (!store) return Fail(store.error());
  if (auto e = RequireEmpty(**store, database); !e) return Fail(e.error());

  auto bad_line = [&](int64_t n, const std::string& why) {
    return Error{ErrorCode::kInvalidArgument, fmt::format("{}:{}: {}", in_file, n, why), "in"};
  };
  std::string line;
  int64_t n = 0;
  Summary from_file;
  std::optional<Summary> trailer;
  Importer importer(**store);
  while (std::getline(in, line)) {
    ++n;
    // A row wraps a stored document, which wraps a request body of at most
    // kMaxJsonDepth levels: twice that is room enough.
    auto parsed = ParseJson(line, {.max_depth = 2 * kMaxJsonDepth});
    if (!parsed || !parsed->is_object()) return FailPartial(bad_line(n, "not a JSON object"), database);
    Json& j = *parsed;
    if (n == 1) {
      if (j.value("format", "") != kFormat || j.value("version", 0) != kVersion)
        return Fail(bad_line(n, fmt::format("not an infrashare dump (version {})", kVersion)));
      continue;
    }
    if (trailer) return FailPartial(bad_line(n, "rows after the summary"), database);
    if (j.contains("summary")) {
      auto s = Summary::FromJson(j["summary"]);
      if (!s) return FailPartial(bad_line(n, s.error().message), database);
      trailer = std::move(*s);
      continue;
    }
    if (!j["table"].is_string() || !j.contains("row"))
      return FailPartial(bad_line(n, "a row line needs \"table\" and \"row\""), database);
    const std::string table = j["table"].get<std::string>();
    from_file.Add(table, j["row"]);
    if (auto r = importer.Add(table, std::move(j["row"])); !r)
      return FailPartial(
          Error{r.error().code, fmt::format("{} (in the batch ending at line {})", r.error().message, n),
                r.error().field},
          database);
  }
  if (auto r = importer.Flush(); !r) return FailPartial(r.error(), database);
  if (n == 0) return Fail(bad_line(1, "the file is empty"));
  if (!trailer)
    return FailPartial(bad_line(n, "the file ends without its summary line: it was cut short"), database);
  if (!(*trailer == from_file)) {
    PrintComparison("summary", *trailer, "file", from_file);
    return FailPartial(bad_line(n, "the rows do not match the file's summary: the file was altered"),
                       database);
  }
  auto in_db = Summarize(**store);
  if (!in_db) return Fail(in_db.error());
  const bool same = PrintComparison("file", from_file, "database", *in_db);
  if (!same) {
    fmt::print(stderr, "error: the imported database differs from the file\n");
    return 1;
  }
  fmt::print("imported {} rows from {} into {}\n", importer.imported(), in_file, DescribeDatabase(database));
  return 0;
}

int RunMigrate(const std::string& from, const std::string& to) {
  auto source = OpenStore(from, {.create = false, .pool_size = 2});
  if (!source) return Fail(source.error());
  auto target = OpenStore(to, {.create = true, .pool_size = 2});
  if (!target) return Fail(target.error());
  if (auto e = RequireEmpty(**target, to); !e) return Fail(e.error());

  Importer importer(**target);
  // Imports the rows as they are read: a read runs once.
  auto exported = (*source)->Read([&](ReadTx& tx) -> Result<Summary> {
    Summary seen;
    INFRASHARE_TRY(tx.ExportRows([&](std::string_view table, const Json& row) -> Result<void> {
      seen.Add(table, row);
      return importer.Add(std::string(table), row);
    }));
    return seen;
  });
  Result<void> flushed = exported ? importer.Flush() : Result<void>(std::unexpected(exported.error()));
  if (!flushed) return FailPartial(flushed.error(), to);
  auto imported = Summarize(**target);
  if (!imported) return Fail(imported.error());
  fmt::print("from {}\nto   {}\n", DescribeDatabase(from), DescribeDatabase(to));
  if (!PrintComparison("source", *exported, "target", *imported)) {
    fmt::print(stderr, "error: the target differs from the source\n");
    return 1;
  }
  fmt::print("migrated {} rows; every table matches\n", importer.imported());
  return 0;
}

}  // namespace infrashare
