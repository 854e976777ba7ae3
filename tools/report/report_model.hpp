// The market report's arithmetic: spend, revenue, margin over reserve, fees, volume, VWAP and
// utilisation over time, added up from the engine's own events as a replay produces them. No I/O:
// the replay (journal_replay.hpp) feeds it, the formatter (report_format.hpp) prints it.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "swarmex/engine/command.hpp"
#include "swarmex/engine/event.hpp"
#include "swarmex/engine/instrument.hpp"

namespace swarmex::report {

inline constexpr std::int64_t kHourNs = 3'600'000'000'000;

struct ReportOptions {
  // Fills whose command time is in [from_ns, to_ns] count (both ends inclusive).
  std::int64_t from_ns = std::numeric_limits<std::int64_t>::min();
  std::int64_t to_ns = std::numeric_limits<std::int64_t>::max();
  std::int64_t step_ns = kHourNs;  // utilisation: one point at every multiple of this
  std::size_t max_points = 100'000;
};

// A buyer's totals: what it paid for capacity (fees apart) and what it got, by resource.
struct BuyerTotals {
  std::uint64_t fills = 0;
  std::int64_t qty = 0;
  std::int64_t spend = 0;  // Σ fill_value of its buys
  std::int64_t fees = 0;   // the fees charged to it as buyer (negative: rebates)
  std::map<std::string, std::int64_t> unit_ms;  // Σ qty x lease, unit-milliseconds by resource
};

// A seller's totals: a host's own asks, or a tenant's resale asks.
struct SellerTotals {
  std::uint64_t fills = 0;
  std::int64_t qty = 0;
  std::int64_t revenue = 0;           // Σ fill_value of its sales
  std::int64_t reserve_value = 0;     // Σ fill_value at each ask's own limit price (a peg's base)
  std::int64_t fees = 0;              // the fees charged to it as seller
  std::uint64_t unknown_reserve = 0;  // fills of asks placed before the replay began
  [[nodiscard]] std::int64_t margin() const noexcept { return revenue - reserve_value; }
};

// One pool and resource.
struct MarketTotals {
  std::uint64_t fills = 0;
  std::int64_t qty = 0;
  std::int64_t value = 0;  // Σ fill_value
  __int128 price_qty = 0;  // Σ price x qty, for the VWAP
  std::int64_t fees = 0;   // Σ taker_fee + maker_fee
  // Σ price x qty ÷ Σ qty, rounded down; 0 without fills.
  [[nodiscard]] std::int64_t vwap() const noexcept {
    return qty == 0 ? 0 : static_cast<std::int64_t>(price_qty / qty);
  }
};

struct UtilPoint {
  std::int64_t time_ns = 0;
  std::int64_t leased = 0;    // units under lease at time_ns (host asks' fills; resales move them)
  std::int64_t capacity = 0;  // units the pool's hosts declared, as in force at time_ns
};

using PoolResource = std::pair<std::string, std::string>;  // (pool, resource)

struct Report {
  std::int64_t first_time_ns = 0;  // commands seen (any kind)
  std::int64_t last_time_ns = 0;
  std::uint64_t fills = 0;
  std::int64_t qty = 0;
  std::int64_t value = 0;
  std::int64_t taker_fees = 0;
  std::int64_t maker_fees = 0;
  std::map<engine::OwnerId, BuyerTotals> buyers;
  std::map<engine::OwnerId, SellerTotals> sellers;
  std::map<engine::OwnerId, std::int64_t> fees_by_principal;  // as buyer and as seller
  std::map<PoolResource, MarketTotals> markets;
  std::map<PoolResource, std::vector<UtilPoint>> utilisation;
};

// Feed it every replayed command with its events, in each partition's sequence order; then
// finish(). Deterministic: the same commands give the same report.
class Aggregator {
 public:
  explicit Aggregator(ReportOptions options = {}) : options_(options) {}

  // Instruments known before the replay (configuration, snapshot); those a replayed
  // CreateInstrument adds are learned from it.
  void add_instrument(const engine::InstrumentSpec& spec);
  void on_command(const engine::Command& cmd, const engine::EventBuffer& events);
  // Throws std::runtime_error when the utilisation range needs more than max_points points.
  [[nodiscard]] Report finish() const;

  // The parts of on_command, for callers (tests) that make events by hand.
  void on_ask(engine::OrderId order_id, engine::Price reserve, bool resale);
  void on_supply(std::int64_t time_ns, engine::HostId host, engine::InstrumentId instrument,
                 engine::Qty capacity);
  void on_fill(std::int64_t time_ns, const engine::Event& fill);

 private:
  struct Ask {
    engine::Price reserve;
    bool resale;
  };
  struct Lease {
    std::int64_t start_ns, end_ns, qty;
  };
  struct SupplyChange {
    std::int64_t time_ns;
    engine::HostId host;
    engine::Qty capacity;
  };
  void note_time(std::int64_t time_ns);
  [[nodiscard]] const engine::InstrumentSpec* spec(engine::InstrumentId id) const;
  void utilisation(Report& r) const;

  ReportOptions options_;
  bool seen_ = false;
  std::unordered_map<engine::InstrumentId, engine::InstrumentSpec> instruments_;
  std::unordered_map<engine::OrderId, Ask> asks_;
  std::map<PoolResource, std::vector<Lease>> leases_;  // every fill, whatever the range
  std::map<PoolResource, std::vector<SupplyChange>> supply_;
  Report report_;
};

// Saturating int64 sum (a hostile band can make single fills saturate).
std::int64_t add_sat(std::int64_t a, std::int64_t b) noexcept;

}  // namespace swarmex::report
