// The MIG instances allocations hold, made exactly where the exchange placed them. The engine's
// GPU group is the one place a placement is decided (Fill.gpu, Fill.start_slice); this creates
// each instance at that GPU and start slice and, when the slice is not free, fails with the
// reason instead of placing it anywhere else. GPU n of the exchange is the n-th GPU in MIG mode
// here, by index: the GPU group's capacity is how many there are (declare_supply).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "swarmex/hostctl/allocation.hpp"
#include "swarmex/hostctl/host_config.hpp"
#include "swarmex/hostctl/mig_backend.hpp"

namespace swarmex::hostctl {

class MigInstances {
 public:
  // `backend` null: a host without MIG (every mig allocation is refused with the reason).
  explicit MigInstances(std::unique_ptr<MigBackend> backend);

  // Creates every instance of `a` not created yet, at its placement. All or nothing: on a
  // failure what it made is destroyed again and a.why says which placement and why.
  void create(Allocation& a);
  // Pre-staging: creates the instances of a Pending `a` ahead of its window. All or nothing, but
  // a failure (the slice still in use by an earlier lease) leaves a.why alone: the start tries
  // again. True when every instance exists.
  bool prestage(Allocation& a);
  // Destroys the instances of `a` that exist; the placements stay (a restart may recreate them).
  void destroy(Allocation& a);
  // Destroys and drops the instances beyond a.qty (what a resale moved to the buyer).
  void shrink(Allocation& a);
  // Start-up: an Active allocation's instances that no longer exist (a reboot) are made again
  // at their placements; a Pending one's are kept when `keep_pending` (pre-staged: those gone
  // are forgotten, the staging pass makes them again); anything else's are destroyed.
  void reconcile(Allocation& a, bool keep_pending = false);
  // Instances this has created since it started (successful backend creates).
  [[nodiscard]] std::uint64_t created() const noexcept { return created_; }

  [[nodiscard]] bool available() const noexcept { return backend_ != nullptr; }
  // GPUs in MIG mode: the capacity of this host's GPU group.
  [[nodiscard]] std::int64_t gpu_count();
  // How many more instances of `resource` ("mig.<profile>") could be created now.
  [[nodiscard]] std::int64_t free_count(std::string_view resource);

 private:
  // The backend's index of the exchange's GPU `gpu`, or nullopt when there is no such GPU.
  std::optional<std::uint32_t> backend_gpu(std::uint32_t gpu);
  void destroy_one(MigInstanceRecord& s);
  // Marks the records of `a` whose instances are gone (a reboot) as not created.
  void forget_missing(Allocation& a);
  // Creates what is missing; on a failure destroys them all and returns the reason ("" when
  // every instance exists).
  std::string make_all(Allocation& a);

  std::unique_ptr<MigBackend> backend_;
  std::uint64_t created_ = 0;
};

// The configured backend: "simulated" (simulated_gpus H100s), "nvml", or none; throws when NVML
// cannot be opened.
std::unique_ptr<MigBackend> open_mig_backend(const HostConfig& c);

}  // namespace swarmex::hostctl
