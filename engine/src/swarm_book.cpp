#include "swarmex/engine/swarm_book.hpp"

#include <algorithm>

#include "swarmex/engine/checked_math.hpp"
#include "swarmex/engine/state_hash.hpp"

namespace swarmex::engine {

Qty swarm_units(const SwarmOrder& s) noexcept {
  Qty units = 0;
  for (std::uint8_t i = 0; i < s.leg_count && i < kMaxSwarmLegs; ++i)
    if (s.legs[i].qty < 0 || !checked_add(units, s.legs[i].qty, &units)) return -1;
  return units;
}

std::uint64_t swarm_hash(const RestingSwarm& r) noexcept {
  const SwarmOrder& s = r.order;
  std::uint64_t h = mix64(0x5357'4152'4dull ^ s.order_id);  // "SWARM": apart from plain orders
  h = mix64(h + (static_cast<std::uint64_t>(s.owner) << 16 |
                 static_cast<std::uint64_t>(s.tif) << 8 | static_cast<std::uint64_t>(s.placement)));
  h = mix64(h + static_cast<std::uint64_t>(s.limit_total));
  h = mix64(h + r.priority_seq);
  for (std::uint8_t i = 0; i < s.leg_count; ++i)
    h = mix64(h + (static_cast<std::uint64_t>(s.legs[i].instrument) << 40 ^
                   static_cast<std::uint64_t>(s.legs[i].qty)));
  return h;
}

SwarmBook::SwarmBook(std::uint32_t capacity) : capacity_(capacity) {
  entries_.reserve(capacity);
}

bool SwarmBook::before(const RestingSwarm& a, const RestingSwarm& b) noexcept {
  // limit_a / units_a > limit_b / units_b, compared exactly without division.
  const __int128 lhs = static_cast<__int128>(a.order.limit_total) * b.units;
  const __int128 rhs = static_cast<__int128>(b.order.limit_total) * a.units;
  if (lhs != rhs) return lhs > rhs;
  return a.priority_seq < b.priority_seq;
}

void SwarmBook::insert(const RestingSwarm& r) {
  const auto at =
      std::upper_bound(entries_.begin(), entries_.end(), r,
                       [](const RestingSwarm& x, const RestingSwarm& y) { return before(x, y); });
  entries_.insert(at, r);
  hash_ += swarm_hash(r);
}

void SwarmBook::erase(std::uint32_t i) {
  hash_ -= swarm_hash(entries_[i]);
  entries_.erase(entries_.begin() + i);
}

std::uint32_t SwarmBook::find(OrderId id) const noexcept {
  for (std::uint32_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].order.order_id == id) return i;
  return kNotFound;
}

}  // namespace swarmex::engine
