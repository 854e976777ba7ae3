// describe(): formats what a MigBackend reports; never creates or destroys anything.
#include "swarmex/hostctl/mig_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

namespace swarmex::hostctl {
namespace {

// One character per memory slice: '.' free, otherwise the GPU-instance id of its holder (ids
// above 9 as letters), e.g. "1111..22".
std::string slice_map(const std::vector<MigInstance>& instances) {
  std::uint32_t slices = 8;
  for (const MigInstance& m : instances)
    slices = std::max(slices, m.placement.start + m.placement.size);
  std::string map(slices, '.');
  for (const MigInstance& m : instances) {
    const std::uint32_t id = m.gpu_instance_id;
    const char c = id < 10   ? static_cast<char>('0' + id)
                   : id < 36 ? static_cast<char>('a' + (id - 10))
                             : '#';
    for (std::uint32_t s = m.placement.start; s < m.placement.start + m.placement.size; ++s) {
      map[s] = c;
    }
  }
  return map;
}

void describe_gpu(MigBackend& backend, const GpuInfo& g, std::string& out) {
  auto it = std::back_inserter(out);
  fmt::format_to(it, "GPU {}: {} ({}), {} MiB, MIG mode {}\n", g.index, g.name, g.uuid,
                 g.memory_bytes >> 20, g.mig_enabled ? "enabled" : "disabled");
  if (!g.mig_enabled) return;

  auto profiles = backend.profiles(g.index);
  if (!profiles) {
    fmt::format_to(it, "  profiles: error {}: {}\n", profiles.error().code, profiles.error().text);
  } else {
    fmt::format_to(it, "  {:<12} {:>3} {:>9} {:>10}  {}\n", "profile", "id", "free/max",
                   "memory MiB", "placements (start:size)");
    for (const MigProfileInfo& p : profiles.value()) {
      std::string placements;
      for (const MigPlacement& pl : p.placements) {
        placements += fmt::format("{}{}:{}", placements.empty() ? "" : " ", pl.start, pl.size);
      }
      fmt::format_to(it, "  {:<12} {:>3} {:>9} {:>10}  {}\n", p.name, p.profile_id,
                     fmt::format("{}/{}", p.free_count, p.instance_count), p.memory_mb, placements);
    }
  }

  auto instances = backend.instances(g.index);
  if (!instances) {
    fmt::format_to(it, "  instances: error {}: {}\n", instances.error().code,
                   instances.error().text);
    return;
  }
  if (instances.value().empty()) {
    fmt::format_to(it, "  instances: none\n");
    return;
  }
  fmt::format_to(it, "  instances (slices {}):\n", slice_map(instances.value()));
  for (const MigInstance& m : instances.value()) {
    const std::string ci = m.compute_instance_id == kNoComputeInstance
                               ? std::string("none")
                               : std::to_string(m.compute_instance_id);
    fmt::format_to(it, "    GI {:>2}  CI {:>4}  {:<12} at {}:{}\n", m.gpu_instance_id, ci,
                   m.profile, m.placement.start, m.placement.size);
  }
}

}  // namespace

std::string describe(MigBackend& backend) {
  std::string out;
  auto gpus = backend.gpus();
  if (!gpus) {
    return fmt::format("GPUs: error {}: {}\n", gpus.error().code, gpus.error().text);
  }
  if (gpus.value().empty()) return "no GPUs\n";
  for (const GpuInfo& g : gpus.value())
    describe_gpu(backend, g, out);
  return out;
}

}  // namespace swarmex::hostctl
