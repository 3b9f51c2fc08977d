#include "hotline/retry_policy.h"

#include <algorithm>

namespace infrashare {

std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, int attempts_made, uint64_t random) {
  const int64_t cap = std::max<int64_t>(policy.cap.count(), 0);
  const int64_t base = std::clamp<int64_t>(policy.base.count(), 0, cap);
  const int doublings = std::max(attempts_made, 1) - 1;
  // base * 2^doublings, stopping at the cap before it can overflow.
  int64_t full = base;
  for (int i = 0; i < doublings && full < cap; ++i) full = full > cap / 2 ? cap : full * 2;
  full = std::min(full, cap);
  const int64_t half = full / 2;
  const int64_t jitter = int64_t(random % (uint64_t(half) + 1));
  return std::chrono::milliseconds(full - half + jitter);
}

bool GiveUp(const RetryPolicy& policy, int attempts_made) { return attempts_made >= policy.max_attempts; }

}  // namespace infrashare
