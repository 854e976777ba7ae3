// An allocation: what one fill gave one tenant on this host, over its lease window.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

namespace swarmex::hostctl {

// Identifies a fill whatever stream number it was delivered under: the engine sequence of the
// command that matched it, in the instrument's partition, and the two orders.
struct FillKey {
  std::uint32_t instrument = 0;
  std::uint64_t engine_seq = 0;
  std::uint64_t buy_order_id = 0;
  std::uint64_t sell_order_id = 0;
  // A MIG fill is one instance and one match may sell several: 1 + the exchange's GPU x 8 + the
  // start slice tells them apart; 0 for every other fill.
  std::uint32_t instance = 0;
  auto operator<=>(const FillKey&) const = default;
};

// gpu_instance_id of a MIG instance not created (yet, or any more).
inline constexpr std::uint32_t kNoGpuInstance = 0xFFFF'FFFFu;

// One MIG instance of an allocation, where the exchange placed it: `gpu` is the exchange's GPU
// index (the n-th GPU in MIG mode here) and `start` the first memory slice, both from the fill;
// gpu_instance_id is the instance's once created.
struct MigInstanceRecord {
  std::uint32_t gpu = 0;
  std::uint32_t gpu_instance_id = kNoGpuInstance;
  std::uint32_t start = 0;
  [[nodiscard]] bool created() const noexcept { return gpu_instance_id != kNoGpuInstance; }
  bool operator==(const MigInstanceRecord&) const = default;
};

enum class AllocationState : std::uint8_t {
  Pending,  // window not started yet
  Active,   // enforced (or being enforced) now
  Ended,    // window over, reclaimed
  Refused,  // never enforced (over capacity, bad tenant, expired before it could start)
};

struct Allocation {
  std::uint64_t stream_seq = 0;
  FillKey key;
  std::string tenant;  // cgroup name
  std::uint32_t tenant_id = 0;
  std::string resource;  // cpu | mem | io | mig.<profile>
  std::string device;    // io: "major:minor"
  std::int64_t qty = 0;
  std::int64_t price = 0;
  std::int64_t start_ns = 0;  // wall clock (the exchange's), [start_ns, end_ns)
  std::int64_t end_ns = 0;
  bool pinned = false;
  AllocationState state = AllocationState::Pending;
  std::string why;        // Refused: the reason
  std::vector<int> cpus;  // pinned cpu allocations: the cpus it holds
  std::vector<MigInstanceRecord>
      mig;  // mig allocations: one per instance, as the fills placed them
};

const char* to_string(AllocationState s) noexcept;

}  // namespace swarmex::hostctl
