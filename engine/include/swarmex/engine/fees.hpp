// Exchange fees: maker and taker rates per instrument in basis points of a fill's value, set by
// operators (SetFees) and charged by matching on every fill (Event::maker_fee / taker_fee). Integer
// arithmetic only: every process that replays the journal charges the same amounts.
#pragma once

#include <cstdint>

#include "swarmex/engine/types.hpp"

namespace swarmex::engine {

inline constexpr std::int32_t kMaxFeeBps = 1000;  // 10 %

struct FeeSchedule {
  std::int32_t maker_bps = 0;  // negative: a rebate to the maker
  std::int32_t taker_bps = 0;
  [[nodiscard]] bool none() const noexcept { return maker_bps == 0 && taker_bps == 0; }
  bool operator==(const FeeSchedule&) const = default;
};

// Taker 0 .. kMaxFeeBps; maker -taker .. kMaxFeeBps (a rebate never exceeds what the taker pays).
RejectReason check_fees(const FeeSchedule& f) noexcept;

// What a fill is worth: price (per unit per hour) x qty x the lease in hours, rounded down;
// saturates at the int64 range.
std::int64_t fill_value(Price price, Qty qty, std::int64_t lease_ns) noexcept;

// `bps` of `value`: a charge rounds up to the next micro-unit, a rebate (negative) rounds toward
// zero, so the exchange never charges less nor pays out more than the exact amount.
std::int64_t fee_of(std::int64_t value, std::int32_t bps) noexcept;

}  // namespace swarmex::engine
