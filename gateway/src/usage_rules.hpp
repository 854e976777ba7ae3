// Usage telemetry: what makes a host's UsageReport believable. A report that fails is refused
// whole with implausible_usage and the reason in words; nothing else about the session changes.
// The rules (docs/protocol.md, "Usage telemetry"):
// - interval_ms in 1 .. 3,600,000; 1 .. 64 samples; resource cpu, mem or io;
// - no negative used, peak or held;
// - cpu: used and peak at most 64 x the held quota, a quota under one core counting as one core
//   (64,000 millicores per 1,000 held): no cgroup runs that far past its quota;
// - mem: used and peak at most the host's memory (its declared mem supply, 256 MiB a shard;
//   64 TiB when it declared none);
// - io: a device ("major:minor", at most 32 bytes), and at most 100 GB/s over the interval.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "swarmex/engine/types.hpp"

namespace swarmex::gateway {

inline constexpr std::uint32_t kMaxUsageIntervalMs = 3'600'000;
inline constexpr std::size_t kMaxUsageSamples = 64;
inline constexpr std::int64_t kUsageCpuFactor = 64;
inline constexpr std::int64_t kUsageCpuFloorMillicores = 1'000;
inline constexpr std::int64_t kUsageUnknownHostMemoryBytes = std::int64_t{64} << 40;
inline constexpr std::int64_t kUsageMaxIoBytesPerSecond = 100'000'000'000;
inline constexpr std::int64_t kMemShardBytes = std::int64_t{256} << 20;

struct UsageSampleIn {
  std::uint8_t resource = 0;  // wire::UsageResource
  std::int64_t used = 0;
  std::int64_t peak = 0;
  std::int64_t held = 0;
  std::string_view device;
};

struct UsageCheck {
  engine::RejectReason reason = engine::RejectReason::None;
  std::string text;
  [[nodiscard]] bool ok() const noexcept { return reason == engine::RejectReason::None; }
};

// host_memory_bytes: what the host declared (0: nothing declared).
UsageCheck check_usage(std::uint32_t interval_ms, std::span<const UsageSampleIn> samples,
                       std::int64_t host_memory_bytes);

}  // namespace swarmex::gateway
