#include "common/time.h"

#include <fmt/format.h>

#include <charconv>

namespace infrashare {

namespace {

bool ReadInt(std::string_view s, size_t pos, size_t len, int& out) {
  if (pos + len > s.size()) return false;
  const char* b = s.data() + pos;
  auto [p, ec] = std::from_chars(b, b + len, out);
  return ec == std::errc() && p == b + len;
}

}  // namespace

std::string FormatRfc3339(Timestamp t) {
  using namespace std::chrono;
  const auto days = floor<std::chrono::days>(t);
  const year_month_day ymd{days};
  const hh_mm_ss hms{t - days};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", int(ymd.year()), unsigned(ymd.month()),
                     unsigned(ymd.day()), hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count());
}

std::optional<Timestamp> ParseRfc3339(std::string_view s) {
  using namespace std::chrono;
  int y, mo, d, h, mi, se;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' ||
      s[16] != ':')
    return std::nullopt;
  if (!ReadInt(s, 0, 4, y) || !ReadInt(s, 5, 2, mo) || !ReadInt(s, 8, 2, d) || !ReadInt(s, 11, 2, h) ||
      !ReadInt(s, 14, 2, mi) || !ReadInt(s, 17, 2, se))
    return std::nullopt;
  const year_month_day ymd{year(y), month(unsigned(mo)), day(unsigned(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 60) return std::nullopt;
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9) return std::nullopt;
    for (int i = digits; i < 6; ++i) micros *= 10;
  }
  int64_t offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
    int oh, om;
    if (!ReadInt(s, pos + 1, 2, oh) || !ReadInt(s, pos + 4, 2, om) || oh > 23 || om > 59) return std::nullopt;
    offset_minutes = (oh * 60 + om) * (s[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  const auto tp = sys_days(ymd) + hours(h) + minutes(mi) + seconds(se) + microseconds(micros) -
                  minutes(offset_minutes);
  return time_point_cast<microseconds>(tp);
}

Timestamp SystemClock::Now() const {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

}  // namespace infrashare
