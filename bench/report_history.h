// The report history both store benchmarks load (store_bench,
// store_backends_bench): deterministic, shaped like the platform's —
// operators skewed, ~80% CLEAR/GREEN shared with everyone, the rest with a
// sector, CEPTOAR or organization, 60% sent direct, 30% through a CEPTOAR,
// 10% through an agency — and the latency statistics they print. The
// generator makes what a submitter sends (a Draft); submission.h turns it
// into what the server stores, through the server's own functions.
// Bench-only; not part of any library.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/time.h"
#include "domain/report/report.h"
#include "domain/sharing/route.h"

namespace infrashare::bench {

constexpr int kSectors = 14;
constexpr int kCeptoars = 19;
constexpr int kOperators = 6000;
constexpr int kMinistries = 5;
constexpr int64_t kEpochMicros = 1'700'000'000'000'000;
constexpr int64_t kSpacingMicros = 30'000'000;  // one report every 30 s: 1M reports ≈ one year

// The shipped registry's 14 sectors (data/registry/registry.toml), so that
// the shipped severity policies, whose thresholds name sectors, load against
// the bench's registry (submission.h) as they do against the real one.
inline constexpr std::string_view kSectorIds[kSectors] = {"information_communications",
                                                          "finance",
                                                          "aviation",
                                                          "airports",
                                                          "railways",
                                                          "electric_power",
                                                          "gas",
                                                          "government",
                                                          "medical",
                                                          "water",
                                                          "logistics",
                                                          "chemical",
                                                          "credit_cards",
                                                          "petroleum"};

inline const std::vector<std::string> kWords{
    "outage",        "malware",      "phishing", "ransomware",   "scada",        "ddos",
    "vulnerability", "patch",        "firmware", "vpn",          "credential",   "lateral",
    "exfiltration",  "backup",       "restore",  "substation",   "pipeline",     "payment",
    "atm",           "signal",       "railway",  "airport",      "hospital",     "water",
    "pump",          "plc",          "hmi",      "modbus",       "botnet",       "c2",
    "beacon",        "loader",       "停電",     "障害",         "攻撃",         "復旧",
    "不正アクセス",  "標的型メール", "脆弱性",   "情報漏えい",   "サービス停止", "大規模停電が発生",
    "制御系",        "電力需給",     "通信障害", "決済システム", "運行停止",     "断水"};
inline const std::vector<std::string> kRareWords{"zeroday", "wiper", "サプライチェーン攻撃", "ランサムウェア感染"};

// Report ids are random in production (NewId): a bijective mix of the
// index gives ids as scattered, and still unique.
inline uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9;
  x = (x ^ (x >> 27)) * 0x94d049bb133111eb;
  return x ^ (x >> 31);
}

inline std::string Org(std::string_view kind, int n) { return fmt::format("org_{}_{}", kind, n); }
inline std::string SectorId(int n) { return std::string(kSectorIds[n]); }
inline std::string CeptoarId(int n) { return fmt::format("ceptoar_{}", n); }
inline std::string PrincipalId(int op) { return fmt::format("prn_op_{}", op); }
inline int SectorOf(int op) { return op % kSectors; }
inline int CeptoarOf(int op) { return op % kCeptoars; }

// What operator `op` sends (the parsed body of POST /reports) and when; the
// relay and revision times are for the history, where a report stands as
// the server holds it long after it was sent (submission.h World::Stored).
struct Draft {
  int op = 0;
  ReportContent content;
  RouteRequest route;
  Timestamp submitted_at;
  Timestamp relayed_at;                 // when its relay releases it (relayed routes)
  std::optional<Timestamp> revised_at;  // 1 in 20 is revised once
};

// Deterministic report history.
class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  // Skewed towards low indexes, as words and reporters are in practice.
  int Skewed(int n) {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng_);
    return std::min(n - 1, static_cast<int>(n * u * u));
  }
  std::string Words(int n) {
    std::string out;
    for (int i = 0; i < n; ++i) {
      if (i) out += ' ';
      out += Pick(2000) == 0 ? kRareWords[Pick(static_cast<int>(kRareWords.size()))]
                             : kWords[Skewed(static_cast<int>(kWords.size()))];
    }
    return out;
  }
  ReportKind Kind() {
    static std::discrete_distribution<int> d{15, 15, 10, 30, 5, 5, 10, 3, 7};  // ReportKind order
    return static_cast<ReportKind>(d(rng_));
  }
  // People affected, log-uniform below 100,000: most events are small. The
  // count decides the severity level, and from 30,000 (level 3 in the
  // policy in force) a released report raises a response alert — about one
  // in ten here; a uniform count would raise one for 70% of them.
  int64_t People() {
    return static_cast<int64_t>(std::pow(10.0, std::uniform_real_distribution<double>(0, 5)(rng_)));
  }

  // Report `i` of the history: its time follows `i`.
  Draft Make(int64_t i) {
    static std::discrete_distribution<int> tlp_dist{10, 70, 15, 3, 2};  // clear green amber amber+strict red
    static std::discrete_distribution<int> route_dist{60, 30, 10};
    Draft d;
    d.op = Skewed(kOperators);
    const int sector = SectorOf(d.op), ceptoar = CeptoarOf(d.op);
    ReportContent& c = d.content;
    c.kind = Kind();
    c.title = Words(4);
    c.text = Words(40);
    c.sectors = {SectorId(sector)};
    if (Pick(10) == 0) c.sectors.push_back(SectorId(Pick(kSectors)));
    c.services = {"power supply"};
    c.systems = {SystemKind::kIt};
    c.facts = Json{{"service", {{"state", "degraded"}}}, {"affected", {{"people", People()}}}};
    c.tlp = static_cast<Tlp>(tlp_dist(rng_));
    switch (c.tlp) {
      case Tlp::kClear:
      case Tlp::kGreen:
        c.audience.everyone = true;
        break;
      case Tlp::kAmber:
        if (Pick(2))
          c.audience.sectors = {SectorId(sector)};
        else
          c.audience.ceptoars = {CeptoarId(ceptoar)};
        break;
      case Tlp::kAmberStrict:
      case Tlp::kRed:
        c.audience.organizations = {Org("op", Pick(kOperators))};
        break;
    }
    d.route.route = static_cast<Route>(route_dist(rng_));
    if (d.route.route == Route::kViaAgency) d.route.agency = Org("agency", 0);
    d.submitted_at = FromMicros(kEpochMicros + i * kSpacingMicros + Pick(120'000'000) - 60'000'000);
    d.relayed_at = d.submitted_at + std::chrono::minutes(1 + Pick(120));
    if (Pick(20) == 0) d.revised_at = d.submitted_at + std::chrono::hours(1 + Pick(72));
    return d;
  }

 private:
  std::mt19937_64 rng_;
};

inline double Ms(std::chrono::steady_clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Stats {
  std::vector<double> ms;
  double Pct(double p) {
    if (ms.empty()) return 0;
    std::sort(ms.begin(), ms.end());
    return ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))];
  }
  double Max() { return ms.empty() ? 0 : *std::max_element(ms.begin(), ms.end()); }
};

}  // namespace infrashare::bench
