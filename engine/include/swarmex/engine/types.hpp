// Engine vocabulary: ids, enums and the one reject-reason enum the protocol maps 1:1.
#pragma once

#include <cstdint>
#include <string_view>

namespace swarmex::engine {

using OrderId = std::uint64_t;
using OwnerId = std::uint32_t;  // principal id of a tenant, host or operator
using HostId = std::uint32_t;   // host that must enact an ask; 0 on bids
using InstrumentId = std::uint32_t;
using Seq = std::uint64_t;
using Price = std::int64_t;  // micro-units per unit per hour, a multiple of the tick
using Qty = std::int64_t;    // whole units (VRUs, partitions, ...), a multiple of the lot

inline constexpr InstrumentId kAllInstruments = 0xFFFFFFFFu;

enum class Side : std::uint8_t { Buy = 0, Sell = 1 };
enum class OrderType : std::uint8_t { Limit = 0, Market = 1 };
// Gtd rests until NewOrder::expire_time_ns; Day until the operator's EndDay (spot) or its
// window's gate closure (docs/order-types.md).
enum class TimeInForce : std::uint8_t { Gtc = 0, Ioc = 1, Fok = 2, Gtd = 3, Day = 4 };

// Does an order of this time in force rest what it does not fill?
constexpr bool rests(TimeInForce tif) noexcept {
  return tif == TimeInForce::Gtc || tif == TimeInForce::Gtd || tif == TimeInForce::Day;
}

// Self-trade prevention, applied when an incoming order meets a resting order of its owner.
enum class StpMode : std::uint8_t {
  None = 0,          // self-trades allowed
  CancelNewest = 1,  // cancel the incoming order's remainder
  CancelOldest = 2,  // cancel the resting order, keep matching
  CancelBoth = 3,    // cancel both
};

// Every reason a command can be refused. Values are wire values: append only.
enum class RejectReason : std::uint8_t {
  None = 0,
  UnknownInstrument = 1,
  InvalidSide = 2,
  InvalidOrderType = 3,
  InvalidTimeInForce = 4,
  InvalidStpMode = 5,
  InvalidQuantity = 6,  // zero or negative
  QuantityOffLot = 7,   // not a multiple of the lot
  QuantityBelowMin = 8,
  QuantityAboveMax = 9,
  InvalidPrice = 10,  // zero or negative limit price
  PriceOffTick = 11,
  PriceOutsideBand = 12,
  NotionalOverflow = 13,    // price x qty does not fit in int64
  InvalidMinQuantity = 14,  // negative, above qty or off lot
  DuplicateOrderId = 15,
  UnknownOrder = 16,  // also: an order of another owner (leaks nothing)
  WouldCrossPostOnly = 17,
  InstrumentHalted = 18,
  OrderCapacityExhausted = 19,
  StaleSequence = 20,        // sequence number not above the last applied one
  InvalidCommand = 21,       // unknown command kind
  PostOnlyNotLimitGtc = 22,  // post-only needs a GTC limit order
  MarketNotImmediate = 23,   // market orders must be IOC or FOK
  UnknownCommandOwner = 24,  // owner id 0 is reserved
  // Reasons only the gateway gives (the engine never sees such a command); one enum, so the
  // protocol maps it 1:1.
  NotLoggedOn = 25,
  BadCredentials = 26,
  WrongRole = 27,  // tenant sending Admin, host buying, tenant subscribing to fills
  RateLimited = 28,
  MalformedMessage = 29,  // failed the FlatBuffers verifier or our own validation
  UnknownMessage = 30,    // a union type this server does not know
  DuplicateClientOrderId = 31,
  SessionLimit = 32,
  AlreadyLoggedOn = 33,
  NotYourHost = 34,         // a host subscribing to another host's fills
  JournalUnavailable = 35,  // the journal failed: nothing more can be acknowledged
  InvalidParameter = 36,    // an admin parameter out of range
  IdleTimeout = 37,         // no message (not even a Heartbeat) within the idle timeout
  SlowConsumer = 38,        // outbound backlog over its bound
  // Swarm orders.
  InvalidPlacement = 39,      // not same-host, same-pool or any
  InvalidLegs = 40,           // no legs, more than kMaxSwarmLegs, or one instrument twice
  LegsNotSamePool = 41,       // same-pool placement with legs in different pools
  LegsAcrossPartitions = 42,  // gateway: legs on instruments that different partitions own
  UnknownTemplate = 43,       // gateway: no swarm template of that name
  // Delivery windows.
  WindowNotTrading = 44,  // the book lists no window now, or its window is past gate closure
  UnknownProduct = 45,    // gateway: no scheduled product of that resource, pool and length
  InvalidWindow = 46,     // gateway: no window starts at that time, or a block of 0 or > 8
  // Resale: the reseller holds less of that window from that host than it offers (or the
  // instrument is not a delivery window, where nothing is held).
  InsufficientHolding = 47,
  // Admin: SetParams with a band that is not positive, off tick, inverted or over kMaxBandLevels
  // levels (with the resting orders it must keep).
  InvalidBand = 48,
  // Admin: SetParams with min_qty / max_qty negative, off lot, or min_qty above max_qty.
  InvalidQuantityLimits = 49,
  // Admin: SetParams on a window book (a scheduled product's rules come from the configuration).
  ScheduledInstrument = 50,
  // Admin: CreateInstrument with an id or symbol that an instrument or window book has.
  DuplicateInstrument = 51,
  // Usage telemetry (gateway only): a host's UsageReport for a tenant that holds nothing on it.
  NoAllocation = 52,
  // Usage telemetry: a UsageReport whose values no host can measure (docs/protocol.md).
  ImplausibleUsage = 53,
  // The autopilot: an agent's order for a tenant without a grant for that resource, pool and
  // product; above the grant's unit price; or past its spend per hour.
  NotOptedIn = 54,
  OverPrice = 55,
  OverBudget = 56,
  // A host's session closed because its controller keeps failing to enforce fills: it is
  // declared lost (server.host_failed_enactments).
  HostFailing = 57,
  // Pool pricing: a curve whose points are out of order or range, that falls, or that no base
  // keeps inside the band (pricing.hpp).
  InvalidCurve = 58,
  // A pegged order that is not a host's limit ask (tenants, bids, resale and agent orders).
  PeggedNotHostAsk = 59,
  // A standby host's ask before the exchange activated it.
  HostStandby = 60,
  // Admin: SetFees out of range (fees.hpp: check_fees).
  InvalidFee = 61,
  // A GTD order whose expiry time is at or before the command's sequenced time.
  ExpireTimeInPast = 62,
  // An iceberg's display quantity not above 0, off lot or not below the order's quantity; or an
  // iceberg that is not a resting limit order (market, IOC, FOK, pegged, post-only... see
  // docs/order-types.md).
  InvalidDisplayQty = 63,
  // 64: reserved.
  // Admin: SetTradingMode with an unknown mode, or batch with an interval of 0 or over a day.
  InvalidTradingMode = 65,
  // Admin: SetBreaker with a maximum move or window of 0 (or out of range), or a negative
  // cool-off.
  InvalidBreaker = 66,
  // An order a batch auction cannot honour (FOK, a minimum quantity, a swarm leg) on an
  // instrument that is collecting a batch or halted by its breaker.
  UnsupportedInAuction = 67,
  // Logon refused without checking the token: failed logons from this address or for this
  // principal are backing off, or the token verifier's queue is full (connection closed).
  LogonThrottled = 68,
  // Too many connections that have not logged on, from this address or in total (closed at once).
  ConnectionLimit = 69,
  // Fair share (gateway only, [limits.<role>]): a principal at its resting orders on the
  // partition, at its logged-on sessions, at its market-data subscriptions, over its requests per
  // second across all its sessions, or asking for more book levels than it may.
  PrincipalOrderLimit = 70,
  PrincipalSessionLimit = 71,
  SubscriptionLimit = 72,
  PrincipalRateLimited = 73,
  DepthLimit = 74,
  // Gateway: a resume_from_seq (Logon) or from_seq (SubscribeFills) past the end of the stream,
  // UINT64_MAX included: the client's position belongs to another history or is corrupt.
  ResumeBeyondEnd = 75,
  // Gateway: a Logon whose expect_history is not this exchange's history (LogonAck.history).
  HistoryMismatch = 76,
  // Gateway, in a cluster (docs/cluster.md): this node is not the leader (a standby, or a leader
  // another node deposed); the client tries the next server of its list.
  NotLeader = 77,
  // Gateway, pools across clusters (docs/cluster.md): the order's pool is served by another
  // cluster (the report's text says which, and its nodes); legs in pools of different clusters.
  PoolOnAnotherNode = 78,
  LegsSpanNodes = 79,
  kCount
};

// Why a live order left the book without a cancel request of its own.
enum class CancelReason : std::uint8_t {
  Requested = 0,
  IocRemainder = 1,
  FokUnfillable = 2,
  MinQtyNotMet = 3,
  SelfTrade = 4,
  MarketProtection = 5,  // market order remainder beyond its protection price
  NoLiquidity = 6,       // market order with an empty opposite side
  MassCancel = 7,
  SwarmUnfillable = 8,  // an IOC swarm order whose legs could not all fill within its limit
  GateClosed = 9,       // its delivery window reached gate closure: the order expired
  // A host's ask its supply group has no room left for over the ask's lease (sold elsewhere);
  // also the reason on a Modified event that trims such an ask to what still fits.
  SupplyExhausted = 10,
  // Not a cancel: the reason on the Modified event of a pegged ask its pool's curve moved.
  Repriced = 11,
  // A GTD order reached its expiry time (NewOrder::expire_time_ns) at a sequenced command.
  Expired = 12,
  // A Day order at the operator's end of the trading day (EndDay).
  DayEnd = 13,
  kCount
};

std::string_view to_string(RejectReason reason) noexcept;
std::string_view to_string(CancelReason reason) noexcept;
std::string_view to_string(Side side) noexcept;
std::string_view to_string(OrderType type) noexcept;
std::string_view to_string(TimeInForce tif) noexcept;
std::string_view to_string(StpMode mode) noexcept;

constexpr Side opposite(Side s) noexcept {
  return s == Side::Buy ? Side::Sell : Side::Buy;
}

}  // namespace swarmex::engine
