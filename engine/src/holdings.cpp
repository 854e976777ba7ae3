#include "swarmex/engine/holdings.hpp"

#include "swarmex/engine/state_hash.hpp"

namespace swarmex::engine {

std::uint64_t Holdings::entry_hash(const HoldingKey& key, Qty qty) noexcept {
  const std::uint64_t who = static_cast<std::uint64_t>(key.owner) << 32 | key.host;
  return mix64(0x484f4c44ull ^ mix64(who ^ (static_cast<std::uint64_t>(key.instrument) << 7)) ^
               static_cast<std::uint64_t>(qty) * 0x9E3779B97F4A7C15ull);
}

Qty Holdings::free(const HoldingKey& key) const noexcept {
  auto it = free_.find(key);
  return it == free_.end() ? 0 : it->second;
}

void Holdings::credit(const HoldingKey& key, Qty qty) {
  auto [it, added] = free_.try_emplace(key, 0);
  if (!added) hash_ -= entry_hash(key, it->second);
  it->second += qty;
  hash_ += entry_hash(key, it->second);
}

void Holdings::debit(const HoldingKey& key, Qty qty) noexcept {
  auto it = free_.find(key);
  if (it == free_.end()) return;
  hash_ -= entry_hash(key, it->second);
  it->second -= qty;
  // Zero stays as an entry: a holding fully offered for resale is still the owner's to get back.
  hash_ += entry_hash(key, it->second);
}

void Holdings::clear_instrument(InstrumentId instrument) noexcept {
  auto it = free_.lower_bound(HoldingKey{instrument, 0, 0});
  while (it != free_.end() && it->first.instrument == instrument) {
    hash_ -= entry_hash(it->first, it->second);
    it = free_.erase(it);
  }
}

}  // namespace swarmex::engine
