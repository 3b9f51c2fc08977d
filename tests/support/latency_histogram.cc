#include "support/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace infrashare {

int LatencyHistogram::BucketOf(uint64_t value) {
  if (value < (uint64_t{1} << kSubBucketBits)) return static_cast<int>(value);
  // value >> shift lies in [64, 128): 64 sub-buckets for each shift.
  const int shift = std::bit_width(value) - kSubBucketBits;
  return 64 * shift + static_cast<int>(value >> shift);
}

uint64_t LatencyHistogram::UpperEdge(int bucket) {
  if (bucket < (1 << kSubBucketBits)) return static_cast<uint64_t>(bucket);
  const int shift = bucket / 64 - 1;
  const uint64_t mantissa = static_cast<uint64_t>(bucket % 64 + 64);
  return ((mantissa + 1) << shift) - 1;
}

void LatencyHistogram::Record(uint64_t micros) {
  ++counts_[BucketOf(micros)];
  ++count_;
  max_ = std::max(max_, micros);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

uint64_t LatencyHistogram::Percentile(double fraction) const {
  if (count_ == 0) return 0;
  const auto rank =
      static_cast<uint64_t>(std::ceil(std::clamp(fraction, 0.0, 1.0) * static_cast<double>(count_)));
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= std::max<uint64_t>(rank, 1)) return std::min(UpperEdge(i), max_);
  }
  return max_;
}

}  // namespace infrashare
