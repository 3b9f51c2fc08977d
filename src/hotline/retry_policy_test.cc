#include "hotline/retry_policy.h"

#include <gtest/gtest.h>

#include <limits>

namespace infrashare {
namespace {

using std::chrono::milliseconds;
constexpr uint64_t kMaxRandom = std::numeric_limits<uint64_t>::max();

TEST(RetryPolicyTest, DefaultsAreDocumented) {
  RetryPolicy p;
  EXPECT_EQ(p.max_attempts, 12);
  EXPECT_EQ(p.base, milliseconds(1000));
  EXPECT_EQ(p.cap, milliseconds(15 * 60 * 1000));
}

TEST(RetryPolicyTest, DoublesWithHalfFixedAndHalfRandom) {
  RetryPolicy p;
  // random 0: the fixed half; random == half: the whole delay.
  EXPECT_EQ(RetryDelay(p, 1, 0), milliseconds(500));
  EXPECT_EQ(RetryDelay(p, 1, 500), milliseconds(1000));
  EXPECT_EQ(RetryDelay(p, 1, 501), milliseconds(500));  // random is taken modulo half + 1
  EXPECT_EQ(RetryDelay(p, 2, 0), milliseconds(1000));
  EXPECT_EQ(RetryDelay(p, 2, 1000), milliseconds(2000));
  EXPECT_EQ(RetryDelay(p, 3, 0), milliseconds(2000));
  EXPECT_EQ(RetryDelay(p, 10, 0), milliseconds(256000));
  EXPECT_EQ(RetryDelay(p, 10, 256000), milliseconds(512000));
}

TEST(RetryPolicyTest, StaysWithinBoundsForAnyRandom) {
  RetryPolicy p;
  for (int n = 1; n <= 40; ++n) {
    int64_t full = std::min<int64_t>(int64_t{1000} << std::min(n - 1, 30), p.cap.count());
    for (uint64_t r : {uint64_t{0}, uint64_t{1}, uint64_t{12345}, uint64_t{1} << 40, kMaxRandom}) {
      const milliseconds d = RetryDelay(p, n, r);
      EXPECT_GE(d.count(), full - full / 2) << n << " " << r;
      EXPECT_LE(d.count(), full) << n << " " << r;
    }
  }
}

TEST(RetryPolicyTest, CapsAndNeverShrinks) {
  RetryPolicy p;
  milliseconds fixed_before{0};
  for (int n = 1; n <= 1000; ++n) {
    const milliseconds fixed = RetryDelay(p, n, 0);
    EXPECT_GE(fixed, fixed_before) << n;
    EXPECT_LE(RetryDelay(p, n, kMaxRandom), p.cap) << n;
    EXPECT_LE(RetryDelay(p, n, uint64_t(p.cap.count() / 2)), p.cap) << n;
    fixed_before = fixed;
  }
  EXPECT_EQ(RetryDelay(p, 11, 0), p.cap / 2);  // 1024 s > 15 min
  EXPECT_EQ(RetryDelay(p, 1000, 0), p.cap / 2);
  EXPECT_EQ(RetryDelay(p, std::numeric_limits<int>::max(), p.cap.count() / 2), p.cap);
}

TEST(RetryPolicyTest, OddAndDegenerateInputs) {
  RetryPolicy p{.max_attempts = 3, .base = milliseconds(3), .cap = milliseconds(10)};
  EXPECT_EQ(RetryDelay(p, 1, 0), milliseconds(2));  // 3 - 3/2
  EXPECT_EQ(RetryDelay(p, 1, 1), milliseconds(3));
  EXPECT_EQ(RetryDelay(p, 3, 0), milliseconds(5));  // min(12, 10) = 10
  EXPECT_EQ(RetryDelay(p, 0, 0), RetryDelay(p, 1, 0));
  EXPECT_EQ(RetryDelay(p, -7, 1), RetryDelay(p, 1, 1));
  EXPECT_EQ(RetryDelay(RetryPolicy{.base = milliseconds(0)}, 5, 99), milliseconds(0));
  EXPECT_EQ(RetryDelay(RetryPolicy{.base = milliseconds(5000), .cap = milliseconds(1000)}, 1, 0),
            milliseconds(500));
}

TEST(RetryPolicyTest, GivesUpAfterMaxAttempts) {
  RetryPolicy p;
  EXPECT_FALSE(GiveUp(p, 1));
  EXPECT_FALSE(GiveUp(p, 11));
  EXPECT_TRUE(GiveUp(p, 12));
  EXPECT_TRUE(GiveUp(p, 13));
  EXPECT_TRUE(GiveUp(RetryPolicy{.max_attempts = 1}, 1));
}

}  // namespace
}  // namespace infrashare
