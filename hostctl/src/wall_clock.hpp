// The wall clock the exchange stamps leases with (CLOCK_REALTIME), in ns.
#pragma once

#include <time.h>

#include <cstdint>

namespace swarmex::hostctl {

inline std::int64_t wall_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace swarmex::hostctl
