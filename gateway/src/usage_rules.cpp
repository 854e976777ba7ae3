#include "usage_rules.hpp"

#include <algorithm>

namespace swarmex::gateway {
namespace {

constexpr const char* kNames[] = {"cpu", "mem", "io"};
constexpr std::int64_t kMaxHeld = std::int64_t{1} << 40;  // 64 x it cannot overflow

UsageCheck refuse(std::string text) {
  return UsageCheck{engine::RejectReason::ImplausibleUsage, std::move(text)};
}

}  // namespace

UsageCheck check_usage(std::uint32_t interval_ms, std::span<const UsageSampleIn> samples,
                       std::int64_t host_memory_bytes) {
  if (interval_ms == 0 || interval_ms > kMaxUsageIntervalMs)
    return refuse("interval_ms " + std::to_string(interval_ms) + " is not in 1.." +
                  std::to_string(kMaxUsageIntervalMs));
  if (samples.empty() || samples.size() > kMaxUsageSamples)
    return refuse(std::to_string(samples.size()) + " samples (1.." +
                  std::to_string(kMaxUsageSamples) + ")");
  const std::int64_t memory =
      host_memory_bytes > 0 ? host_memory_bytes : kUsageUnknownHostMemoryBytes;
  for (const UsageSampleIn& s : samples) {
    if (s.resource > 2) return refuse("resource " + std::to_string(s.resource) + " unknown");
    const std::string name = kNames[s.resource];
    if (s.used < 0 || s.peak < 0 || s.held < 0)
      return refuse(name + ": used, peak and held must not be negative");
    const std::int64_t most = std::max(s.used, s.peak);
    switch (s.resource) {
      case 0: {
        const std::int64_t bound =
            kUsageCpuFactor * std::max(std::min(s.held, kMaxHeld), kUsageCpuFloorMillicores);
        if (most > bound)
          return refuse("cpu: " + std::to_string(most) + " millicores is over " +
                        std::to_string(bound) + " (64 x the held quota, at least one core)");
        break;
      }
      case 1:
        if (most > memory)
          return refuse("mem: " + std::to_string(most) + " bytes is over the host's " +
                        std::to_string(memory));
        break;
      default: {
        if (s.device.empty() || s.device.size() > 32)
          return refuse("io: a device (major:minor, at most 32 bytes) is required");
        const std::int64_t bound =
            kUsageMaxIoBytesPerSecond / 1000 * static_cast<std::int64_t>(interval_ms);
        if (most > bound)
          return refuse("io: " + std::to_string(most) + " bytes in " + std::to_string(interval_ms) +
                        " ms is over 100 GB/s");
      }
    }
  }
  return {};
}

}  // namespace swarmex::gateway
