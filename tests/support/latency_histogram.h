// Latency samples for the benchmarks, in microseconds, as a log-linear
// histogram (the HdrHistogram layout with 64 sub-buckets per power of two):
// constant memory however long the run, every value kept within 1.6%, exact
// below 128 µs. Percentiles report the upper edge of their bucket, so they
// never flatter the server.
//
// Thread behaviour: not thread-safe; give each load thread its own histogram
// and Merge them at the end.
#pragma once

#include <array>
#include <cstdint>

namespace infrashare {

class LatencyHistogram {
 public:
  void Record(uint64_t micros);
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  uint64_t max() const { return max_; }
  // The value below which `fraction` (0..1) of the samples lie; 0 when empty.
  uint64_t Percentile(double fraction) const;

 private:
  static constexpr int kSubBucketBits = 7;  // 128 exact values, then 64 buckets per doubling
  static constexpr int kBuckets = 64 * (64 - kSubBucketBits + 2);

  static int BucketOf(uint64_t value);
  static uint64_t UpperEdge(int bucket);

  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t max_ = 0;
};

}  // namespace infrashare
