// NVML's ABI, declared here field for field as in nvml.h (NVML API version 12) so that the build
// needs no NVIDIA headers, and the table of entry points the MIG backend resolves with dlsym. The
// static_asserts pin the layouts of the structs NVML writes into. Private to hostctl/src.
#pragma once

#include <dlfcn.h>

#include <cstddef>
#include <string>

#include "swarmex/hostctl/nvml_mig_backend.hpp"

namespace swarmex::hostctl {
namespace nvml {

using Return = int;  // nvmlReturn_t: a C enum, int-sized
inline constexpr Return kSuccess = 0;
inline constexpr Return kErrorInvalidArgument = 2;
inline constexpr Return kErrorNotSupported = 3;

struct Device_st;
using Device = Device_st*;  // nvmlDevice_t
struct GpuInstance_st;
using GpuInstance = GpuInstance_st*;  // nvmlGpuInstance_t
struct ComputeInstance_st;
using ComputeInstance = ComputeInstance_st*;  // nvmlComputeInstance_t

inline constexpr unsigned kDeviceMigEnable = 1;       // NVML_DEVICE_MIG_ENABLE
inline constexpr unsigned kGpuProfileCount = 10;      // NVML_GPU_INSTANCE_PROFILE_1_SLICE..REV2
inline constexpr unsigned kGpuProfile1SliceRev1 = 7;  // "+me": media extensions
inline constexpr unsigned kGpuProfile2SliceRev1 = 8;  // "+me"
inline constexpr unsigned kComputeProfileCount = 8;   // NVML_COMPUTE_INSTANCE_PROFILE_COUNT
inline constexpr unsigned kComputeEngineProfileShared = 0;
inline constexpr unsigned kNameBufferSize = 96;  // NVML_DEVICE_NAME_V2_BUFFER_SIZE
inline constexpr unsigned kUuidBufferSize = 96;  // NVML_DEVICE_UUID_V2_BUFFER_SIZE

struct Memory {  // nvmlMemory_t (v1)
  unsigned long long total;
  unsigned long long free;
  unsigned long long used;
};

struct GpuInstancePlacement {  // nvmlGpuInstancePlacement_t
  unsigned int start;
  unsigned int size;
};

struct GpuInstanceProfileInfo {  // nvmlGpuInstanceProfileInfo_t (v1)
  unsigned int id;
  unsigned int isP2pSupported;
  unsigned int sliceCount;
  unsigned int instanceCount;
  unsigned int multiprocessorCount;
  unsigned int copyEngineCount;
  unsigned int decoderCount;
  unsigned int encoderCount;
  unsigned int jpegCount;
  unsigned int ofaCount;
  unsigned long long memorySizeMB;
};

struct GpuInstanceInfo {  // nvmlGpuInstanceInfo_t
  Device device;
  unsigned int id;
  unsigned int profileId;
  GpuInstancePlacement placement;
};

struct ComputeInstancePlacement {  // nvmlComputeInstancePlacement_t
  unsigned int start;
  unsigned int size;
};

struct ComputeInstanceProfileInfo {  // nvmlComputeInstanceProfileInfo_t (v1)
  unsigned int id;
  unsigned int sliceCount;
  unsigned int instanceCount;
  unsigned int multiprocessorCount;
  unsigned int sharedCopyEngineCount;
  unsigned int sharedDecoderCount;
  unsigned int sharedEncoderCount;
  unsigned int sharedJpegCount;
  unsigned int sharedOfaCount;
};

struct ComputeInstanceInfo {  // nvmlComputeInstanceInfo_t
  Device device;
  GpuInstance gpuInstance;
  unsigned int id;
  unsigned int profileId;
  ComputeInstancePlacement placement;
};

static_assert(sizeof(Memory) == 24);
static_assert(sizeof(GpuInstancePlacement) == 8);
static_assert(sizeof(GpuInstanceProfileInfo) == 48 &&
              offsetof(GpuInstanceProfileInfo, memorySizeMB) == 40);
static_assert(sizeof(GpuInstanceInfo) == 24 && offsetof(GpuInstanceInfo, placement) == 16);
static_assert(sizeof(ComputeInstanceProfileInfo) == 36);
static_assert(sizeof(ComputeInstanceInfo) == 32 && offsetof(ComputeInstanceInfo, id) == 16);

}  // namespace nvml

struct NvmlMigBackend::Api {
  void* lib = nullptr;
  bool initialised = false;

