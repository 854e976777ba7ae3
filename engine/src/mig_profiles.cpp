// MIG placement rules over the H100 table: slice arithmetic on 8-bit masks, no allocation.
#include "swarmex/engine/mig_profiles.hpp"

#include <bit>

namespace swarmex::engine {
namespace {

constexpr std::string_view kResourcePrefix = "mig.";

// Slices [start, start + size) as a bit mask; 0 when the span leaves the GPU.
constexpr std::uint8_t span_mask(std::uint8_t start, std::uint8_t size) noexcept {
  if (size == 0 || start >= kMigSlices || size > kMigSlices - start) return 0;
  return static_cast<std::uint8_t>(((1u << size) - 1u) << start);
}

}  // namespace

const MigProfile* find_mig_profile(std::string_view name) noexcept {
  if (name.starts_with(kResourcePrefix)) name.remove_prefix(kResourcePrefix.size());
  for (const MigProfile& p : kH100Profiles) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::optional<std::size_t> mig_profile_index(const MigProfile& profile) noexcept {
  for (std::size_t i = 0; i < kH100Profiles.size(); ++i) {
    if (kH100Profiles[i].profile_id == profile.profile_id) return i;
  }
  return std::nullopt;
}

bool MigSliceMap::fits(const MigProfile& profile, std::uint8_t start) const noexcept {
  const auto index = mig_profile_index(profile);
  if (!index || start >= kMigSlices) return false;
  // Use the table's row, not the caller's copy, so a forged profile cannot widen the rules.
  const MigProfile& p = kH100Profiles[*index];
  if (((p.start_mask >> start) & 1u) == 0) return false;
  const std::uint8_t span = span_mask(start, p.size_slices);
  if (span == 0 || (used_ & span) != 0) return false;
  return static_cast<std::uint32_t>(std::popcount(starts_[*index])) < p.max_count;
}

std::optional<std::uint8_t> MigSliceMap::first_fit(const MigProfile& profile) const noexcept {
  for (std::uint8_t s = 0; s < kMigSlices; ++s) {
    if (fits(profile, s)) return s;
  }
  return std::nullopt;
}

bool MigSliceMap::place(const MigProfile& profile, std::uint8_t start) noexcept {
  if (!fits(profile, start)) return false;
  const std::size_t i = *mig_profile_index(profile);
  used_ |= span_mask(start, kH100Profiles[i].size_slices);
  starts_[i] |= static_cast<std::uint8_t>(1u << start);
  return true;
}

bool MigSliceMap::release(const MigProfile& profile, std::uint8_t start) noexcept {
  const auto index = mig_profile_index(profile);
  if (!index || start >= kMigSlices || ((starts_[*index] >> start) & 1u) == 0) return false;
  used_ &= static_cast<std::uint8_t>(~span_mask(start, kH100Profiles[*index].size_slices));
  starts_[*index] &= static_cast<std::uint8_t>(~(1u << start));
  return true;
}

std::uint32_t MigSliceMap::remaining(const MigProfile& profile) const noexcept {
  // Legal starts of one profile never overlap each other, so greedy lowest-first packing is the
  // maximum. Each round takes a new start, so there are at most kMigSlices rounds.
  MigSliceMap probe = *this;
  std::uint32_t n = 0;
  for (std::uint8_t round = 0; round < kMigSlices; ++round) {
    const auto s = probe.first_fit(profile);
    if (!s || !probe.place(profile, *s)) break;
    ++n;
  }
  return n;
}

std::uint32_t MigSliceMap::count(const MigProfile& profile) const noexcept {
  const auto index = mig_profile_index(profile);
  return index ? static_cast<std::uint32_t>(std::popcount(starts_[*index])) : 0;
}

std::uint8_t MigSliceMap::starts(const MigProfile& profile) const noexcept {
  const auto index = mig_profile_index(profile);
  return index ? starts_[*index] : std::uint8_t{0};
}

}  // namespace swarmex::engine
