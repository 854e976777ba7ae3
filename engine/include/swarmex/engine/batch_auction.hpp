// Frequent batch auctions and circuit breakers (docs/auctions.md): an instrument's trading mode
// (continuous or batches of interval_ns, cleared at one uniform price) and its breaker (a
// maximum move from a reference price within a window; a breach halts the instrument, which
// resumes through one auction after a cool-off). The commands that set them, the state the
// engine keeps per instrument, and the pure clearing rule the engine and its tests share.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "swarmex/engine/types.hpp"

namespace swarmex::engine {

enum class TradingMode : std::uint8_t { Continuous = 0, Batch = 1 };

// The longest batch interval an operator may set (one day).
inline constexpr std::int64_t kMaxBatchIntervalNs = 86'400LL * 1'000'000'000;
// The largest move a breaker may allow, in basis points (1000%).
inline constexpr std::int32_t kMaxBreakerBps = 100'000;
// Curve points an AuctionResult carries at most on each side of the clearing price.
inline constexpr std::size_t kAuctionCurveSide = 32;

// CommandKind::SetTradingMode. `instrument` first: routing reads it like a Halt's. The outcome's
// order_id is request_id.
struct SetTradingMode {
  InstrumentId instrument;
  OwnerId owner;
  std::uint64_t request_id;
  TradingMode mode;
  std::int64_t interval_ns;  // batch: > 0 and at most kMaxBatchIntervalNs
};

// CommandKind::SetBreaker: `on` false removes it. A halt in progress ends at its resume time.
struct SetBreaker {
  InstrumentId instrument;
  OwnerId owner;
  std::uint64_t request_id;
  bool on;
  std::int32_t max_move_bps;  // on: 1 … kMaxBreakerBps
  std::int64_t window_ns;     // on: 1 … kMaxBatchIntervalNs
  std::int64_t cooloff_ns;    // on: 0 … kMaxBatchIntervalNs
};

// What the engine keeps per instrument once either command named it (never removed: it also
// holds the last trade price the auctions use as their reference).
struct AuctionState {
  TradingMode mode = TradingMode::Continuous;
  std::int64_t interval_ns = 0;
  std::int64_t batch_end_ns = 0;  // batch mode: the open batch clears at the first command >= it
  std::int32_t max_move_bps = 0;  // 0: no breaker
  std::int64_t window_ns = 0;
  std::int64_t cooloff_ns = 0;
  Price reference = 0;  // the breaker's reference price (0: no window open)
  std::int64_t reference_ns = 0;
  bool breaker_halted = false;  // halted by the breaker: resumes through an auction ...
  std::int64_t resume_ns = 0;   // ... at the first command at or after this time
  Price last_price = 0;         // the latest trade, continuous or auction (0: none yet)

  // Orders rest without matching: a batch is open, or the breaker halted the instrument.
  [[nodiscard]] bool collecting() const noexcept {
    return mode == TradingMode::Batch || breaker_halted;
  }
  bool operator==(const AuctionState&) const = default;
};

// The end of the batch open at `now_ns`: the next multiple of the interval after it (batches
// are aligned to the epoch, so every replay cuts them alike).
constexpr std::int64_t next_batch_end_ns(std::int64_t now_ns, std::int64_t interval_ns) noexcept {
  std::int64_t q = now_ns / interval_ns;
  if (now_ns % interval_ns != 0 && now_ns < 0) --q;
  return (q + 1) * interval_ns;
}

struct SnapshotAuction {
  InstrumentId instrument;
  AuctionState state;
};

// Event::reason of an AuctionResult: the summary, or one point of the curves before it.
enum class AuctionPart : std::uint8_t { Result = 0, CurvePoint = 1 };
// Event::reason of an InstrumentState event.
enum class StateCause : std::uint8_t { Breaker = 1 };

// One price level of a batch: the quantity resting there per side.
struct AuctionLevel {
  std::int64_t level;  // index in the book's level array
  Qty bids;
  Qty asks;
};

// The uniform price of a batch (levels ascending, distinct). The price maximises executable
// volume min(demand, supply); ties: smallest |demand - supply|, then closest to `reference`
// (a price, possibly off tick), then the lower price. Demand at p: bids at p or higher; supply:
// asks at p or lower. Candidates are every level in [first, last], between occupied levels
// too. volume 0: nothing crosses (level undefined).
struct Clearing {
  std::int64_t level = 0;
  __int128 volume = 0;
  __int128 demand = 0;
  __int128 supply = 0;
};
Clearing clear_batch(std::span<const AuctionLevel> levels, Price base_price, Price tick,
                     Price reference) noexcept;

// Pro rata of `units` over `qtys` (units < their sum): floor(units × q / sum) each, then one
// more to the largest remainders, ties to the lower `ids` (which must be distinct). Into *out.
void pro_rata(std::span<const Qty> qtys, std::span<const OrderId> ids, Qty units,
              std::vector<Qty>* out);

}  // namespace swarmex::engine
