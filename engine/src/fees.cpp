// Fee arithmetic (fees.hpp): exact in 128 bits, then rounded as stated there.
#include "swarmex/engine/fees.hpp"

#include <limits>

namespace swarmex::engine {
namespace {

constexpr __int128 kHourNs = 3'600'000'000'000;

std::int64_t saturate(__int128 v) noexcept {
  if (v > std::numeric_limits<std::int64_t>::max()) return std::numeric_limits<std::int64_t>::max();
  if (v < std::numeric_limits<std::int64_t>::min()) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(v);
}

}  // namespace

RejectReason check_fees(const FeeSchedule& f) noexcept {
  if (f.taker_bps < 0 || f.taker_bps > kMaxFeeBps || f.maker_bps > kMaxFeeBps ||
      f.maker_bps < -f.taker_bps)
    return RejectReason::InvalidFee;
  return RejectReason::None;
}

std::int64_t fill_value(Price price, Qty qty, std::int64_t lease_ns) noexcept {
  if (price <= 0 || qty <= 0 || lease_ns <= 0) return 0;
  const __int128 units = static_cast<__int128>(price) * qty;
  // price x qty x lease / hour; price x qty fits int64 (the engine checks notional), lease too.
  return saturate(units * lease_ns / kHourNs);
}

std::int64_t fee_of(std::int64_t value, std::int32_t bps) noexcept {
  if (value <= 0 || bps == 0) return 0;
  const __int128 scaled = static_cast<__int128>(value) * bps;
  if (bps > 0) return saturate((scaled + 9'999) / 10'000);  // up
  return saturate(scaled / 10'000);                         // toward zero
}

}  // namespace swarmex::engine
