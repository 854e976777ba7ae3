// The one mapping between wire enums (schemas/swarmex.fbs) and the engine's: they are 1:1 by
// value, checked here at compile time, so a conversion is a cast that cannot drift.
#pragma once

#include "swarmex/engine/batch_auction.hpp"
#include "swarmex/engine/swarm_order.hpp"
#include "swarmex/engine/types.hpp"
#include "swarmex_generated.h"

namespace swarmex::protocol {

static_assert(static_cast<int>(wire::RejectReason::MAX) + 1 ==
              static_cast<int>(engine::RejectReason::kCount));
static_assert(static_cast<int>(wire::CancelReason::MAX) + 1 ==
              static_cast<int>(engine::CancelReason::kCount));
static_assert(static_cast<int>(wire::Placement::MAX) + 1 ==
              static_cast<int>(engine::Placement::kCount));
static_assert(static_cast<int>(wire::Side::Sell) == static_cast<int>(engine::Side::Sell) &&
              wire::Side::MAX == wire::Side::Sell);
static_assert(static_cast<int>(wire::OrderType::Market) ==
              static_cast<int>(engine::OrderType::Market));
static_assert(static_cast<int>(wire::TimeInForce::Fok) ==
              static_cast<int>(engine::TimeInForce::Fok));
static_assert(static_cast<int>(wire::TimeInForce::Gtd) ==
                  static_cast<int>(engine::TimeInForce::Gtd) &&
              static_cast<int>(wire::TimeInForce::Day) ==
                  static_cast<int>(engine::TimeInForce::Day) &&
              wire::TimeInForce::MAX == wire::TimeInForce::Day);
static_assert(static_cast<int>(wire::RejectReason::LogonThrottled) ==
                  static_cast<int>(engine::RejectReason::LogonThrottled) &&
              static_cast<int>(wire::RejectReason::ConnectionLimit) ==
                  static_cast<int>(engine::RejectReason::ConnectionLimit));
static_assert(static_cast<int>(wire::RejectReason::ExpireTimeInPast) ==
                  static_cast<int>(engine::RejectReason::ExpireTimeInPast) &&
              static_cast<int>(wire::RejectReason::InvalidDisplayQty) ==
                  static_cast<int>(engine::RejectReason::InvalidDisplayQty));
static_assert(static_cast<int>(wire::RejectReason::PrincipalOrderLimit) ==
                  static_cast<int>(engine::RejectReason::PrincipalOrderLimit) &&
              static_cast<int>(wire::RejectReason::PrincipalSessionLimit) ==
                  static_cast<int>(engine::RejectReason::PrincipalSessionLimit) &&
              static_cast<int>(wire::RejectReason::SubscriptionLimit) ==
                  static_cast<int>(engine::RejectReason::SubscriptionLimit) &&
              static_cast<int>(wire::RejectReason::PrincipalRateLimited) ==
                  static_cast<int>(engine::RejectReason::PrincipalRateLimited) &&
              static_cast<int>(wire::RejectReason::DepthLimit) ==
                  static_cast<int>(engine::RejectReason::DepthLimit));
static_assert(static_cast<int>(wire::RejectReason::ResumeBeyondEnd) ==
                  static_cast<int>(engine::RejectReason::ResumeBeyondEnd) &&
              static_cast<int>(wire::RejectReason::HistoryMismatch) ==
                  static_cast<int>(engine::RejectReason::HistoryMismatch) &&
              static_cast<int>(wire::RejectReason::NotLeader) ==
                  static_cast<int>(engine::RejectReason::NotLeader) &&
              static_cast<int>(wire::RejectReason::LegsSpanNodes) ==
                  static_cast<int>(engine::RejectReason::LegsSpanNodes));
static_assert(static_cast<int>(wire::CancelReason::Expired) ==
                  static_cast<int>(engine::CancelReason::Expired) &&
              static_cast<int>(wire::CancelReason::DayEnd) ==
                  static_cast<int>(engine::CancelReason::DayEnd));
static_assert(static_cast<int>(wire::StpMode::CancelBoth) ==
              static_cast<int>(engine::StpMode::CancelBoth));
static_assert(static_cast<int>(wire::TradingMode::Batch) ==
                  static_cast<int>(engine::TradingMode::Batch) &&
              wire::TradingMode::MAX == wire::TradingMode::Batch);
static_assert(static_cast<int>(wire::InstrumentStateReason::Breaker) ==
              static_cast<int>(engine::StateCause::Breaker));

inline engine::RejectReason to_engine(wire::RejectReason r) noexcept {
  return static_cast<engine::RejectReason>(r);
}
inline engine::CancelReason to_engine(wire::CancelReason r) noexcept {
  return static_cast<engine::CancelReason>(r);
}
inline engine::Side to_engine(wire::Side s) noexcept {
  return static_cast<engine::Side>(s);
}
inline engine::OrderType to_engine(wire::OrderType t) noexcept {
  return static_cast<engine::OrderType>(t);
}
inline engine::TimeInForce to_engine(wire::TimeInForce t) noexcept {
  return static_cast<engine::TimeInForce>(t);
}
inline engine::StpMode to_engine(wire::StpMode m) noexcept {
  return static_cast<engine::StpMode>(m);
}
inline engine::Placement to_engine(wire::Placement p) noexcept {
  return static_cast<engine::Placement>(p);
}

inline wire::RejectReason to_wire(engine::RejectReason r) noexcept {
  return static_cast<wire::RejectReason>(r);
}
inline wire::CancelReason to_wire(engine::CancelReason r) noexcept {
  return static_cast<wire::CancelReason>(r);
}
inline wire::Side to_wire(engine::Side s) noexcept {
  return static_cast<wire::Side>(s);
}
inline wire::OrderType to_wire(engine::OrderType t) noexcept {
  return static_cast<wire::OrderType>(t);
}
inline wire::TimeInForce to_wire(engine::TimeInForce t) noexcept {
  return static_cast<wire::TimeInForce>(t);
}
inline wire::StpMode to_wire(engine::StpMode m) noexcept {
  return static_cast<wire::StpMode>(m);
}
inline wire::Placement to_wire(engine::Placement p) noexcept {
  return static_cast<wire::Placement>(p);
}

}  // namespace swarmex::protocol
