// Simulated H100 80GB host: state is one MigSliceMap plus an instance list per GPU.
#include "swarmex/hostctl/simulated_mig_backend.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>
#include <utility>

namespace swarmex::hostctl {
namespace {

using engine::kH100Profiles;
using engine::MigProfile;

constexpr std::uint64_t kH100MemoryBytes = 81559ull << 20;  // what NVML reports as total

std::string uuid_for(std::uint32_t index) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "GPU-5157a9e0-0000-4000-8000-%012x", index);
  return buf;
}

std::string legal_starts(const MigProfile& p) {
  std::string out;
  for (std::uint32_t s = 0; s < engine::kMigSlices; ++s) {
    if (((p.start_mask >> s) & 1u) == 0) continue;
    if (!out.empty()) out += ',';
    out += std::to_string(s);
  }
  return out;
}

std::string placement_text(const MigPlacement& p) {
  return std::to_string(p.start) + ":" + std::to_string(p.size);
}

bool overlaps(const MigPlacement& a, const MigPlacement& b) {
  return a.start < b.start + b.size && b.start < a.start + a.size;
}

}  // namespace

SimulatedMigBackend::SimulatedMigBackend(std::uint32_t gpu_count, bool mig_enabled)
    : SimulatedMigBackend(std::vector<bool>(gpu_count, mig_enabled)) {}

SimulatedMigBackend::SimulatedMigBackend(const std::vector<bool>& mig_enabled) {
  gpus_.reserve(mig_enabled.size());
  for (std::uint32_t i = 0; i < mig_enabled.size(); ++i) {
    Gpu g;
    g.info = GpuInfo{i, "NVIDIA H100 80GB HBM3", uuid_for(i), mig_enabled[i], kH100MemoryBytes};
    gpus_.push_back(std::move(g));
  }
}

std::uint64_t SimulatedMigBackend::memory_mb(std::uint8_t size_slices) noexcept {
  switch (size_slices) {
    case 1:
      return 9984;  // 9.75 GiB
    case 2:
      return 20096;  // 19.62 GiB
    case 4:
      return 40448;  // 39.50 GiB
    case 8:
      return 81152;  // 79.25 GiB
    default:
      return 0;
  }
}

MigResult<SimulatedMigBackend::Gpu*> SimulatedMigBackend::mig_gpu(std::uint32_t gpu) {
  if (gpu >= gpus_.size()) {
    return MigError{mig_errc::kInvalidArgument, "GPU " + std::to_string(gpu) + " does not exist (" +
                                                    std::to_string(gpus_.size()) + " GPUs)"};
  }
  Gpu& g = gpus_[gpu];
  if (!g.info.mig_enabled) {
    return MigError{mig_errc::kNotSupported, "GPU " + std::to_string(gpu) +
                                                 " is not in MIG mode (Swarmex never changes it)"};
  }
  return &g;
}

MigResult<std::vector<GpuInfo>> SimulatedMigBackend::gpus() {
  std::vector<GpuInfo> out;
  out.reserve(gpus_.size());
  for (const Gpu& g : gpus_)
    out.push_back(g.info);
  return out;
}

MigResult<std::vector<MigProfileInfo>> SimulatedMigBackend::profiles(std::uint32_t gpu) {
  auto g = mig_gpu(gpu);
  if (!g) return g.error();
  std::vector<MigProfileInfo> out;
  out.reserve(kH100Profiles.size());
  for (const MigProfile& p : kH100Profiles) {
    MigProfileInfo info;
    info.name = std::string(p.name);
    info.profile_id = p.profile_id;
    info.instance_count = p.max_count;
    info.free_count = g.value()->slices.remaining(p);
    info.memory_mb = memory_mb(p.size_slices);
    for (std::uint32_t s = 0; s < engine::kMigSlices; ++s) {
      if ((p.start_mask >> s) & 1u) info.placements.push_back({s, p.size_slices});
    }
    out.push_back(std::move(info));
  }
  return out;
}

MigResult<std::vector<MigInstance>> SimulatedMigBackend::instances(std::uint32_t gpu) {
  auto g = mig_gpu(gpu);
  if (!g) return g.error();
  return g.value()->instances;
}

