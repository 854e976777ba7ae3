#include "swarmex/engine/grants.hpp"

#include "swarmex/engine/state_hash.hpp"

namespace swarmex::engine {

namespace {

std::uint64_t text_hash(const std::string& s) noexcept {
  std::uint64_t h = 0x9E3779B97F4A7C15ull;  // FNV-style over bytes, mixed: stable across builds
  for (const char c : s)
    h = (h ^ static_cast<std::uint8_t>(c)) * 0x100000001B3ull;
  return mix64(h);
}

}  // namespace

std::uint64_t Grants::entry_hash(const GrantKey& key, const Grant& g) noexcept {
  return mix64(0x4752414eull ^ mix64(static_cast<std::uint64_t>(key.owner) << 8) ^
               text_hash(key.resource) * 3 ^ text_hash(key.pool) * 5 ^
               static_cast<std::uint64_t>(g.max_price) * 0x9E3779B97F4A7C15ull ^
               static_cast<std::uint64_t>(g.budget_per_hour) * 0xC2B2AE3D27D4EB4Full ^
               static_cast<std::uint64_t>(g.window_ns) * 0x165667B19E3779F9ull ^
               static_cast<std::uint64_t>(g.target_ppm) * 0xD6E8FEB86659FD93ull ^
               static_cast<std::uint64_t>(g.hour) * 0xFF51AFD7ED558CCDull ^
               static_cast<std::uint64_t>(g.committed) * 0xC4CEB9FE1A85EC53ull);
}

const Grant* Grants::find(const GrantKey& key) const noexcept {
  auto it = grants_.find(key);
  return it == grants_.end() ? nullptr : &it->second;
}

Grant* Grants::find(const GrantKey& key) noexcept {
  auto it = grants_.find(key);
  return it == grants_.end() ? nullptr : &it->second;
}

bool Grants::set(const GrantKey& key, const Grant& limits) {
  auto it = grants_.find(key);
  if (it == grants_.end()) {
    if (grants_.size() >= kMaxGrants) return false;
    it = grants_.emplace(key, Grant{}).first;
  } else {
    hash_ -= entry_hash(key, it->second);
  }
  Grant& g = it->second;
  g.max_price = limits.max_price;
  g.budget_per_hour = limits.budget_per_hour;
  g.window_ns = limits.window_ns;
  g.target_ppm = limits.target_ppm;
  hash_ += entry_hash(key, g);
  return true;
}

Price Grants::spent_in_hour(const Grant& g, std::int64_t time_ns) noexcept {
  return time_ns / kHourNs == g.hour ? g.committed : 0;
}

void Grants::commit(const GrantKey& key, std::int64_t time_ns, Price cost) noexcept {
  auto it = grants_.find(key);
  if (it == grants_.end()) return;
  hash_ -= entry_hash(key, it->second);
  it->second.committed = spent_in_hour(it->second, time_ns) + cost;  // the caller checked room
  it->second.hour = time_ns / kHourNs;
  hash_ += entry_hash(key, it->second);
}

bool Grants::erase(const GrantKey& key) noexcept {
  auto it = grants_.find(key);
  if (it == grants_.end()) return false;
  hash_ -= entry_hash(key, it->second);
  grants_.erase(it);
  return true;
}

void Grants::restore(const GrantKey& key, const Grant& g) {
  if (auto it = grants_.find(key); it != grants_.end()) hash_ -= entry_hash(key, it->second);
  grants_[key] = g;
  hash_ += entry_hash(key, g);
}

}  // namespace swarmex::engine
