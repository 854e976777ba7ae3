// Pool pricing: the operator's curve f(u) over a pool's utilisation u of one resource, which
// prices the hosts' pegged asks (price = base x f(u), on tick, inside the band), and the
// incentive policy that announces a price cut while u stays under a target. Plain integer data
// and pure functions: the engine applies them in sequence (engine/src/pegging.cpp), the gateway
// and the CLI check and show the same values.
#pragma once

#include <cstdint>
#include <map>

#include "swarmex/engine/types.hpp"

namespace swarmex::engine {

inline constexpr std::size_t kMaxCurvePoints = 8;
inline constexpr std::uint32_t kPpm = 1'000'000;
// Highest multiplier a curve may reach (x100): beyond it a band cannot hold both ends anyway.
inline constexpr std::uint32_t kMaxMultiplierPpm = 100 * kPpm;

struct CurvePoint {
  std::uint32_t utilisation_ppm;  // u in parts per million of the declared capacity
  std::uint32_t multiplier_ppm;   // f(u) in parts per million of the base price
  bool operator==(const CurvePoint&) const = default;
};

// What an operator sets for one pool and resource. Between points f is linear; before the first
// and after the last it is flat.
struct PricingPolicy {
  std::uint8_t points = 0;
  CurvePoint curve[kMaxCurvePoints] = {};
  // Incentives: while u stays under target_ppm for idle_after_ns, an IncentiveNotice offers a
  // cut of cut_ppm, valid for valid_ns (announced again while u stays low). idle_after_ns 0: none.
  std::uint32_t target_ppm = 0;
  std::int64_t idle_after_ns = 0;
  std::uint32_t cut_ppm = 0;
  std::int64_t valid_ns = 0;
  bool operator==(const PricingPolicy&) const = default;
};

// Why a policy is refused: points out of order or range, a curve that falls, or a curve whose
// highest and lowest multipliers span more than the band allows (no base keeps it inside).
// band_min/band_max: the narrowest band among the pool's instruments of the resource.
RejectReason check_policy(const PricingPolicy& p, Price band_min, Price band_max) noexcept;

// f(u) in ppm (kPpm when the policy has no points: a flat curve).
std::uint32_t multiplier_at(const PricingPolicy& p, std::uint32_t utilisation_ppm) noexcept;

// base x multiplier, rounded to the nearest tick (halves up), then kept inside [band_min,
// band_max]. Saturates instead of overflowing.
Price pegged_price(Price base, std::uint32_t multiplier_ppm, Price tick, Price band_min,
                   Price band_max) noexcept;

// sold / capacity in ppm, 0 without capacity, at most kPpm.
std::uint32_t utilisation_ppm(Qty sold, Qty capacity) noexcept;

std::uint64_t policy_hash(const PricingPolicy& p) noexcept;

// One pool and resource (the engine's interned ids).
struct PoolKey {
  std::uint16_t pool;
  std::uint16_t resource;
  auto operator<=>(const PoolKey&) const = default;
};

// The engine's pricing state of one pool and resource: the policy, the pegged asks resting on
// its books (order id -> base price) and the incentive in force.
struct PoolPricing {
  bool has_policy = false;
  PricingPolicy policy;
  std::map<OrderId, Price> pegged;
  std::int64_t below_since_ns = -1;     // u under target since then; -1: at or above it
  std::int64_t incentive_until_ns = 0;  // an IncentiveNotice holds until then; 0: none
  bool operator==(const PoolPricing&) const = default;
};

// Most pegged asks one engine keeps (each costs a map node); more are refused like a full pool.
inline constexpr std::size_t kMaxPeggedAsks = 1u << 18;

}  // namespace swarmex::engine
