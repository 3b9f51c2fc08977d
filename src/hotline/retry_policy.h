// When to try a failed webhook delivery again, and when to stop.
//
// Exponential backoff with "equal jitter": after the n-th failed attempt the
// next one waits d = min(cap, base * 2^(n-1)), half of it fixed and half
// random, so the wait lies in [d/2, d]. The fixed half keeps a struggling
// receiver from being retried at once; the random half spreads the retries
// of many deliveries that failed together (a receiver that was down), so
// they do not return as one wave. With the defaults the waits are about
// 1 s, 2 s, 4 s, ... 8.5 min, then 15 min (before jitter); the 12th failed
// attempt gives up, 16 to 32 minutes after the first (plus the time the
// attempts themselves took).
//
// Thread behaviour: pure functions and plain values; the randomness comes
// from the caller, so tests choose it.
#pragma once

#include <chrono>
#include <cstdint>

namespace infrashare {

struct RetryPolicy {
  int max_attempts = 12;                 // attempts in all, the first included
  std::chrono::milliseconds base{1000};  // the wait after the first failure (before jitter)
  std::chrono::milliseconds cap{std::chrono::minutes{15}};  // no wait is longer
};

// How long to wait before the next attempt, `attempts_made` (>= 1; smaller
// counts as 1) having failed. `random` is any uniformly random number; it
// picks the jittered half. The result lies in [d - d/2, d] with d as above.
std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, int attempts_made, uint64_t random);

// Whether a delivery that has failed `attempts_made` times is given up.
bool GiveUp(const RetryPolicy& policy, int attempts_made);

}  // namespace infrashare
