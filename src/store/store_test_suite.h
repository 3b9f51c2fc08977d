// The one test suite every Store backend must pass (store_test.cc).
//
// A backend joins by instantiating the suite with a factory, in its own test
// file (sqlite/sqlite_store_test.cc):
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreTest, ::testing::Values(StoreBackend{
//       "sqlite", [] { return std::make_unique<SqliteHarness>(); }}),
//       StoreBackendName);
//
// Each test gets a fresh, empty database from `make`; Open() may be called
// again on the same harness to reopen that database (durability checks).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "store/store.h"

namespace infrashare {

class StoreHarness {
 public:
  virtual ~StoreHarness() = default;
  // Opens the harness's database: empty at first, the same one afterwards.
  virtual Result<std::unique_ptr<Store>> Open() = 0;
};

struct StoreBackend {
  std::string name;
  std::function<std::unique_ptr<StoreHarness>()> make;  // a new, empty database per call
};

inline void PrintTo(const StoreBackend& backend, std::ostream* os) { *os << backend.name; }

inline std::string StoreBackendName(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

class StoreTest : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    harness_ = GetParam().make();
    auto s = harness_->Open();
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override { store_.reset(); }

  // Closes the store (draining its writes) and opens the same database.
  void Reopen() {
    store_.reset();
    auto s = harness_->Open();
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }

  Store& store() { return *store_; }

  std::unique_ptr<StoreHarness> harness_;  // outlives store_
  std::unique_ptr<Store> store_;
};

}  // namespace infrashare
