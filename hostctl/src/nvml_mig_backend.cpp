// NVML MIG backend: profiles, placements and instances through the driver's NVML library,
// resolved at run time (see nvml_api.hpp for the declared ABI).
#include "swarmex/hostctl/nvml_mig_backend.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstddef>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "nvml_api.hpp"

namespace swarmex::hostctl {
namespace {

using Api = NvmlMigBackend::Api;

template <class Fn>
bool resolve(void* lib, const char* symbol, Fn& fn, std::string& missing) {
  fn = reinterpret_cast<Fn>(dlsym(lib, symbol));
  if (fn == nullptr) missing += missing.empty() ? symbol : std::string(", ") + symbol;
  return fn != nullptr;
}

// One GPU-instance profile of a device, with the name Swarmex trades it under.
struct Profile {
  unsigned index = 0;  // NVML_GPU_INSTANCE_PROFILE_*
  nvml::GpuInstanceProfileInfo info{};
  std::string name;
  std::vector<nvml::GpuInstancePlacement> placements;
};

// "<compute slices>g.<memory GB, rounded up>gb", plus "+me" for the media-extension revisions:
// 9.75 GiB gives 1g.10gb, 39.50 GiB gives 3g.40gb, as nvidia-smi names them.
std::string profile_name(unsigned index, const nvml::GpuInstanceProfileInfo& info) {
  std::string name = std::to_string(info.sliceCount) + "g." +
                     std::to_string((info.memorySizeMB + 1023) / 1024) + "gb";
  if (index == nvml::kGpuProfile1SliceRev1 || index == nvml::kGpuProfile2SliceRev1) name += "+me";
  return name;
}

std::string_view strip_resource_prefix(std::string_view name) {
  if (name.starts_with("mig.")) name.remove_prefix(4);
  return name;
}

// The device at `gpu`, if it is in MIG mode.
MigResult<nvml::Device> mig_device(const Api& api, std::uint32_t gpu) {
  nvml::Device dev = nullptr;
  if (auto rc = api.DeviceGetHandleByIndex_v2(gpu, &dev); rc != nvml::kSuccess) {
    return api.error("nvmlDeviceGetHandleByIndex_v2(" + std::to_string(gpu) + ")", rc);
  }
  unsigned current = 0, pending = 0;
  const auto rc = api.DeviceGetMigMode(dev, &current, &pending);
  if (rc != nvml::kSuccess && rc != nvml::kErrorNotSupported) {
    return api.error("nvmlDeviceGetMigMode", rc);
  }
  if (rc == nvml::kErrorNotSupported || current != nvml::kDeviceMigEnable) {
    return MigError{mig_errc::kNotSupported, "GPU " + std::to_string(gpu) +
                                                 " is not in MIG mode (Swarmex never changes it)"};
  }
  return dev;
}

MigResult<std::vector<Profile>> device_profiles(const Api& api, nvml::Device dev) {
  std::vector<Profile> out;
  for (unsigned index = 0; index < nvml::kGpuProfileCount; ++index) {
    Profile p;
    p.index = index;
    const auto rc = api.DeviceGetGpuInstanceProfileInfo(dev, index, &p.info);
    // Profiles this GPU (or this driver) lacks are skipped, not errors.
    if (rc == nvml::kErrorNotSupported || rc == nvml::kErrorInvalidArgument) continue;
    if (rc != nvml::kSuccess) return api.error("nvmlDeviceGetGpuInstanceProfileInfo", rc);
    p.name = profile_name(index, p.info);
    unsigned count = 0;
    auto prc = api.DeviceGetGpuInstancePossiblePlacements_v2(dev, p.info.id, nullptr, &count);
    if (prc == nvml::kSuccess && count > 0) {
      p.placements.resize(count);
      prc = api.DeviceGetGpuInstancePossiblePlacements_v2(dev, p.info.id, p.placements.data(),
                                                          &count);
      p.placements.resize(std::min<std::size_t>(count, p.placements.size()));
    }
    if (prc != nvml::kSuccess) {
      return api.error("nvmlDeviceGetGpuInstancePossiblePlacements_v2(" + p.name + ")", prc);
    }
    out.push_back(std::move(p));
  }
  return out;
}

MigResult<std::vector<nvml::GpuInstance>> gpu_instances(const Api& api, nvml::Device dev,
                                                        const Profile& p) {
  std::vector<nvml::GpuInstance> out(p.info.instanceCount);
  unsigned count = p.info.instanceCount;
  if (count == 0) return out;
  if (auto rc = api.DeviceGetGpuInstances(dev, p.info.id, out.data(), &count);
      rc != nvml::kSuccess) {
    return api.error("nvmlDeviceGetGpuInstances(" + p.name + ")", rc);
  }
  out.resize(std::min<std::size_t>(count, out.size()));
  return out;
}

// Every compute instance of a GPU instance, over all compute-instance profiles.
MigResult<std::vector<nvml::ComputeInstance>> compute_instances(const Api& api,
                                                                nvml::GpuInstance gi) {
  std::vector<nvml::ComputeInstance> out;
  std::set<unsigned> seen_profiles;  // two profile indices may name the same profile id
  for (unsigned index = 0; index < nvml::kComputeProfileCount; ++index) {
    nvml::ComputeInstanceProfileInfo info{};
    const auto rc = api.GpuInstanceGetComputeInstanceProfileInfo(
        gi, index, nvml::kComputeEngineProfileShared, &info);
    if (rc != nvml::kSuccess || info.instanceCount == 0) continue;
    if (!seen_profiles.insert(info.id).second) continue;
    std::vector<nvml::ComputeInstance> buf(info.instanceCount);
    unsigned count = info.instanceCount;
    if (auto grc = api.GpuInstanceGetComputeInstances(gi, info.id, buf.data(), &count);
        grc != nvml::kSuccess) {
      return api.error("nvmlGpuInstanceGetComputeInstances", grc);
    }
    out.insert(out.end(), buf.begin(), buf.begin() + std::min<std::size_t>(count, buf.size()));
  }
  return out;
}

std::uint32_t compute_instance_id(const Api& api, nvml::ComputeInstance ci) {
  if (api.ComputeInstanceGetInfo_v2 == nullptr) return 0;  // the first CI of a GI is id 0
  nvml::ComputeInstanceInfo info{};
  return api.ComputeInstanceGetInfo_v2(ci, &info) == nvml::kSuccess ? info.id : 0;
}

MigInstance describe_instance(const Api& api, std::uint32_t gpu, const std::string& profile,
                              const nvml::GpuInstanceInfo& info, nvml::GpuInstance gi) {
  MigInstance m{gpu, info.id, kNoComputeInstance, profile,
                MigPlacement{info.placement.start, info.placement.size}};
  if (auto cis = compute_instances(api, gi); cis.ok() && !cis.value().empty()) {
    m.compute_instance_id = compute_instance_id(api, cis.value().front());
  }
  return m;
}

}  // namespace

std::unique_ptr<NvmlMigBackend> NvmlMigBackend::open(std::string* why, const char* library) {
  auto fail = [why](std::string reason) {
    if (why != nullptr) *why = std::move(reason);
    return std::unique_ptr<NvmlMigBackend>{};
  };
  dlerror();
  auto api = std::make_unique<Api>();
  api->lib = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (api->lib == nullptr) {
    const char* err = dlerror();
    return fail(std::string("cannot load ") + library +
                " (no NVIDIA driver?): " + (err != nullptr ? err : "unknown dlopen error"));
  }
  std::string missing;
  void* lib = api->lib;
  resolve(lib, "nvmlInit_v2", api->Init_v2, missing);
  resolve(lib, "nvmlShutdown", api->Shutdown, missing);
  resolve(lib, "nvmlErrorString", api->ErrorString, missing);
  resolve(lib, "nvmlDeviceGetCount_v2", api->DeviceGetCount_v2, missing);
  resolve(lib, "nvmlDeviceGetHandleByIndex_v2", api->DeviceGetHandleByIndex_v2, missing);
  resolve(lib, "nvmlDeviceGetName", api->DeviceGetName, missing);
  resolve(lib, "nvmlDeviceGetUUID", api->DeviceGetUUID, missing);
  resolve(lib, "nvmlDeviceGetMemoryInfo", api->DeviceGetMemoryInfo, missing);
  resolve(lib, "nvmlDeviceGetMigMode", api->DeviceGetMigMode, missing);
  resolve(lib, "nvmlDeviceGetGpuInstanceProfileInfo", api->DeviceGetGpuInstanceProfileInfo,
          missing);
  resolve(lib, "nvmlDeviceGetGpuInstancePossiblePlacements_v2",
          api->DeviceGetGpuInstancePossiblePlacements_v2, missing);
  resolve(lib, "nvmlDeviceGetGpuInstanceRemainingCapacity",
          api->DeviceGetGpuInstanceRemainingCapacity, missing);
  resolve(lib, "nvmlDeviceGetGpuInstances", api->DeviceGetGpuInstances, missing);
  resolve(lib, "nvmlGpuInstanceGetInfo", api->GpuInstanceGetInfo, missing);
  resolve(lib, "nvmlDeviceCreateGpuInstanceWithPlacement",
          api->DeviceCreateGpuInstanceWithPlacement, missing);
  resolve(lib, "nvmlGpuInstanceGetComputeInstanceProfileInfo",
          api->GpuInstanceGetComputeInstanceProfileInfo, missing);
  resolve(lib, "nvmlGpuInstanceCreateComputeInstance", api->GpuInstanceCreateComputeInstance,
          missing);
  resolve(lib, "nvmlGpuInstanceGetComputeInstances", api->GpuInstanceGetComputeInstances, missing);
  resolve(lib, "nvmlComputeInstanceDestroy", api->ComputeInstanceDestroy, missing);
  resolve(lib, "nvmlGpuInstanceDestroy", api->GpuInstanceDestroy, missing);
  if (!missing.empty()) {
    return fail(std::string(library) +
                " lacks NVML functions (driver too old for MIG?): " + missing);
  }
  std::string unused;
  resolve(lib, "nvmlComputeInstanceGetInfo_v2", api->ComputeInstanceGetInfo_v2, unused);

  if (auto rc = api->Init_v2(); rc != nvml::kSuccess) {
    return fail(api->error("nvmlInit_v2", rc).text);
  }
  api->initialised = true;
  unsigned count = 0;
  if (auto rc = api->DeviceGetCount_v2(&count); rc != nvml::kSuccess) {
    return fail(api->error("nvmlDeviceGetCount_v2", rc).text);
  }
  if (count == 0) return fail("NVML is loaded but reports no NVIDIA GPU");
  return std::unique_ptr<NvmlMigBackend>(new NvmlMigBackend(std::move(api)));
}

NvmlMigBackend::NvmlMigBackend(std::unique_ptr<Api> api) : api_(std::move(api)) {}

NvmlMigBackend::~NvmlMigBackend() = default;

MigResult<std::vector<GpuInfo>> NvmlMigBackend::gpus() {
  const Api& api = *api_;
  unsigned count = 0;
  if (auto rc = api.DeviceGetCount_v2(&count); rc != nvml::kSuccess) {
    return api.error("nvmlDeviceGetCount_v2", rc);
  }
  std::vector<GpuInfo> out;
  for (unsigned i = 0; i < count; ++i) {
    nvml::Device dev = nullptr;
    if (auto rc = api.DeviceGetHandleByIndex_v2(i, &dev); rc != nvml::kSuccess) {
      return api.error("nvmlDeviceGetHandleByIndex_v2(" + std::to_string(i) + ")", rc);
    }
    GpuInfo g;
    g.index = i;
    char name[nvml::kNameBufferSize] = {};
    if (api.DeviceGetName(dev, name, sizeof name) == nvml::kSuccess) g.name = name;
    char uuid[nvml::kUuidBufferSize] = {};
    if (api.DeviceGetUUID(dev, uuid, sizeof uuid) == nvml::kSuccess) g.uuid = uuid;
    nvml::Memory mem{};
    if (api.DeviceGetMemoryInfo(dev, &mem) == nvml::kSuccess) g.memory_bytes = mem.total;
    unsigned current = 0, pending = 0;
    g.mig_enabled = api.DeviceGetMigMode(dev, &current, &pending) == nvml::kSuccess &&
                    current == nvml::kDeviceMigEnable;
    out.push_back(std::move(g));
  }
  return out;
}

MigResult<std::vector<MigProfileInfo>> NvmlMigBackend::profiles(std::uint32_t gpu) {
  const Api& api = *api_;
  auto dev = mig_device(api, gpu);
  if (!dev) return dev.error();
  auto profiles = device_profiles(api, dev.value());
  if (!profiles) return profiles.error();
  std::vector<MigProfileInfo> out;
  for (const Profile& p : profiles.value()) {
    MigProfileInfo info;
    info.name = p.name;
    info.profile_id = p.info.id;
    info.instance_count = p.info.instanceCount;
    info.memory_mb = p.info.memorySizeMB;
    if (auto rc =
            api.DeviceGetGpuInstanceRemainingCapacity(dev.value(), p.info.id, &info.free_count);
        rc != nvml::kSuccess) {
      return api.error("nvmlDeviceGetGpuInstanceRemainingCapacity(" + p.name + ")", rc);
    }
    for (const auto& pl : p.placements)
      info.placements.push_back({pl.start, pl.size});
    out.push_back(std::move(info));
  }
  // nvidia-smi's order (and the engine table's): by size, then memory, then name.
  std::stable_sort(out.begin(), out.end(), [](const MigProfileInfo& a, const MigProfileInfo& b) {
    const auto key = [](const MigProfileInfo& p) {
      return std::tuple(p.placements.empty() ? 0u : p.placements.front().size, p.memory_mb);
    };
    return key(a) != key(b) ? key(a) < key(b) : a.name < b.name;
  });
  return out;
}

MigResult<std::vector<MigInstance>> NvmlMigBackend::instances(std::uint32_t gpu) {
  const Api& api = *api_;
  auto dev = mig_device(api, gpu);
  if (!dev) return dev.error();
  auto profiles = device_profiles(api, dev.value());
  if (!profiles) return profiles.error();
  std::vector<MigInstance> out;
  for (const Profile& p : profiles.value()) {
    auto gis = gpu_instances(api, dev.value(), p);
    if (!gis) return gis.error();
    for (nvml::GpuInstance gi : gis.value()) {
      nvml::GpuInstanceInfo info{};
      if (auto rc = api.GpuInstanceGetInfo(gi, &info); rc != nvml::kSuccess) {
        return api.error("nvmlGpuInstanceGetInfo", rc);
      }
      out.push_back(describe_instance(api, gpu, p.name, info, gi));
    }
  }
  std::sort(out.begin(), out.end(), [](const MigInstance& a, const MigInstance& b) {
    return a.gpu_instance_id < b.gpu_instance_id;
  });
  return out;
}

MigResult<MigInstance> NvmlMigBackend::create(std::uint32_t gpu, std::string_view profile,
                                              std::uint32_t start_slice) {
  const Api& api = *api_;
  auto dev = mig_device(api, gpu);
  if (!dev) return dev.error();
  auto profiles = device_profiles(api, dev.value());
  if (!profiles) return profiles.error();
  const std::string_view want = strip_resource_prefix(profile);
  const auto p = std::find_if(profiles.value().begin(), profiles.value().end(),
                              [&](const Profile& x) { return x.name == want; });
  if (p == profiles.value().end()) {
    std::string known;
    for (const Profile& x : profiles.value())
      known += (known.empty() ? "" : ", ") + x.name;
    return MigError{mig_errc::kInvalidArgument, "GPU " + std::to_string(gpu) +
                                                    " has no MIG profile '" + std::string(want) +
                                                    "' (it has: " + known + ")"};
  }
  const auto pl = std::find_if(p->placements.begin(), p->placements.end(),
                               [&](const auto& x) { return x.start == start_slice; });
  if (pl == p->placements.end()) {
    std::string legal;
    for (const auto& x : p->placements)
      legal += (legal.empty() ? "" : ",") + std::to_string(x.start);
    return MigError{mig_errc::kInvalidArgument, "start slice " + std::to_string(start_slice) +
                                                    " is not a placement of " + p->name +
                                                    " (legal starts: " + legal + ")"};
  }
  const std::string where = p->name + " at " + std::to_string(pl->start) + ":" +
                            std::to_string(pl->size) + " on GPU " + std::to_string(gpu);

  nvml::GpuInstance gi = nullptr;
  if (auto rc = api.DeviceCreateGpuInstanceWithPlacement(dev.value(), p->info.id, &*pl, &gi);
      rc != nvml::kSuccess) {
    return api.error("nvmlDeviceCreateGpuInstanceWithPlacement(" + where + ")", rc);
  }
  // Undo the GPU instance when its compute instance cannot be made: a GI without a CI is unusable
  // and would hold the slices.
  auto roll_back = [&](MigError e) {
    if (auto rc = api.GpuInstanceDestroy(gi); rc != nvml::kSuccess) {
      e.text += "; rolling back the GPU instance failed too: " + api.error_text(rc);
    }
    return e;
  };
  // The default compute instance spans the whole GPU instance: same slice count.
  std::optional<nvml::ComputeInstanceProfileInfo> ci_profile;
  for (unsigned index = 0; index < nvml::kComputeProfileCount && !ci_profile; ++index) {
    nvml::ComputeInstanceProfileInfo info{};
    if (api.GpuInstanceGetComputeInstanceProfileInfo(gi, index, nvml::kComputeEngineProfileShared,
                                                     &info) == nvml::kSuccess &&
        info.sliceCount == p->info.sliceCount) {
      ci_profile = info;
    }
  }
  if (!ci_profile) {
    return roll_back(
        MigError{mig_errc::kNotSupported, "no full-size compute-instance profile for " + where});
  }
  nvml::ComputeInstance ci = nullptr;
  if (auto rc = api.GpuInstanceCreateComputeInstance(gi, ci_profile->id, &ci);
      rc != nvml::kSuccess) {
    return roll_back(api.error("nvmlGpuInstanceCreateComputeInstance(" + where + ")", rc));
  }
  nvml::GpuInstanceInfo info{};
  if (auto rc = api.GpuInstanceGetInfo(gi, &info); rc != nvml::kSuccess) {
    // Without its id the instance could never be destroyed again: undo it all.
    api.ComputeInstanceDestroy(ci);
    return roll_back(api.error("nvmlGpuInstanceGetInfo(" + where + ")", rc));
  }
  return MigInstance{gpu, info.id, compute_instance_id(api, ci), p->name,
                     MigPlacement{info.placement.start, info.placement.size}};
}

MigResult<void> NvmlMigBackend::destroy(std::uint32_t gpu, std::uint32_t gpu_instance_id) {
  const Api& api = *api_;
  auto dev = mig_device(api, gpu);
  if (!dev) return dev.error();
  auto profiles = device_profiles(api, dev.value());
  if (!profiles) return profiles.error();
  nvml::GpuInstance target = nullptr;
  for (const Profile& p : profiles.value()) {
    auto gis = gpu_instances(api, dev.value(), p);
    if (!gis) return gis.error();
    for (nvml::GpuInstance gi : gis.value()) {
      nvml::GpuInstanceInfo info{};
      if (api.GpuInstanceGetInfo(gi, &info) == nvml::kSuccess && info.id == gpu_instance_id) {
        target = gi;
      }
    }
  }
  const std::string what =
      "GPU instance " + std::to_string(gpu_instance_id) + " on GPU " + std::to_string(gpu);
  if (target == nullptr) return MigError{mig_errc::kNotFound, "no " + what};
  auto cis = compute_instances(api, target);
  if (!cis) return cis.error();
  for (nvml::ComputeInstance ci : cis.value()) {
    if (auto rc = api.ComputeInstanceDestroy(ci); rc != nvml::kSuccess) {
      return api.error("nvmlComputeInstanceDestroy(" + what + ")", rc);
    }
  }
  if (auto rc = api.GpuInstanceDestroy(target); rc != nvml::kSuccess) {
    return api.error("nvmlGpuInstanceDestroy(" + what + ")", rc);
  }
  return {};
}

}  // namespace swarmex::hostctl
