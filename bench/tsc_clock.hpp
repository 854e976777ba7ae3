// Cheap per-operation timing: the time-stamp counter, calibrated once against steady_clock. On
// machines with an invariant TSC (constant_tsc, nonstop_tsc) reading it is a few ns and never a
// syscall, so it can bracket every single command. Also the percentile of the samples it yields.
#pragma once

#include <x86intrin.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace swarmex::bench {

inline std::uint64_t tsc_now() noexcept {
  return __rdtsc();
}

class TscClock {
 public:
  // Spins for `span` and compares the cycle count with steady_clock.
  static TscClock calibrate(std::chrono::nanoseconds span = std::chrono::milliseconds(50)) {
    using Clock = std::chrono::steady_clock;
    const Clock::time_point t0 = Clock::now();
    const std::uint64_t c0 = tsc_now();
    Clock::time_point t1;
    do {
      t1 = Clock::now();
    } while (t1 - t0 < span);
    const std::uint64_t c1 = tsc_now();
    const auto elapsed_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count();
    return TscClock(static_cast<double>(elapsed_ns) / static_cast<double>(c1 - c0));
  }

  [[nodiscard]] double to_ns(std::uint64_t cycles) const noexcept {
    return static_cast<double>(cycles) * ns_per_cycle_;
  }
  [[nodiscard]] double ghz() const noexcept { return 1.0 / ns_per_cycle_; }

 private:
  explicit TscClock(double ns_per_cycle) : ns_per_cycle_(ns_per_cycle) {}
  double ns_per_cycle_;
};

// One calibration per process, made on first use.
inline const TscClock& process_tsc_clock() {
  static const TscClock clock = TscClock::calibrate();
  return clock;
}

// The p-quantile (0..1) of per-operation samples: the element at rank floor(p * (n - 1)).
// Reorders `v`; 0 when it is empty.
inline double sample_percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace swarmex::bench
