#include "swarmex/engine/supply_group.hpp"

#include <algorithm>

#include "swarmex/engine/state_hash.hpp"

namespace swarmex::engine {

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

void SupplyGroup::sell(std::int64_t from_ns, std::int64_t to_ns, Qty qty) {
  peak_ever_ = -1;
  for (const auto& [at, d] : {std::pair{from_ns, qty}, std::pair{to_ns, -qty}}) {
    auto [it, added] = delta_.try_emplace(at, 0);
    it->second += d;
    if (it->second == 0) delta_.erase(it);
  }
}

void SupplyGroup::forget_before(std::int64_t time_ns) {
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
  return h;
}

}  // namespace swarmex::engine
