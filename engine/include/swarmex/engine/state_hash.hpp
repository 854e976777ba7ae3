// The engine's 64-bit state hash: a wrapping sum of one mixed hash per resting order (which
// captures levels, quantities and FIFO position through priority_seq), combined with the last
// sequence number and the halted instruments. Maintained incrementally; any implementation that
// holds the same state computes the same value, which is what replay and the differential test
// compare.
#pragma once

#include <cstdint>

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

constexpr std::uint64_t order_hash(const OrderHashFields& o) noexcept {
  std::uint64_t h = mix64(o.id ^ 0x5157'4152'4d45'5831ull);
  h = mix64(h ^
            (static_cast<std::uint64_t>(o.instrument) << 8 |
             static_cast<std::uint64_t>(o.side) << 1 | static_cast<std::uint64_t>(o.flags) << 40));
  h = mix64(h ^ static_cast<std::uint64_t>(o.price));
  h = mix64(h ^ static_cast<std::uint64_t>(o.qty));
  h = mix64(h ^ (static_cast<std::uint64_t>(o.owner) << 32 | o.host));
  return mix64(h ^ o.priority_seq);
}

constexpr std::uint64_t halted_hash(InstrumentId instrument) noexcept {
  return mix64(0x4841'4c54ull ^ (static_cast<std::uint64_t>(instrument) << 20));
}

constexpr std::uint64_t combine_state_hash(std::uint64_t orders_sum, std::uint64_t halted_sum,
                                           Seq last_seq) noexcept {
  return mix64(orders_sum ^ mix64(halted_sum + 0x9E3779B97F4A7C15ull) ^ mix64(last_seq + 1));
}

}  // namespace swarmex::engine
