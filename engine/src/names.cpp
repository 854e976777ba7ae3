// Stable names of the engine's enums, used by logs, the CLI and docs.
#include <array>

#include "swarmex/engine/swarm_order.hpp"
#include "swarmex/engine/types.hpp"

namespace swarmex::engine {
namespace {

template <typename Enum, std::size_t N>
std::string_view lookup(const std::array<std::string_view, N>& names, Enum value) noexcept {
  const auto i = static_cast<std::size_t>(value);
  return i < N ? names[i] : std::string_view{"invalid"};
}

constexpr std::array<std::string_view, static_cast<std::size_t>(RejectReason::kCount)> kReject{
    "none",
    "unknown_instrument",
    "invalid_side",
    "invalid_order_type",
    "invalid_time_in_force",
    "invalid_stp_mode",
    "invalid_quantity",
    "quantity_off_lot",
    "quantity_below_min",
    "quantity_above_max",
    "invalid_price",
    "price_off_tick",
    "price_outside_band",
    "notional_overflow",
    "invalid_min_quantity",
    "duplicate_order_id",
    "unknown_order",
    "would_cross_post_only",
    "instrument_halted",
    "order_capacity_exhausted",
    "stale_sequence",
    "invalid_command",
    "post_only_not_limit_gtc",
    "market_not_immediate",
    "unknown_command_owner",
    "not_logged_on",
    "bad_credentials",
    "wrong_role",
    "rate_limited",
    "malformed_message",
    "unknown_message",
    "duplicate_client_order_id",
    "session_limit",
    "already_logged_on",
    "not_your_host",
    "journal_unavailable",
    "invalid_parameter",
    "idle_timeout",
    "slow_consumer",
    "invalid_placement",
    "invalid_legs",
    "legs_not_same_pool",
    "legs_across_partitions",
    "unknown_template",
    "window_not_trading",
    "unknown_product",
    "invalid_window",
    "insufficient_holding",
    "invalid_band",
    "invalid_quantity_limits",
    "scheduled_instrument",
    "duplicate_instrument",
    "no_allocation",
    "implausible_usage",
    "not_opted_in",
    "over_price",
    "over_budget",
    "host_failing",
    "invalid_curve",
    "pegged_not_host_ask",
    "host_standby",
    "invalid_fee",
    "expire_time_in_past",
    "invalid_display_qty",
    "invalid",  // 64: reserved
    "invalid_trading_mode",
    "invalid_breaker",
    "unsupported_in_auction",
    "logon_throttled",
    "connection_limit",
    "principal_order_limit",
    "principal_session_limit",
    "subscription_limit",
    "principal_rate_limited",
    "depth_limit",
    "resume_beyond_end",
    "history_mismatch",
    "not_leader",
    "pool_on_another_node",
    "legs_span_nodes",
};

constexpr std::array<std::string_view, static_cast<std::size_t>(CancelReason::kCount)> kCancel{
    "requested",         "ioc_remainder", "fok_unfillable", "min_qty_not_met",  "self_trade",
    "market_protection", "no_liquidity",  "mass_cancel",    "swarm_unfillable", "gate_closed",
    "supply_exhausted",  "repriced",      "expired",        "day_end",
};

}  // namespace

std::string_view to_string(RejectReason r) noexcept {
  return lookup(kReject, r);
}
std::string_view to_string(CancelReason r) noexcept {
  return lookup(kCancel, r);
}
std::string_view to_string(Side s) noexcept {
  return lookup(std::array<std::string_view, 2>{"buy", "sell"}, s);
}
std::string_view to_string(OrderType t) noexcept {
  return lookup(std::array<std::string_view, 2>{"limit", "market"}, t);
}
std::string_view to_string(TimeInForce t) noexcept {
  return lookup(std::array<std::string_view, 5>{"gtc", "ioc", "fok", "gtd", "day"}, t);
}
std::string_view to_string(Placement p) noexcept {
  return lookup(std::array<std::string_view, 3>{"same-host", "same-pool", "any"}, p);
}
std::string_view to_string(StpMode m) noexcept {
  return lookup(
      std::array<std::string_view, 4>{"none", "cancel_newest", "cancel_oldest", "cancel_both"}, m);
}

}  // namespace swarmex::engine
