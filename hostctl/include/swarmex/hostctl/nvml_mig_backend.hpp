// MIG through the NVIDIA driver's NVML library, loaded with dlopen at run time: hosts without a
// GPU need no NVIDIA library and the build needs no NVIDIA headers.
#pragma once

#include <memory>
#include <string>

#include "swarmex/hostctl/mig_backend.hpp"

namespace swarmex::hostctl {

class NvmlMigBackend final : public MigBackend {
 public:
  static constexpr const char* kDefaultLibrary = "libnvidia-ml.so.1";

  // Loads `library`, resolves the NVML functions and initialises NVML. Returns nullptr, with the
  // reason in *why (when why is not null), when the library, a function in it, the driver or a
  // GPU is missing.
  static std::unique_ptr<NvmlMigBackend> open(std::string* why,
                                              const char* library = kDefaultLibrary);

  ~NvmlMigBackend() override;  // nvmlShutdown, then dlclose
  NvmlMigBackend(const NvmlMigBackend&) = delete;
  NvmlMigBackend& operator=(const NvmlMigBackend&) = delete;

  MigResult<std::vector<GpuInfo>> gpus() override;
  MigResult<std::vector<MigProfileInfo>> profiles(std::uint32_t gpu) override;
  MigResult<std::vector<MigInstance>> instances(std::uint32_t gpu) override;
  MigResult<MigInstance> create(std::uint32_t gpu, std::string_view profile,
                                std::uint32_t start_slice) override;
  MigResult<void> destroy(std::uint32_t gpu, std::uint32_t gpu_instance_id) override;

  struct Api;  // the resolved NVML entry points (defined in the source)

 private:
  explicit NvmlMigBackend(std::unique_ptr<Api> api);

  std::unique_ptr<Api> api_;
};

}  // namespace swarmex::hostctl