MigResult<MigInstance> SimulatedMigBackend::create(std::uint32_t gpu, std::string_view profile,
                                                   std::uint32_t start_slice) {
  if (fail_create_) return *std::exchange(fail_create_, std::nullopt);
  auto found = mig_gpu(gpu);
  if (!found) return found.error();
  Gpu& g = *found.value();

  const MigProfile* p = engine::find_mig_profile(profile);
  if (p == nullptr) {
    return MigError{mig_errc::kInvalidArgument,
                    "unknown MIG profile '" + std::string(profile) + "' on an H100 80GB"};
  }
  const std::string name(p->name);
  if (start_slice >= engine::kMigSlices || ((p->start_mask >> start_slice) & 1u) == 0) {
    return MigError{mig_errc::kInvalidArgument, "start slice " + std::to_string(start_slice) +
                                                    " is not a placement of " + name +
                                                    " (legal starts: " + legal_starts(*p) + ")"};
  }
  const MigPlacement want{start_slice, p->size_slices};
  for (const MigInstance& other : g.instances) {
    if (overlaps(want, other.placement)) {
      return MigError{mig_errc::kInsufficientResources,
                      name + " at " + placement_text(want) + " overlaps GPU instance " +
                          std::to_string(other.gpu_instance_id) + " (" + other.profile + " at " +
                          placement_text(other.placement) + ")"};
    }
  }
  if (g.slices.count(*p) >= p->max_count) {
    return MigError{mig_errc::kInsufficientResources,
                    name + " already has its maximum of " + std::to_string(p->max_count) +
                        " instance(s) on GPU " + std::to_string(gpu)};
  }
  if (!g.slices.place(*p, static_cast<std::uint8_t>(start_slice))) {
    // Unreachable when the instance list and the slice map agree; reported, not asserted.
    return MigError{mig_errc::kUnknown, "slice map refused " + name + " at " +
                                            placement_text(want) + " (simulator inconsistency)"};
  }

  // Ids are small integers; the lowest one not in use is taken, so freed ids come back first.
  std::uint32_t id = 1;
  for (const MigInstance& other : g.instances) {  // ordered by id
    if (other.gpu_instance_id != id) break;
    ++id;
  }
  MigInstance inst{gpu, id, 0, name, want};  // the default compute instance is id 0
  const auto at =
      std::lower_bound(g.instances.begin(), g.instances.end(), id,
                       [](const MigInstance& a, std::uint32_t v) { return a.gpu_instance_id < v; });
  g.instances.insert(at, inst);
  ++creates_;
  if (create_delay_.count() > 0) std::this_thread::sleep_for(create_delay_);
  return inst;
}

MigResult<void> SimulatedMigBackend::destroy(std::uint32_t gpu, std::uint32_t gpu_instance_id) {
  if (fail_destroy_) return *std::exchange(fail_destroy_, std::nullopt);
  auto found = mig_gpu(gpu);
  if (!found) return found.error();
  Gpu& g = *found.value();
  const auto it = std::find_if(g.instances.begin(), g.instances.end(), [&](const MigInstance& i) {
    return i.gpu_instance_id == gpu_instance_id;
  });
  if (it == g.instances.end()) {
    return MigError{mig_errc::kNotFound, "GPU " + std::to_string(gpu) + " has no GPU instance " +
                                             std::to_string(gpu_instance_id)};
  }
  const MigProfile* p = engine::find_mig_profile(it->profile);
  if (p == nullptr || !g.slices.release(*p, static_cast<std::uint8_t>(it->placement.start))) {
    return MigError{mig_errc::kUnknown, "slice map has no " + it->profile + " at " +
                                            placement_text(it->placement) +
                                            " (simulator inconsistency)"};
  }
  g.instances.erase(it);
  return {};
}

void SimulatedMigBackend::fail_next_create(int code, std::string text) {
  fail_create_ = MigError{code, std::move(text)};
}

void SimulatedMigBackend::fail_next_destroy(int code, std::string text) {
  fail_destroy_ = MigError{code, std::move(text)};
}

const engine::MigSliceMap& SimulatedMigBackend::slice_map(std::uint32_t gpu) const {
  return gpus_.at(gpu).slices;
}

}  // namespace swarmex::hostctl
