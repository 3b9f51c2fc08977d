// The report history both store benchmarks load (store_bench,
// store_backends_bench): deterministic, shaped like the platform's —
// operators skewed, ~80% CLEAR/GREEN granted to "members", the rest to a
// sector, CEPTOAR or organization, nearly every report granted to NISC — and
// the latency statistics they print. Bench-only; not part of any library.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/time.h"
#include "domain/report/report.h"

namespace infrashare::bench {

constexpr int kSectors = 14;
constexpr int kCeptoars = 19;
constexpr int kOperators = 6000;
constexpr int kMinistries = 5;
constexpr int64_t kEpochMicros = 1'700'000'000'000'000;
constexpr int64_t kSpacingMicros = 30'000'000;  // one report every 30 s: 1M reports ≈ one year

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
inline int SectorOf(int op) { return op % kSectors; }
inline int CeptoarOf(int op) { return op % kCeptoars; }

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

  // Report `i` of the history with a scattered id (as NewId's random part
  // scatters production ids).
  Report Make(int64_t i, std::vector<std::string>& grants) {
    return Make(i, fmt::format("rpt_{:020x}", Mix(static_cast<uint64_t>(i))), grants);
  }

  Report Make(int64_t i, const std::string& id, std::vector<std::string>& grants) {
    static std::discrete_distribution<int> tlp_dist{10, 70, 15, 3, 2};  // clear green amber amber+strict red
    static std::discrete_distribution<int> route_dist{60, 30, 10};
    const int op = Skewed(kOperators);
    const int sector = SectorOf(op), ceptoar = CeptoarOf(op);
    Report r;
    r.id = id;
    r.content.kind = Kind();
    r.content.title = Words(4);
    r.content.text = Words(40);
    r.content.sectors = {fmt::format("sector_{}", sector)};
    if (Pick(10) == 0) r.content.sectors.push_back(fmt::format("sector_{}", Pick(kSectors)));
    r.content.services = {"power supply"};
    r.content.systems = {SystemKind::kIt};
    r.content.facts = Json{{"service_state", "degraded"}, {"customers_affected", Pick(100000)}};
    r.content.tlp = static_cast<Tlp>(tlp_dist(rng_));
    r.content.audience.everyone = r.content.tlp <= Tlp::kGreen;
    r.route = static_cast<Route>(route_dist(rng_));
    r.submitter_org = Org("op", op);
    r.submitter_principal = fmt::format("prn_op_{}", op);
    r.released = true;
    r.created_at = FromMicros(kEpochMicros + i * kSpacingMicros + Pick(120'000'000) - 60'000'000);
    r.updated_at = Pick(20) == 0 ? r.created_at + std::chrono::hours(Pick(72)) : r.created_at;
    r.released_at = r.created_at;
    r.deliveries = {{Org("nisc", 0), DeliveryRole::kCoordinationCenter, r.created_at}};

    grants.clear();
    grants.push_back("org:" + r.submitter_org);
    if (Pick(20) != 0) grants.push_back("org:" + Org("nisc", 0));
    switch (r.route) {
      case Route::kDirect:
        grants.push_back("org:" + Org("min", sector % kMinistries));
        break;
      case Route::kViaCeptoar:
        r.relay_org = Org("sec", ceptoar);
        grants.push_back("org:" + r.relay_org);
        break;
      case Route::kViaAgency:
        r.relay_org = Org("agency", 0);
        grants.push_back("org:" + r.relay_org);
        break;
    }
    switch (r.content.tlp) {
      case Tlp::kClear:
        grants.insert(grants.end(), {"public", "members"});
        break;
      case Tlp::kGreen:
        grants.push_back("members");
        break;
      case Tlp::kAmber:
        grants.push_back(Pick(2) ? fmt::format("sector:sector_{}", sector)
                                 : fmt::format("ceptoar:ceptoar_{}", ceptoar));
        break;
      case Tlp::kAmberStrict:
      case Tlp::kRed:
        grants.push_back("org:" + Org("op", Pick(kOperators)));
        break;
    }
    return r;
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