  nvml::Return (*Init_v2)() = nullptr;
  nvml::Return (*Shutdown)() = nullptr;
  const char* (*ErrorString)(nvml::Return) = nullptr;
  nvml::Return (*DeviceGetCount_v2)(unsigned*) = nullptr;
  nvml::Return (*DeviceGetHandleByIndex_v2)(unsigned, nvml::Device*) = nullptr;
  nvml::Return (*DeviceGetName)(nvml::Device, char*, unsigned) = nullptr;
  nvml::Return (*DeviceGetUUID)(nvml::Device, char*, unsigned) = nullptr;
  nvml::Return (*DeviceGetMemoryInfo)(nvml::Device, nvml::Memory*) = nullptr;
  nvml::Return (*DeviceGetMigMode)(nvml::Device, unsigned*, unsigned*) = nullptr;
  nvml::Return (*DeviceGetGpuInstanceProfileInfo)(nvml::Device, unsigned,
                                                  nvml::GpuInstanceProfileInfo*) = nullptr;
  nvml::Return (*DeviceGetGpuInstancePossiblePlacements_v2)(nvml::Device, unsigned,
                                                            nvml::GpuInstancePlacement*,
                                                            unsigned*) = nullptr;
  nvml::Return (*DeviceGetGpuInstanceRemainingCapacity)(nvml::Device, unsigned,
                                                        unsigned*) = nullptr;
  nvml::Return (*DeviceGetGpuInstances)(nvml::Device, unsigned, nvml::GpuInstance*,
                                        unsigned*) = nullptr;
  nvml::Return (*GpuInstanceGetInfo)(nvml::GpuInstance, nvml::GpuInstanceInfo*) = nullptr;
  nvml::Return (*DeviceCreateGpuInstanceWithPlacement)(nvml::Device, unsigned,
                                                       const nvml::GpuInstancePlacement*,
                                                       nvml::GpuInstance*) = nullptr;
  nvml::Return (*GpuInstanceGetComputeInstanceProfileInfo)(
      nvml::GpuInstance, unsigned, unsigned, nvml::ComputeInstanceProfileInfo*) = nullptr;
  nvml::Return (*GpuInstanceCreateComputeInstance)(nvml::GpuInstance, unsigned,
                                                   nvml::ComputeInstance*) = nullptr;
  nvml::Return (*GpuInstanceGetComputeInstances)(nvml::GpuInstance, unsigned,
                                                 nvml::ComputeInstance*, unsigned*) = nullptr;
  nvml::Return (*ComputeInstanceDestroy)(nvml::ComputeInstance) = nullptr;
  nvml::Return (*GpuInstanceDestroy)(nvml::GpuInstance) = nullptr;
  // Optional: only used to report compute-instance ids.
  nvml::Return (*ComputeInstanceGetInfo_v2)(nvml::ComputeInstance,
                                            nvml::ComputeInstanceInfo*) = nullptr;

  ~Api() {
    if (initialised) Shutdown();
    if (lib != nullptr) dlclose(lib);
  }
  Api() = default;
  Api(const Api&) = delete;
  Api& operator=(const Api&) = delete;

  std::string error_text(nvml::Return rc) const {
    const char* text = ErrorString != nullptr ? ErrorString(rc) : nullptr;
    return text != nullptr ? text : "NVML error " + std::to_string(rc);
  }
  // `what` failed with rc: the error that the backend reports.
  MigError error(const std::string& what, nvml::Return rc) const {
    return MigError{rc, what + ": " + error_text(rc)};
  }
};

}  // namespace swarmex::hostctl
