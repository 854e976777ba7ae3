// NVIDIA MIG placement rules for the H100 80GB: which GPU-instance profiles exist, where each may
// start and how many memory slices it spans. Shared by the host controller (which enacts MIG
// instances) and matching (which must never sell overlapping slices), so it does no I/O, never
// allocates and is fully deterministic.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace swarmex::engine {

// Memory slices of one H100 80GB; every placement lies in [0, kMigSlices).
inline constexpr std::uint8_t kMigSlices = 8;

struct MigProfile {
  std::string_view name;     // e.g. "1g.10gb" (the resource is "mig." + name)
  std::uint32_t profile_id;  // NVML GPU-instance profile id, as nvidia-smi mig -lgip prints it
  std::uint32_t max_count;   // most instances of this profile on one GPU
  std::uint8_t start_mask;   // bit s set: the profile may start at memory slice s
  std::uint8_t size_slices;  // memory slices one instance occupies
};

// The H100 80GB profiles in nvidia-smi's order. This is the only copy of the table.
inline constexpr std::array<MigProfile, 7> kH100Profiles{{
    {"1g.10gb", 19, 7, 0b0111'1111, 1},
    {"1g.10gb+me", 20, 1, 0b0111'1111, 1},  // media extensions: the GPU has one such engine set
    {"1g.20gb", 15, 4, 0b0101'0101, 2},
    {"2g.20gb", 14, 3, 0b0001'0101, 2},
    {"3g.40gb", 9, 2, 0b0001'0001, 4},
    {"4g.40gb", 5, 1, 0b0000'0001, 4},
    {"7g.80gb", 0, 1, 0b0000'0001, 8},
}};

// The profile named "1g.10gb" or "mig.1g.10gb" (the resource form), or nullptr.
const MigProfile* find_mig_profile(std::string_view name) noexcept;

// Index of a profile in kH100Profiles (matched by profile_id), or nullopt when it is not one of
// them.
std::optional<std::size_t> mig_profile_index(const MigProfile& profile) noexcept;

// Occupancy of one GPU's memory slices: which slices are taken and which profile instance starts
// where. A plain value (no heap), so matching can copy and compare it freely.
class MigSliceMap {
 public:
  // True when an instance of `profile` may be placed at `start`: the start is legal for the
  // profile, all its slices are free and the profile's max_count is not reached.
  bool fits(const MigProfile& profile, std::uint8_t start) const noexcept;
  // Lowest start at which `profile` fits, or nullopt.
  std::optional<std::uint8_t> first_fit(const MigProfile& profile) const noexcept;
  // Places an instance; false (and no change) when it does not fit.
  bool place(const MigProfile& profile, std::uint8_t start) noexcept;
  // Removes the instance of `profile` that starts at `start`; false (and no change) when there
  // is none.
  bool release(const MigProfile& profile, std::uint8_t start) noexcept;

  // How many more instances of `profile` could be placed now (each at its first fit).
  std::uint32_t remaining(const MigProfile& profile) const noexcept;
  // Instances of `profile` currently placed.
  std::uint32_t count(const MigProfile& profile) const noexcept;
  // Bit s set: memory slice s is occupied.
  std::uint8_t used_mask() const noexcept { return used_; }
  // Bit s set: an instance of `profile` starts at slice s.
  std::uint8_t starts(const MigProfile& profile) const noexcept;
  bool empty() const noexcept { return used_ == 0; }

  friend bool operator==(const MigSliceMap&, const MigSliceMap&) = default;

 private:
  std::uint8_t used_ = 0;
  std::array<std::uint8_t, kH100Profiles.size()> starts_{};  // per profile, as starts()
};

}  // namespace swarmex::engine
