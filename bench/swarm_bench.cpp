// Micro-benchmarks of swarm-order matching: one IOC swarm order of 2, 4 or 8 legs (4 units each)
// against 100 or 10,000 resting asks per leg instrument, placement same-host or any, beside a
// baseline of one plain IOC limit buy of the same total quantity on a single instrument. Each
// iteration times exactly one Engine::apply with the TSC (manual time) and keeps the sample, so
// the p50_ns / p99_ns counters are per-command latency percentiles. Afterwards, untimed, every ask
// the command consumed is added again at its price, host and quantity, so every iteration sees the
// same book (same asks per price and host; refilled asks go to the back of their level).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "swarmex/engine/engine.hpp"
#include "tsc_clock.hpp"

namespace {

using namespace swarmex::engine;
using swarmex::bench::process_tsc_clock;
using swarmex::bench::sample_percentile;
using swarmex::bench::tsc_now;

constexpr InstrumentId kInstruments = 8;  // ids 1..8, all in pool-a
constexpr HostId kHosts = 50;             // host h sells as owner kHostOwnerBase + h
constexpr OwnerId kHostOwnerBase = 1'000;
constexpr OwnerId kBuyer = 9'999;  // owns no ask: no self-trade skips
constexpr Price kBandMax = 100'000;
constexpr Price kAskPriceMin = 10'000;  // asks spread uniformly over 1,000 price levels
constexpr Price kAskPriceLevels = 1'000;
constexpr Qty kAskQty = 2;  // every ask; a leg of kLegQty takes two whole asks, never part of one
constexpr Qty kLegQty = 4;

InstrumentSpec pool_a_instrument(InstrumentId id) {
  InstrumentSpec s;
  s.id = id;
  s.symbol = "bench" + std::to_string(id) + ".pool-a.spot";
  s.resource = "bench" + std::to_string(id);
  s.pool = "pool-a";
  s.tick = 1;
  s.lot = 1;
  s.min_qty = 1;
  s.max_qty = 1'000'000;
  s.band_min = 1;
  s.band_max = kBandMax;
  return s;
}

// An engine with kInstruments instruments, each holding `asks` resting asks of kAskQty from
// kHosts hosts (round robin) at uniformly random prices.
class SwarmMarket {
 public:
  explicit SwarmMarket(std::int64_t asks)
      : engine_(std::make_unique<Engine>(EngineConfig{
            std::bit_ceil(static_cast<std::uint32_t>(asks * kInstruments) + 4096), 4096})) {
    std::mt19937_64 rng(42);
    for (InstrumentId id = 1; id <= kInstruments; ++id) {
      engine_->add_instrument(pool_a_instrument(id));
      for (std::int64_t i = 0; i < asks; ++i) {
        const HostId host = 1 + static_cast<HostId>(i % kHosts);
        const Price price = kAskPriceMin + static_cast<Price>(rng() % kAskPriceLevels);
        add_ask(id, host, kHostOwnerBase + host, price, kAskQty);
      }
    }
  }

  Engine& engine() noexcept { return *engine_; }
  EventBuffer& out() noexcept { return out_; }

  Command swarm(Placement placement, std::int64_t legs) noexcept {
    Command c;
    c.seq = ++seq_;
    c.kind = CommandKind::SwarmOrder;
    c.swarm = SwarmOrder{};
    SwarmOrder& s = c.swarm;
    s.order_id = ++next_id_;
    s.owner = kBuyer;
    s.tif = TimeInForce::Ioc;
    s.placement = placement;
    s.limit_total = kBandMax * kLegQty * legs;  // generous: never the reason it does not fill
    s.client_order_id = s.order_id;
    for (std::int64_t i = 0; i < legs; ++i)
      s.legs[s.leg_count++] = SwarmLeg{static_cast<InstrumentId>(1 + i), kLegQty};
    return c;
  }

  Command ioc_buy(Qty qty) noexcept {
    return limit_order(1, kBuyer, 0, Side::Buy, TimeInForce::Ioc, kBandMax, qty);
  }

  // Untimed: adds again every ask that `taker` consumed, and clears the events. Returns the
  // quantity the taker bought, or -1 when a maker was only partly filled (the set-up guarantees
  // it never is, so the book could not be restored exactly).
  Qty restock(OrderId taker) {
    fills_.clear();
    for (const Event& e : out_)
      if (e.kind == EventKind::Fill && e.order_id == taker) fills_.push_back(e);
    out_.clear();
    Qty bought = 0;
    for (const Event& f : fills_) {
      if (f.maker_leaves_qty != 0) return -1;
      bought += f.qty;
      add_ask(f.instrument, f.host, f.maker_owner, f.price, f.qty);
    }
    return bought;
  }

