// The dump format (infrashare import): a table's name on the first line and
// a row's JSON after it, imported into a real SQLite store inside a write
// transaction that is then rolled back. A row must be stored whole or
// refused naming its field; nothing may crash or corrupt the database.
#include <unistd.h>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "common/json.h"
#include "store/sqlite/sqlite_store.h"

using namespace infrashare;

namespace {

std::filesystem::path StoreDir() {
  return std::filesystem::temp_directory_path() / ("infrashare-fuzz-" + std::to_string(::getpid()));
}

Store& FuzzStore() {
  static std::unique_ptr<Store> store = [] {
    std::filesystem::create_directories(StoreDir());
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(StoreDir(), ignored);
    });
    auto opened = OpenSqliteStore({.path = (StoreDir() / "infrashare.db").string(), .read_connections = 1});
    if (!opened) {
      std::fprintf(stderr, "fuzz: cannot open a store: %s\n", opened.error().message.c_str());
      std::abort();
    }
    return std::move(*opened);
  }();
  return *store;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const size_t newline = text.find('\n');
  if (newline == std::string_view::npos) return 0;
  const std::string table(text.substr(0, newline));
  auto row = ParseJson(text.substr(newline + 1), {.max_depth = 2 * kMaxJsonDepth});
  if (!row) return 0;
  (void)FuzzStore().Write([&](WriteTx& tx) -> Result<void> {
    if (auto imported = tx.ImportRow(table, *row); !imported) return imported;
    return Conflict("rolled back: the fuzzer keeps the database empty");
  });
  return 0;
}
