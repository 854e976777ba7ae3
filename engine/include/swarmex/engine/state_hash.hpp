// The engine's 64-bit state hash: a wrapping sum of one mixed hash per resting order (which
// captures levels, quantities and FIFO position through priority_seq), combined with the last
// sequence number and the halted instruments. Maintained incrementally; any implementation that
// holds the same state computes the same value, which is what replay and the differential test
// compare.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "swarmex/engine/types.hpp"

namespace swarmex::engine {

constexpr std::uint64_t mix64(std::uint64_t x) noexcept {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

struct OrderHashFields {
  OrderId id;
  InstrumentId instrument;
  Side side;
  Price price;
  Qty qty;
  OwnerId owner;
  HostId host;
  Seq priority_seq;
  std::uint8_t flags;
};

// Each field is multiplied by its own odd constant (independent multiplies overlap), the
// products are summed, and one mixing round finishes: a few cycles instead of a dependent chain.
constexpr std::uint64_t order_hash(const OrderHashFields& o) noexcept {
  const std::uint64_t attrs = static_cast<std::uint64_t>(o.instrument) << 16 |
                              static_cast<std::uint64_t>(o.side) << 8 |
                              static_cast<std::uint64_t>(o.flags);
  const std::uint64_t who = static_cast<std::uint64_t>(o.owner) << 32 | o.host;
  return mix64(o.id * 0x9E3779B97F4A7C15ull + attrs * 0xC2B2AE3D27D4EB4Full +
               static_cast<std::uint64_t>(o.price) * 0x165667B19E3779F9ull +
               static_cast<std::uint64_t>(o.qty) * 0xD6E8FEB86659FD93ull +
               who * 0xFF51AFD7ED558CCDull + o.priority_seq * 0xC4CEB9FE1A85EC53ull);
}

constexpr std::uint64_t halted_hash(InstrumentId instrument) noexcept {
  return mix64(0x4841'4c54ull ^ (static_cast<std::uint64_t>(instrument) << 20));
}

// 16 hex digits: the form of the recovery log, the journal streams' Swx-Hash and divergence
// reports.
inline std::string format_state_hash(std::uint64_t hash) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

constexpr std::uint64_t combine_state_hash(std::uint64_t orders_sum, std::uint64_t halted_sum,
                                           Seq last_seq) noexcept {
  return mix64(orders_sum ^ mix64(halted_sum + 0x9E3779B97F4A7C15ull) ^ mix64(last_seq + 1));
}

}  // namespace swarmex::engine