 private:
  Command limit_order(InstrumentId id, OwnerId owner, HostId host, Side side, TimeInForce tif,
                      Price price, Qty qty) noexcept {
    Command c;
    c.seq = ++seq_;
    c.kind = CommandKind::NewOrder;
    NewOrder& o = c.new_order;
    o.order_id = ++next_id_;
    o.instrument = id;
    o.owner = owner;
    o.host = host;
    o.side = side;
    o.type = OrderType::Limit;
    o.tif = tif;
    o.stp = StpMode::CancelNewest;
    o.price = price;
    o.qty = qty;
    o.client_order_id = o.order_id;
    return c;
  }
  void add_ask(InstrumentId id, HostId host, OwnerId owner, Price price, Qty qty) {
    engine_->apply(limit_order(id, owner, host, Side::Sell, TimeInForce::Gtc, price, qty), out_);
    out_.clear();
  }

  std::unique_ptr<Engine> engine_;
  EventBuffer out_;
  std::vector<Event> fills_;
  Seq seq_ = 0;
  OrderId next_id_ = 0;
};

// Times `make()` applied once per iteration; checks that it bought `expect` units and restocks.
template <typename Make>
void time_one_per_iteration(benchmark::State& state, SwarmMarket& market, Qty expect, Make make) {
  std::vector<double> ns;
  ns.reserve(1 << 16);
  process_tsc_clock();  // calibrates once, before the first sample
  {  // One untimed warm-up command, so the first sample does not pay for cold scratch buffers.
    const Command c = make();
    market.engine().apply(c, market.out());
    market.restock(c.kind == CommandKind::SwarmOrder ? c.swarm.order_id : c.new_order.order_id);
  }
  const std::uint32_t resting = market.engine().resting_orders();
  std::int64_t fills = 0;
  for (auto _ : state) {
    const Command c = make();
    const std::uint64_t t0 = tsc_now();
    market.engine().apply(c, market.out());
    const std::uint64_t t1 = tsc_now();
    const double elapsed = process_tsc_clock().to_ns(t1 - t0);
    state.SetIterationTime(elapsed * 1e-9);
    ns.push_back(elapsed);
    for (const Event& e : market.out())
      fills += e.kind == EventKind::Fill ? 1 : 0;
    const OrderId id = c.kind == CommandKind::SwarmOrder ? c.swarm.order_id : c.new_order.order_id;
    if (market.restock(id) != expect) {
      state.SkipWithError("the order did not fill in full from whole asks");
      break;
    }
  }
  if (market.engine().resting_orders() != resting)
    state.SkipWithError("the book changed size across iterations");
  state.SetItemsProcessed(state.iterations());
  state.counters["p50_ns"] = sample_percentile(ns, 0.50);
  state.counters["p99_ns"] = sample_percentile(ns, 0.99);
  state.counters["fills"] =
      static_cast<double>(fills) / static_cast<double>(std::max<std::size_t>(1, ns.size()));
  state.counters["resting"] = static_cast<double>(resting);
}

// Args: legs, resting asks per instrument.
void BM_Swarm(benchmark::State& state, Placement placement) {
  const std::int64_t legs = state.range(0);
  SwarmMarket market(state.range(1));
  time_one_per_iteration(state, market, kLegQty * legs,
                         [&] { return market.swarm(placement, legs); });
}

// Baseline. Args: total quantity (4 x legs of the swarm it compares with), resting asks per
// instrument. One plain IOC limit buy on instrument 1 at the top of the band.
void BM_PlainIoc(benchmark::State& state) {
  const Qty qty = state.range(0);
  SwarmMarket market(state.range(1));
  time_one_per_iteration(state, market, qty, [&] { return market.ioc_buy(qty); });
}

BENCHMARK_CAPTURE(BM_Swarm, same_host, Placement::SameHost)
    ->ArgsProduct({{2, 4, 8}, {100, 10'000}})
    ->ArgNames({"legs", "asks"})
    ->UseManualTime();
BENCHMARK_CAPTURE(BM_Swarm, any, Placement::Any)
    ->ArgsProduct({{2, 4, 8}, {100, 10'000}})
    ->ArgNames({"legs", "asks"})
    ->UseManualTime();
BENCHMARK(BM_PlainIoc)
    ->ArgsProduct({{2 * kLegQty, 4 * kLegQty, 8 * kLegQty}, {100, 10'000}})
    ->ArgNames({"qty", "asks"})
    ->UseManualTime();

}  // namespace

BENCHMARK_MAIN();
