// Pricing curves: checks and evaluation in integers, so every process computes the same price.
#include "swarmex/engine/pricing.hpp"

#include <algorithm>
#include <limits>

#include "swarmex/engine/state_hash.hpp"

namespace swarmex::engine {

RejectReason check_policy(const PricingPolicy& p, Price band_min, Price band_max) noexcept {
  if (p.points == 0 || p.points > kMaxCurvePoints) return RejectReason::InvalidCurve;
  for (std::size_t i = 0; i < p.points; ++i) {
    const CurvePoint& c = p.curve[i];
    if (c.utilisation_ppm > kPpm || c.multiplier_ppm == 0 || c.multiplier_ppm > kMaxMultiplierPpm)
      return RejectReason::InvalidCurve;
    if (i > 0 && (c.utilisation_ppm <= p.curve[i - 1].utilisation_ppm ||
                  c.multiplier_ppm < p.curve[i - 1].multiplier_ppm))
      return RejectReason::InvalidCurve;  // u must rise and f must not fall
  }
  // Monotone: the lowest multiplier is the first, the highest the last. A base that puts f's low
  // end at band_min reaches band_min x high / low: past band_max, part of the curve is clamped.
  const auto low = static_cast<__int128>(p.curve[0].multiplier_ppm);
  const auto high = static_cast<__int128>(p.curve[p.points - 1].multiplier_ppm);
  if (band_min <= 0 ||
      static_cast<__int128>(band_min) * high > static_cast<__int128>(band_max) * low)
    return RejectReason::InvalidCurve;
  if (p.target_ppm > kPpm || p.cut_ppm > kPpm || p.idle_after_ns < 0 || p.valid_ns < 0 ||
      (p.idle_after_ns > 0 && p.valid_ns == 0))
    return RejectReason::InvalidParameter;
  return RejectReason::None;
}

std::uint32_t multiplier_at(const PricingPolicy& p, std::uint32_t u) noexcept {
  if (p.points == 0) return kPpm;
  if (u <= p.curve[0].utilisation_ppm) return p.curve[0].multiplier_ppm;
  for (std::size_t i = 1; i < p.points; ++i) {
    const CurvePoint& a = p.curve[i - 1];
    const CurvePoint& b = p.curve[i];
    if (u > b.utilisation_ppm) continue;
    const std::uint64_t span = b.utilisation_ppm - a.utilisation_ppm;
    const std::uint64_t rise =
        static_cast<std::uint64_t>(b.multiplier_ppm - a.multiplier_ppm) * (u - a.utilisation_ppm);
    return a.multiplier_ppm + static_cast<std::uint32_t>(rise / span);  // rounds down
  }
  return p.curve[p.points - 1].multiplier_ppm;
}

Price pegged_price(Price base, std::uint32_t multiplier_ppm, Price tick, Price band_min,
                   Price band_max) noexcept {
  if (tick <= 0) return band_min;
  constexpr Price kFast = std::numeric_limits<Price>::max() / (2 * kMaxMultiplierPpm);
  if (base >= 0 && base <= kFast && tick <= kFast) {  // 64 bits hold every product
    const Price unit = tick * kPpm;
    const Price price = (base * multiplier_ppm + unit / 2) / unit * tick;
    return price < band_min ? band_min : price > band_max ? band_max : price;
  }
  const __int128 raw = static_cast<__int128>(base) * multiplier_ppm;  // price x 1e6
  const __int128 ticks =
      (raw + static_cast<__int128>(tick) * kPpm / 2) / (static_cast<__int128>(tick) * kPpm);
  const __int128 price = ticks * tick;
  if (price < band_min) return band_min;
  if (price > band_max) return band_max;
  return static_cast<Price>(price);
}

std::uint32_t utilisation_ppm(Qty sold, Qty capacity) noexcept {
  if (capacity <= 0 || sold <= 0) return 0;
  if (sold >= capacity) return kPpm;
  return static_cast<std::uint32_t>(static_cast<__int128>(sold) * kPpm / capacity);
}

std::uint64_t policy_hash(const PricingPolicy& p) noexcept {
  std::uint64_t h = mix64(0x5052'4943'45ull ^ p.points);
  for (std::size_t i = 0; i < p.points; ++i)
    h = mix64(h ^ (static_cast<std::uint64_t>(p.curve[i].utilisation_ppm) << 32 |
                   p.curve[i].multiplier_ppm));
  h = mix64(h ^ p.target_ppm ^ static_cast<std::uint64_t>(p.cut_ppm) << 32);
  return mix64(h ^ static_cast<std::uint64_t>(p.idle_after_ns) * 0x9E3779B97F4A7C15ull ^
               static_cast<std::uint64_t>(p.valid_ns));
}

}  // namespace swarmex::engine
