// A simulated host of H100 80GB GPUs that answers like NVML: the same profiles, placements,
// error codes and instance ids, built on the engine's placement table. For tests and for
// developing the host controller on machines without a GPU.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "swarmex/engine/mig_profiles.hpp"
#include "swarmex/hostctl/mig_backend.hpp"

namespace swarmex::hostctl {

class SimulatedMigBackend final : public MigBackend {
 public:
  // `gpu_count` GPUs, all with MIG mode on or all off.
  explicit SimulatedMigBackend(std::uint32_t gpu_count = 1, bool mig_enabled = true);
  // One GPU per entry; the entry is that GPU's MIG mode.
  explicit SimulatedMigBackend(const std::vector<bool>& mig_enabled);

  MigResult<std::vector<GpuInfo>> gpus() override;
  MigResult<std::vector<MigProfileInfo>> profiles(std::uint32_t gpu) override;
  MigResult<std::vector<MigInstance>> instances(std::uint32_t gpu) override;
  MigResult<MigInstance> create(std::uint32_t gpu, std::string_view profile,
                                std::uint32_t start_slice) override;
  MigResult<void> destroy(std::uint32_t gpu, std::uint32_t gpu_instance_id) override;

  // The next create (or destroy) fails with `code` before touching any state, as a driver
  // error would; one shot each.
  void fail_next_create(int code, std::string text = "injected failure");
  void fail_next_destroy(int code, std::string text = "injected failure");

  // Each successful create takes this long (it sleeps), as creating a GPU instance and its
  // compute instance takes the driver hundreds of milliseconds (docs/hostctl.md, section 4).
  void set_create_delay(std::chrono::milliseconds d) noexcept { create_delay_ = d; }
  // Instances created so far (successful creates).
  [[nodiscard]] std::uint64_t creates() const noexcept { return creates_; }

  // The occupancy of a GPU's memory slices, for tests that compare against a model.
  const engine::MigSliceMap& slice_map(std::uint32_t gpu) const;

  // Memory of one instance of a span of `size_slices` memory slices on an H100 80GB, MiB (as
  // nvidia-smi mig -lgip shows it in GiB: 9.75, 19.62, 39.50, 79.25).
  static std::uint64_t memory_mb(std::uint8_t size_slices) noexcept;

 private:
  struct Gpu {
    GpuInfo info;
    engine::MigSliceMap slices;
    std::vector<MigInstance> instances;  // ordered by gpu_instance_id
  };

  // The GPU at `gpu`, or the error that NVML would give for it.
  MigResult<Gpu*> mig_gpu(std::uint32_t gpu);

  std::vector<Gpu> gpus_;
  std::optional<MigError> fail_create_;
  std::optional<MigError> fail_destroy_;
  std::chrono::milliseconds create_delay_{0};
  std::uint64_t creates_ = 0;
};

}  // namespace swarmex::hostctl
