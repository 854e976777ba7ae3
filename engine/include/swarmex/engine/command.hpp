// Sequenced commands: the engine's only input. Plain data, copyable through lock-free queues.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "swarmex/engine/batch_auction.hpp"
#include "swarmex/engine/fees.hpp"
#include "swarmex/engine/instrument.hpp"
#include "swarmex/engine/pricing.hpp"
#include "swarmex/engine/swarm_order.hpp"
#include "swarmex/engine/types.hpp"

namespace swarmex::engine {

enum class CommandKind : std::uint8_t {
  NewOrder = 0,
  CancelOrder = 1,
  ModifyOrder = 2,
  MassCancel = 3,
  Halt = 4,
  Resume = 5,
  SwarmOrder = 6,
  // The sequencer's clock: lists and closes delivery windows (Accepted with owner 0). The
  // gateway sends one at every calendar change; clients cannot.
  Roll = 7,
  // Resale of window capacity a tenant holds (the partition marketplace); see Resell.
  Resell = 8,
  // A host's capacity of one resource: its supply group (see SupplyCapacity).
  SetSupply = 9,
  // An operator's new trading parameters for one spot instrument (see SetParams).
  SetParams = 10,
  // An operator's new spot instrument (see NewInstrument).
  CreateInstrument = 11,
  // A tenant's autopilot grant set or withdrawn (see AutopilotGrant).
  Autopilot = 12,
  // An operator's pricing curve and incentive policy for one pool and resource (SetPricing).
  SetPricing = 13,
  // An operator's maker and taker fees for one instrument (SetFees).
  SetFees = 14,
  // An operator's end of the trading day: cancels the Day orders of spot instruments (EndDay).
  EndDay = 15,
  // An operator's trading mode for one instrument: continuous or batch auctions (SetTradingMode).
  SetTradingMode = 16,
  // An operator's circuit breaker for one instrument (SetBreaker).
  SetBreaker = 17,
  kCount
};

struct NewOrder {
  OrderId order_id;  // exchange-wide unique, assigned before the engine
  InstrumentId instrument;
  OwnerId owner;
  HostId host;  // the selling host for asks; 0 for bids
  Side side;
  OrderType type;
  TimeInForce tif;
  StpMode stp;
  bool post_only;
  Price price;  // limit price; for market orders an optional protection price (0 = from the band)
  Qty qty;
  Qty min_qty;  // 0 = none; entry condition: at least this much must trade at once
  // The client's own id, journaled so the gateway can rebuild its maps; matching ignores it.
  std::uint64_t client_order_id;
  // Nonzero: the exchange's agent placed it for `owner`, who must have granted it (grants.hpp).
  OwnerId agent = 0;
  // A host's ask pegged to its pool's curve: `price` is the base, the order rests at
  // pegged_price(base, f(u)) and moves as u does (pricing.hpp).
  bool pegged = false;
  // Gtd only (0 otherwise): the sequencer time at which the order expires; it must be later than
  // the command's time. The first command at or after it cancels the order (Expired).
  std::int64_t expire_time_ns = 0;
  // Nonzero: an iceberg that shows this much of its remaining quantity on the book at a time
  // (on lot, below qty; resting limit orders only). docs/order-types.md.
  Qty display_qty = 0;
};

// `instrument` routes the command to its partition and must be the order's own instrument.
struct CancelOrder {
  OrderId order_id;
  OwnerId owner;
  InstrumentId instrument;
};

// new_qty is the new remaining quantity. Same price and lower qty keeps time priority.
struct ModifyOrder {
  OrderId order_id;
  OwnerId owner;
  InstrumentId instrument;
  Price new_price;
  Qty new_qty;
};

struct MassCancel {
  OwnerId owner;
  InstrumentId instrument;  // kAllInstruments for every book
};

struct InstrumentControl {  // Halt / Resume
  InstrumentId instrument;
};

// A swarm order is routed by its first leg; a resting one is cancelled with that instrument.

// Sells back capacity `owner` holds from `host` in delivery windows: one limit ask at `price` per
// leg (a leg is one window's instrument), accepted only when every leg is held in full — one
// outcome for the whole request. Leg i trades and rests as order order_id + i; a resting leg is
// an ordinary ask (cancel and modify by its own id) that gives the holding back when it ends
// unfilled. Every leg must be on the routing (first leg's) partition.
// Sets the capacity of host `host`'s supply group for the resource of `instrument` (any
// instrument of that resource on this partition). Its asks on every instrument of the resource then
// sell only what the group still has over each fill's lease; 0 sells nothing more. Sales already
// made stay. `owner` is the host's principal, who gets the Accepted / Rejected.
struct SupplyCapacity {
  OwnerId owner;
  HostId host;
  InstrumentId instrument;
  Qty capacity;
};

// New band, quantity limits and market protection for spot instrument `instrument`; a field at
// 0 keeps its value. Resting orders stay where they are (also outside a narrowed band, where they
// still trade and cancel); new orders and price-changing modifies meet the new rules. `owner` is
// the operator's principal, who gets the Accepted / Rejected (its order_id is request_id).
struct SetParams {
  OwnerId owner;
  InstrumentId instrument;
  std::uint64_t request_id;  // the gateway's id of the request; matching ignores it
  Price band_min;
  Price band_max;
  Qty min_qty;
  Qty max_qty;
  std::int64_t market_protection_ticks;
};

// Longest symbol, resource and pool a live-created instrument may have (bytes; a name of exactly
// this length is stored without a terminating NUL).
inline constexpr std::size_t kMaxSymbolBytes = 40;
inline constexpr std::size_t kMaxNameBytes = 24;

// A new spot instrument `id` on the partition it is sent to, with the trading rules of an
// [[instruments]] table. `owner` is the operator's principal (the outcome's order_id is
// request_id). Names are NUL-padded.
struct NewInstrument {
  OwnerId owner;
  InstrumentId id;
  std::uint64_t request_id;
  Price tick;
  Qty lot;
  Qty min_qty;
  Qty max_qty;
  Price band_min;
  Price band_max;
  std::int64_t market_protection_ticks;
  std::int64_t lease_ns;
  char symbol[kMaxSymbolBytes];
  char resource[kMaxNameBytes];
  char pool[kMaxNameBytes];
};

// The spot instrument a NewInstrument describes (each name up to its NUL or its full length).
InstrumentSpec spec_of(const NewInstrument& c);
// The trading rules and names of `spec` into `c` (owner and request_id untouched); false when a
// name is longer than its field (nothing else is checked: the engine does that).
bool set_spec(NewInstrument& c, const InstrumentSpec& spec) noexcept;

// A tenant (`owner`) lets the agent buy for it on the resource and pool of `instrument` (any
// instrument of them: the command goes to their partition), or withdraws that (`on` false: the
// grant goes and the agent's resting orders for it there are cancelled). The outcome's order_id
// is request_id.
struct AutopilotGrant {
  OwnerId owner;
  InstrumentId instrument;
  std::uint64_t request_id;
  bool on;
  Price max_price;
  Price budget_per_hour;
  std::int64_t window_ns;  // 0: spot
  std::uint32_t target_ppm;
};

// An operator's pricing policy for the pool and resource of `instrument` (any instrument of
// them); a policy of 0 points removes it (pegged asks then rest at their base). The outcome's
// order_id is request_id.
struct SetPricing {
  OwnerId owner;
  InstrumentId instrument;
  std::uint64_t request_id;
  PricingPolicy policy;
};

// An operator's fee schedule for `instrument` (a spot instrument or a product's window book);
// fills from the next command on are charged at it. The outcome's order_id is request_id.
struct SetFees {
  OwnerId owner;
  InstrumentId instrument;
  std::uint64_t request_id;
  FeeSchedule fees;
};

// The operator's end of the trading day on spot instrument `instrument` (kAllInstruments: every
// spot instrument of the partition): its Day orders are cancelled (DayEnd). Window books' Day
// orders end at their gate closure instead. The outcome's order_id is request_id.
struct EndDay {
  OwnerId owner;
  InstrumentId instrument;
  std::uint64_t request_id;
};

struct Resell {
  OrderId order_id;
  OwnerId owner;
  HostId host;
  TimeInForce tif;  // Gtc or Ioc
  std::uint8_t leg_count;
  Price price;
  std::uint64_t client_order_id;
  SwarmLeg legs[kMaxSwarmLegs];
  // Nonzero: the agent resells for `owner` (a downgrade), which must have granted it.
  OwnerId agent = 0;
};

struct Command {
  Seq seq = 0;
  std::int64_t time_ns = 0;  // stamped by the sequencer; never read from a clock in the engine
  CommandKind kind = CommandKind::NewOrder;
  union {
    NewOrder new_order;
    CancelOrder cancel;
    ModifyOrder modify;
    MassCancel mass_cancel;
    InstrumentControl control;
    SwarmOrder swarm;
    Resell resell;
    SupplyCapacity supply;
    SetParams params;
    NewInstrument create;
    AutopilotGrant autopilot;
    SetPricing pricing;
    SetFees fees;
    EndDay end_day;
    SetTradingMode trading_mode;
    SetBreaker breaker;
  };
  // Every byte zero, whichever member a caller then fills field by field: a field added to a kind
  // later (an agent id) reads 0 in commands built as before.
  Command() : new_order{} { std::memset(static_cast<void*>(this), 0, sizeof(*this)); }
};

// The instrument whose partition a command goes to (kAllInstruments for a mass cancel of all).
InstrumentId routing_instrument(const Command& cmd) noexcept;

}  // namespace swarmex::engine
