// Helpers shared by the store suite's test files: building records and
// running one read or write and getting its value.
#pragma once

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "store/sql/sql_tx.h"
#include "store/store.h"

namespace infrashare::store_test {

// A fresh directory under the system's temporary directory, removed with
// everything in it when this goes.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            fmt::format("infrashare-store-{:016x}", (uint64_t(rd()) << 32) | rd());
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A fixed instant plus `seconds`, so tests never read a clock.
inline Timestamp At(int64_t seconds) { return FromMicros(1'760'000'000'000'000 + seconds * 1'000'000); }

// Runs f(tx) in a read and hands back its Result (or the Read's error).
template <class F>
auto ReadValue(Store& store, F&& f) -> decltype(f(std::declval<ReadTx&>())) {
  using R = decltype(f(std::declval<ReadTx&>()));
  std::optional<R> out;
  auto r = store.Read([&](ReadTx& tx) -> Result<void> {
    out.emplace(f(tx));
    return {};
  });
  if (!r) return std::unexpected(r.error());
  return std::move(*out);
}

// Runs f(tx) in a write that fails when f fails; hands back f's value.
template <class F>
auto WriteValue(Store& store, F&& f) -> decltype(f(std::declval<WriteTx&>())) {
  using R = decltype(f(std::declval<WriteTx&>()));
  std::optional<R> out;
  auto r = store.Write([&](WriteTx& tx) -> Result<void> {
    out.emplace(f(tx));
    if (!*out) return std::unexpected(out->error());
    return {};
  });
  if (!r) return std::unexpected(r.error());
  return std::move(*out);
}

// Counts the calls of an outbox listener (Store::OnOutboxAppended) and
// waits for them. Thread-safe.
class WakeCounter {
 public:
  std::function<void()> Listener() {
    return [this] {
      {
        std::lock_guard lock(mutex_);
        ++count_;
      }
      cv_.notify_all();
    };
  }
  int count() const {
    std::lock_guard lock(mutex_);
    return count_;
  }
  // Whether count() exceeded `than` within `timeout`.
  bool WaitAbove(int than, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return count_ > than; });
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  int count_ = 0;
};

struct ReportSpec {
  std::string id;
  Space space = Space::Live();
  ReportKind kind = ReportKind::kAttackInfo;
  std::vector<std::string> sectors = {"electric_power"};
  Route route = Route::kDirect;
  Tlp tlp = Tlp::kGreen;
  std::string title = "title";
  std::string text = "text";
  Timestamp created_at = At(0);
  std::optional<Timestamp> updated_at;  // default: created_at
};

inline Report MakeReport(const ReportSpec& s) {
  Report r;
  r.id = s.id;
  r.space = s.space;
  r.content.kind = s.kind;
  r.content.title = s.title;
  r.content.text = s.text;
  r.content.sectors = s.sectors;
  r.content.services = {"power supply"};
  r.content.systems = {SystemKind::kOt};
  r.content.facts = Json{{"customers_affected", 1200}, {"service_state", "degraded"}};
  r.content.indicators = {{"ipv4-addr", "192.0.2.7"}};
  r.content.tlp = s.tlp;
  r.content.audience.everyone = true;
  r.route = s.route;
  r.submitter_org = "org_operator";
  r.submitter_principal = "prn_reporter";
  r.released = true;
  r.released_at = s.created_at;
  r.deliveries = {{"org_nisc", DeliveryRole::kCoordinationCenter, s.created_at}};
  r.created_at = s.created_at;
  r.updated_at = s.updated_at.value_or(s.created_at);
  return r;
}

// For the backends' damaged-row tests: alerts alt_1 and alt_2 were stored with
// recipients org_a and org_b, then alt_1's org_a was put in a state no program
// writes and alt_2's org_b row was split over two lines. Passing either on as
// stored would corrupt a stream, so listing them answers kInternal, naming
// the row.
inline void ExpectDamagedRecipientRows(Store& store) {
  for (const auto& [alert, organization] : {std::pair{"alt_1", "org_a"}, std::pair{"alt_2", "org_b"}}) {
    auto rows = ReadValue(store, [&](ReadTx& tx) { return tx.ListAlertRecipientTexts(alert); });
    ASSERT_FALSE(rows) << alert;
    EXPECT_EQ(rows.error().code, ErrorCode::kInternal);
    EXPECT_EQ(rows.error().message,
              fmt::format("stored recipient '{}' of alert '{}' is unreadable", organization, alert));
  }
}

// The rows a backend's damage test corrupts by hand: report rpt_1, alerts
// alt_1 and alt_2 (recipients org_a, org_b), sector gas.
inline void WriteRowsToDamage(Store& store) {
  ASSERT_TRUE(store.Write([](WriteTx& tx) -> Result<void> {
    INFRASHARE_TRY(tx.InsertReport(MakeReport({.id = "rpt_1"}), {"members"}));
    for (const char* id : {"alt_1", "alt_2"}) {
      Alert alert{.id = id};
      alert.recipients = {AlertRecipient{.organization = "org_a"}, AlertRecipient{.organization = "org_b"}};
      INFRASHARE_TRY(tx.InsertAlert(alert));
    }
    return tx.UpsertSector({"gas", "ガス", "Gas", "org_meti"});
  }));
}

// After rpt_1's document became "{not json", the sector's {"id": 5} and the
// recipient rows as ExpectDamagedRecipientRows says: every reader answers
// kInternal naming the record.
inline void ExpectDamagedRows(Store& store) {
  auto got = ReadValue(store, [](ReadTx& tx) { return tx.GetReport(Space::Live(), "rpt_1"); });
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, ErrorCode::kInternal);
  EXPECT_EQ(got.error().message, "stored report #1 is unreadable: not JSON");
  ReportQuery q;
  q.grant_keys = {"members"};
  auto listed = ReadValue(store, [&](ReadTx& tx) { return sql::Inspect(tx).ListReports(q); });
  ASSERT_FALSE(listed);
  EXPECT_EQ(listed.error().code, ErrorCode::kInternal);
  auto registry = ReadValue(store, [](ReadTx& tx) { return tx.LoadRegistry(); });
  ASSERT_FALSE(registry);
  EXPECT_EQ(registry.error().code, ErrorCode::kInternal);
  EXPECT_EQ(registry.error().message.rfind("stored sector 'gas' is unreadable", 0), 0u)
      << registry.error().message;
  ExpectDamagedRecipientRows(store);
}

}  // namespace infrashare::store_test
