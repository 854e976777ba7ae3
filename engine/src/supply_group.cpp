#include "swarmex/engine/supply_group.hpp"

#include <algorithm>

#include "swarmex/engine/state_hash.hpp"

namespace swarmex::engine {
namespace {

std::uint8_t slice_mask(const MigProfile& p, std::uint8_t start) noexcept {
  return static_cast<std::uint8_t>(((1u << p.size_slices) - 1u) << start);
}

// The lowest legal start of `p` free in `used`, or kMigSlices.
std::uint8_t first_free(const MigProfile& p, std::uint8_t used) noexcept {
  for (std::uint8_t s = 0; s < kMigSlices; ++s)
    if ((p.start_mask >> s & 1u) != 0 && s + p.size_slices <= kMigSlices &&
        (slice_mask(p, s) & used) == 0)
      return s;
  return kMigSlices;
}

}  // namespace

Qty SupplyGroup::peak(std::int64_t from_ns, std::int64_t to_ns) const noexcept {
  Qty sold = 0;
  auto it = delta_.begin();
  for (; it != delta_.end() && it->first <= from_ns; ++it)
    sold += it->second;
  Qty most = sold;
  for (; it != delta_.end() && it->first < to_ns; ++it) {
    sold += it->second;
    most = std::max(most, sold);
  }
  return most;
}

Qty SupplyGroup::peak_ever() const noexcept {
  if (peak_ever_ >= 0) return peak_ever_;
  Qty sold = 0, most = 0;
  for (const auto& [at, d] : delta_) {
    sold += d;
    most = std::max(most, sold);
  }
  peak_ever_ = most;
  return most;
}

void SupplyGroup::occupancy(std::uint32_t gpu_index, std::int64_t from_ns, std::int64_t to_ns,
                            std::uint8_t* used, std::uint32_t* counts) const noexcept {
  for (const MigPlacement& p : placements_)
    if (p.gpu == gpu_index && p.from_ns < to_ns && from_ns < p.to_ns) {
      *used |= slice_mask(kH100Profiles[p.profile], p.start);
      ++counts[p.profile];
    }
}

Qty SupplyGroup::room(const MigProfile* profile, std::int64_t from_ns,
                      std::int64_t to_ns) const noexcept {
  if (!gpu) return std::max<Qty>(capacity - peak(from_ns, to_ns), 0);
  if (profile == nullptr) return 0;
  const auto index = *mig_profile_index(*profile);
  Qty n = 0;
  for (std::uint32_t g = 0; g < capacity; ++g) {
    std::uint8_t used = 0;
    std::uint32_t counts[kH100Profiles.size()] = {};
    occupancy(g, from_ns, to_ns, &used, counts);
    for (std::uint8_t s = first_free(*profile, used);
         s < kMigSlices && counts[index] < profile->max_count; s = first_free(*profile, used)) {
      used |= slice_mask(*profile, s);
      ++counts[index];
      ++n;
    }
  }
  return n;
}

void SupplyGroup::add(std::int64_t from_ns, std::int64_t to_ns, Qty qty) {
  peak_ever_ = -1;
  for (const auto& [at, d] : {std::pair{from_ns, qty}, std::pair{to_ns, -qty}}) {
    auto [it, added] = delta_.try_emplace(at, 0);
    it->second += d;
    if (it->second == 0) delta_.erase(it);
  }
}

void SupplyGroup::sell(const MigProfile* profile, std::int64_t from_ns, std::int64_t to_ns,
                       Qty qty) {
  if (!gpu) return add(from_ns, to_ns, qty);
  if (profile == nullptr) return;
  const auto index = static_cast<std::uint8_t>(*mig_profile_index(*profile));
  for (Qty k = 0; k < qty; ++k)
    for (std::uint32_t g = 0; g < capacity; ++g) {
      std::uint8_t used = 0;
      std::uint32_t counts[kH100Profiles.size()] = {};
      occupancy(g, from_ns, to_ns, &used, counts);
      const std::uint8_t s = first_free(*profile, used);
      if (s == kMigSlices || counts[index] >= profile->max_count) continue;
      placements_.push_back(MigPlacement{g, index, s, from_ns, to_ns});
      break;
    }
}

void SupplyGroup::unsell(const MigProfile* profile, std::int64_t from_ns, std::int64_t to_ns,
                         Qty qty) {
  if (!gpu) return add(from_ns, to_ns, -qty);
  (void)profile;
  placements_.resize(placements_.size() -
                     static_cast<std::size_t>(std::min<Qty>(qty, placements_.size())));
}

Qty SupplyGroup::least_room() const noexcept {
  return gpu ? 0 : capacity - peak_ever();
}

void SupplyGroup::forget_before(std::int64_t time_ns) {
  if (gpu) {
    std::erase_if(placements_, [&](const MigPlacement& p) { return p.to_ns <= time_ns; });
    return;
  }
  Qty folded = 0;
  auto it = delta_.begin();
  for (; it != delta_.end() && it->first < time_ns; ++it)
    folded += it->second;
  if (it == delta_.begin()) return;
  peak_ever_ = -1;
  delta_.erase(delta_.begin(), it);
  if (folded != 0) {
    Qty& at = delta_[time_ns];
    at += folded;
    if (at == 0) delta_.erase(time_ns);
  }
}

std::uint64_t SupplyGroup::hash(const SupplyKey& key) const noexcept {
  const std::uint64_t k =
      mix64(0x5355504cull ^ (static_cast<std::uint64_t>(key.host) << 16) ^ key.resource);
  std::uint64_t h = mix64(k ^ static_cast<std::uint64_t>(capacity));
  for (const auto& [at, d] : delta_)
    h += mix64(k ^ mix64(static_cast<std::uint64_t>(at)) ^
               static_cast<std::uint64_t>(d) * 0x9E3779B97F4A7C15ull);
  for (const MigPlacement& p : placements_)
    h += mix64(k ^ mix64(static_cast<std::uint64_t>(p.from_ns)) ^
               mix64(static_cast<std::uint64_t>(p.to_ns) + p.gpu) ^
               (static_cast<std::uint64_t>(p.profile) << 8 | p.start));
  return h;
}

}  // namespace swarmex::engine
