// What this host can sell: CPUs (honouring the controller's own cpuset), memory, IO bandwidth per
// block device. Discovered from the kernel, overridden by the configuration.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "swarmex/hostctl/host_config.hpp"

namespace swarmex::hostctl {

// A VRU is a tenth of a cpu: pinned allocations hold whole cpus of this many VRUs.
inline constexpr std::int64_t kVrusPerCpu = 10;

struct HostCapacity {
  std::vector<int> cpus;                   // cpu ids sold
  std::int64_t vrus = 0;                   // kVrusPerCpu per cpu unless configured
  std::int64_t mem_shards = 0;             // (MemTotal - reserve) / 256 MiB unless configured
  std::vector<IoCapacity> io;              // bandwidth units per device, as configured
  std::vector<std::string> block_devices;  // "major:minor name" seen in /sys/block (for the log)
};

// Throws std::runtime_error when the configured cpu list is malformed or names a cpu this
// process may not run on.
HostCapacity discover_capacity(const HostConfig& config);

// "0-3,6" <-> {0,1,2,3,6}; parse throws std::invalid_argument on malformed text.
std::vector<int> parse_cpu_list(std::string_view text);
std::string format_cpu_list(const std::vector<int>& cpus);

// The capacity of one resource ("cpu", "mem", "io" with its device); 0 for what the host lacks.
std::int64_t capacity_of(const HostCapacity& cap, std::string_view resource,
                         std::string_view device);

}  // namespace swarmex::hostctl
