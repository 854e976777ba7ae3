// Cheap per-operation timing: the time-stamp counter, calibrated once against steady_clock. On
// machines with an invariant TSC (constant_tsc, nonstop_tsc) reading it is a few ns and never a
// syscall, so it can bracket every single command.
#pragma once

#include <x86intrin.h>

#include <chrono>
#include <cstdint>

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

}  // namespace swarmex::bench
