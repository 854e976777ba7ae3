#include "swarmex/hostctl/mig_instances.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdexcept>

#include "swarmex/hostctl/nvml_mig_backend.hpp"
#include "swarmex/hostctl/simulated_mig_backend.hpp"

namespace swarmex::hostctl {

MigInstances::MigInstances(std::unique_ptr<MigBackend> backend) : backend_(std::move(backend)) {}

std::optional<std::uint32_t> MigInstances::backend_gpu(std::uint32_t gpu) {
  auto gpus = backend_->gpus();
  if (!gpus.ok()) return std::nullopt;
  std::uint32_t n = 0;
  for (const GpuInfo& g : gpus.value())  // listed by index
    if (g.mig_enabled && n++ == gpu) return g.index;
  return std::nullopt;
}

std::string MigInstances::make_all(Allocation& a) {
  const std::string profile = a.resource.substr(4);
  for (MigInstanceRecord& s : a.mig) {
    if (s.created()) continue;
    const auto gpu = backend_gpu(s.gpu);
    std::string failed;
    if (!gpu) {
      failed = "this host has no GPU " + std::to_string(s.gpu) + " in MIG mode";
    } else if (auto made = backend_->create(*gpu, profile, s.start); made.ok()) {
      s.gpu_instance_id = made->gpu_instance_id;
      ++created_;
      continue;
    } else {
      failed = made.error().text;
    }
    destroy(a);  // all or nothing
    return "MIG " + profile + " at slice " + std::to_string(s.start) + " of GPU " +
           std::to_string(s.gpu) + " is not free: " + failed;
  }
  return "";
}

void MigInstances::create(Allocation& a) {
  if (!backend_) {
    a.why = "this host has no MIG backend";
    return;
  }
  if (std::string failed = make_all(a); !failed.empty()) a.why = std::move(failed);
}

bool MigInstances::prestage(Allocation& a) {
  return backend_ != nullptr && make_all(a).empty();
}

void MigInstances::destroy_one(MigInstanceRecord& s) {
  if (!s.created()) return;
  const auto gpu = backend_ ? backend_gpu(s.gpu) : std::nullopt;
  auto r = gpu ? backend_->destroy(*gpu, s.gpu_instance_id)
               : MigResult<void>(MigError{mig_errc::kNotFound, "no such GPU in MIG mode"});
  if (!r.ok())
    spdlog::error("destroying MIG instance {} on GPU {}: {}", s.gpu_instance_id, s.gpu,
                  r.error().text);
  s.gpu_instance_id = kNoGpuInstance;
}

void MigInstances::destroy(Allocation& a) {
  for (MigInstanceRecord& s : a.mig)
    destroy_one(s);
}

void MigInstances::shrink(Allocation& a) {
  while (a.mig.size() > static_cast<std::size_t>(std::max<std::int64_t>(0, a.qty))) {
    destroy_one(a.mig.back());
    a.mig.pop_back();
  }
}

void MigInstances::forget_missing(Allocation& a) {
  for (MigInstanceRecord& s : a.mig) {
    if (!s.created()) continue;
    const auto gpu = backend_gpu(s.gpu);
    auto inst = gpu ? backend_->instances(*gpu) : MigResult<std::vector<MigInstance>>(MigError{});
    const bool present =
        inst.ok() && std::any_of(inst.value().begin(), inst.value().end(), [&](const auto& i) {
          return i.gpu_instance_id == s.gpu_instance_id && i.placement.start == s.start;
        });
    if (!present) s.gpu_instance_id = kNoGpuInstance;
  }
}

void MigInstances::reconcile(Allocation& a, bool keep_pending) {
  if (!backend_) return;
  if (keep_pending && a.state == AllocationState::Pending) return forget_missing(a);
  if (a.state != AllocationState::Active) return destroy(a);
  forget_missing(a);
  create(a);
}

std::int64_t MigInstances::gpu_count() {
  std::int64_t n = 0;
  if (backend_)
    if (auto gpus = backend_->gpus(); gpus.ok())
      for (const GpuInfo& g : gpus.value())
        n += g.mig_enabled ? 1 : 0;
  return n;
}

std::int64_t MigInstances::free_count(std::string_view resource) {
  std::int64_t free = 0;
  if (!backend_) return 0;
  auto gpus = backend_->gpus();
  if (gpus.ok())
    for (const GpuInfo& g : gpus.value()) {
      if (!g.mig_enabled) continue;
      auto profiles = backend_->profiles(g.index);
      if (profiles.ok())
        for (const MigProfileInfo& p : profiles.value())
          if ("mig." + p.name == resource) free += p.free_count;
    }
  return free;
}

std::unique_ptr<MigBackend> open_mig_backend(const HostConfig& c) {
  if (c.gpu_backend == "simulated") {
    auto sim = std::make_unique<SimulatedMigBackend>(c.simulated_gpus);
    sim->set_create_delay(std::chrono::milliseconds(c.simulated_create_ms));
    return sim;
  }
  if (c.gpu_backend != "nvml") return nullptr;
  std::string why;
  auto nvml = NvmlMigBackend::open(&why);
  if (!nvml) throw std::runtime_error("gpu.backend = nvml: " + why);
  return nvml;
}

}  // namespace swarmex::hostctl
