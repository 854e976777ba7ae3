// The host controller's view of NVIDIA MIG: list GPUs, their GPU-instance profiles and instances,
// create an instance at a given placement and destroy it. Two implementations: NVML (the real
// driver, loaded at run time) and a simulated H100 for tests. MIG mode itself is never changed by
// Swarmex, so there is no method for it.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace swarmex::hostctl {

// Error codes are NVML's nvmlReturn_t values, so both backends report the same numbers and a
// test can inject exactly what the driver would return.
namespace mig_errc {
inline constexpr int kInvalidArgument = 2;
inline constexpr int kNotSupported = 3;  // e.g. the GPU is not in MIG mode
inline constexpr int kNoPermission = 4;
inline constexpr int kNotFound = 6;
inline constexpr int kLibraryNotFound = 12;
inline constexpr int kFunctionNotFound = 13;
inline constexpr int kInUse = 19;
inline constexpr int kInsufficientResources = 23;  // overlap, or the profile's max count reached
inline constexpr int kUnknown = 999;
}  // namespace mig_errc

struct MigError {
  int code = mig_errc::kUnknown;
  std::string text;
};

// A value or an error; the operational path reports failures through this, never by throwing.
template <class T>
class [[nodiscard]] MigResult {
 public:
  MigResult(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  MigResult(MigError error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const MigError& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, MigError> state_;
};

template <>
class [[nodiscard]] MigResult<void> {
 public:
  MigResult() = default;
  MigResult(MigError error) : error_(std::move(error)) {}

  bool ok() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  const MigError& error() const { return *error_; }

 private:
  std::optional<MigError> error_;
};

struct GpuInfo {
  std::uint32_t index = 0;
  std::string name;
  std::string uuid;
  bool mig_enabled = false;  // current MIG mode
  std::uint64_t memory_bytes = 0;
};

// Memory slices an instance occupies, exactly as NVML reports a placement.
struct MigPlacement {
  std::uint32_t start = 0;
  std::uint32_t size = 0;
  friend bool operator==(const MigPlacement&, const MigPlacement&) = default;
};

struct MigProfileInfo {
  std::string name;                      // e.g. "3g.40gb"
  std::uint32_t profile_id = 0;          // NVML GPU-instance profile id (nvidia-smi's ID column)
  std::uint32_t instance_count = 0;      // most instances of this profile on the GPU
  std::uint32_t free_count = 0;          // how many more could be created now
  std::uint64_t memory_mb = 0;           // memory of one instance, MiB
  std::vector<MigPlacement> placements;  // every possible placement, free or not
};

inline constexpr std::uint32_t kNoComputeInstance = std::numeric_limits<std::uint32_t>::max();

struct MigInstance {
  std::uint32_t gpu = 0;
  std::uint32_t gpu_instance_id = 0;
  std::uint32_t compute_instance_id = kNoComputeInstance;  // kNoComputeInstance: none exists
  std::string profile;
  MigPlacement placement;
};

class MigBackend {
 public:
  virtual ~MigBackend() = default;

  virtual MigResult<std::vector<GpuInfo>> gpus() = 0;
  // Profiles of a GPU in MIG mode; kNotSupported when MIG mode is off.
  virtual MigResult<std::vector<MigProfileInfo>> profiles(std::uint32_t gpu) = 0;
  // GPU instances of a GPU in MIG mode, ordered by GPU-instance id.
  virtual MigResult<std::vector<MigInstance>> instances(std::uint32_t gpu) = 0;
  // Creates a GPU instance of `profile` ("1g.10gb" or "mig.1g.10gb") at memory slice
  // `start_slice`, and its default compute instance (the one spanning the whole GPU instance).
  virtual MigResult<MigInstance> create(std::uint32_t gpu, std::string_view profile,
                                        std::uint32_t start_slice) = 0;
  // Destroys the GPU instance's compute instances, then the GPU instance.
  virtual MigResult<void> destroy(std::uint32_t gpu, std::uint32_t gpu_instance_id) = 0;
};

}  // namespace swarmex::hostctl
