// Time as the system sees it: microseconds since the Unix epoch, UTC.
// The domain never reads a clock; services are handed a Clock so tests can
// control time.
//
// Thread behaviour: SystemClock is stateless and thread-safe; ManualClock is
// safe to read and advance from several threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace infrashare {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

// "2026-11-25T20:33:13.123456Z". Always UTC with microseconds.
std::string FormatRfc3339(Timestamp t);
// Accepts RFC 3339 date-times with "Z" or a numeric offset and 0-9 fraction
// digits. Returns nullopt for anything else.
std::optional<Timestamp> ParseRfc3339(std::string_view text);

inline int64_t ToMicros(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromMicros(int64_t us) { return Timestamp(std::chrono::microseconds(us)); }
inline std::optional<int64_t> ToMicros(const std::optional<Timestamp>& t) {
  return t ? std::optional<int64_t>(ToMicros(*t)) : std::nullopt;
}

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_(ToMicros(start)) {}
  Timestamp Now() const override { return FromMicros(now_.load()); }
  void Advance(std::chrono::microseconds d) { now_ += d.count(); }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace infrashare
