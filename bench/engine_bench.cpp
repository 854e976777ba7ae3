// Micro-benchmarks of single engine commands at book depths 10, 1,000 and 100,000 resting orders:
// passive add, cancel, aggressive match, modify (quantity down, price change). Each benchmark
// times batches of prebuilt commands with the TSC (manual time, reported per command); add /
// cancel / match undo or replenish their batch untimed afterwards, so depth stays constant without
// PauseTiming, and modifies keep depth by nature.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include "flow_file.hpp"
#include "swarmex/engine/engine.hpp"
#include "tsc_clock.hpp"

namespace {

using namespace swarmex::engine;
using swarmex::bench::process_tsc_clock;
using swarmex::bench::tsc_now;

constexpr InstrumentId kInstrument = 1;
constexpr Price kMid = 10'000;
constexpr OwnerId kAggressorOwner = 5'000;  // never an owner of a resting order: no self-trades
constexpr std::int64_t kBatch = 16;         // commands timed per TSC pair
constexpr std::size_t kRandomCount = 1 << 16;

struct Resting {
  OrderId id;
  Side side;
  Price price;
  Qty qty;
};

// An engine holding `depth` resting orders, half bids below the mid and half asks above, spread
// over up to 100 levels per side.
class Book {
 public:
  Book(std::int64_t depth, Qty qty)
      : engine_(std::make_unique<Engine>(
            EngineConfig{std::bit_ceil(static_cast<std::uint32_t>(depth) + 4096)})),
        levels_(std::clamp<std::int64_t>(depth / 2, 1, 100)),
        rng_(42) {
    engine_->add_instrument(swarmex::bench::flow_instrument(kInstrument));
    for (std::int64_t i = 0; i < depth; ++i) {
      const Side side = i % 2 == 0 ? Side::Buy : Side::Sell;
      resting_.push_back(add(side, passive_price(side, 1 + (i / 2) % levels_), qty));
    }
    for (std::size_t i = 0; i < kRandomCount; ++i)
      random_.push_back(rng_());
    out_.clear();
  }

  Engine& engine() noexcept { return *engine_; }
  EventBuffer& out() noexcept { return out_; }
  std::vector<Resting>& resting() noexcept { return resting_; }
  [[nodiscard]] std::int64_t levels() const noexcept { return levels_; }
  // Precomputed random numbers, so the timed loops do not run the generator.
  std::uint64_t random(std::size_t i) const noexcept { return random_[i & (kRandomCount - 1)]; }

  [[nodiscard]] static Price passive_price(Side side, std::int64_t offset) noexcept {
    return side == Side::Buy ? kMid - offset : kMid + offset;
  }

  Command new_order(Side side, Price price, Qty qty, OwnerId owner = 0) noexcept {
    Command c;
    c.seq = ++seq_;
    c.kind = CommandKind::NewOrder;
    NewOrder& o = c.new_order;
    o.order_id = ++next_id_;
    o.instrument = kInstrument;
    o.owner = owner != 0 ? owner : swarmex::bench::flow_owner(o.order_id);
    o.host = side == Side::Sell ? o.owner : 0;
    o.side = side;
    o.type = OrderType::Limit;
    o.tif = TimeInForce::Gtc;
    o.stp = StpMode::CancelNewest;
    o.price = price;
    o.qty = qty;
    return c;
  }
  Command cancel(OrderId id) noexcept {
    Command c;
    c.seq = ++seq_;
    c.kind = CommandKind::CancelOrder;
    c.cancel = CancelOrder{id, swarmex::bench::flow_owner(id), kInstrument};
    return c;
  }
  Command modify(OrderId id, Price price, Qty qty) noexcept {
    Command c;
    c.seq = ++seq_;
    c.kind = CommandKind::ModifyOrder;
    c.modify = ModifyOrder{id, swarmex::bench::flow_owner(id), kInstrument, price, qty};
    return c;
  }

  void apply(const Command& c) noexcept {
    engine_->apply(c, out_);
    out_.clear();
  }
  Resting add(Side side, Price price, Qty qty) {
    const Command c = new_order(side, price, qty);
    apply(c);
    return Resting{c.new_order.order_id, side, price, qty};
  }

 private:
  std::unique_ptr<Engine> engine_;
  EventBuffer out_;
  std::int64_t levels_;
  std::mt19937_64 rng_;
  std::vector<Resting> resting_;
  std::vector<std::uint64_t> random_;
  Seq seq_ = 0;
  OrderId next_id_ = 0;
};

void report(benchmark::State& state, Book& book) {
  state.SetItemsProcessed(state.iterations());
  state.counters["depth"] = static_cast<double>(book.engine().resting_orders());
  state.counters["bytes_per_order"] = static_cast<double>(book.engine().bytes_per_order());
}

// Timed: kBatch passive adds at random levels. Untimed: cancelling them again.
void BM_AddPassive(benchmark::State& state) {
  Book book(state.range(0), 10);
  Command batch[kBatch];
  std::size_t r = 0;
  while (state.KeepRunningBatch(kBatch)) {
    for (std::int64_t k = 0; k < kBatch; ++k, ++r) {
      const Side side = k % 2 == 0 ? Side::Buy : Side::Sell;
      batch[k] =
          book.new_order(side, Book::passive_price(side, 1 + book.random(r) % book.levels()), 10);
    }
    const std::uint64_t t0 = tsc_now();
    for (const Command& c : batch)
      book.apply(c);
    const std::uint64_t t1 = tsc_now();
    for (const Command& c : batch)
      book.apply(book.cancel(c.new_order.order_id));
    state.SetIterationTime(process_tsc_clock().to_ns(t1 - t0) * 1e-9);
  }
  report(state, book);
}

// Timed: cancels of random resting orders. Untimed: adding as many new ones at random levels.
void BM_Cancel(benchmark::State& state) {
  Book book(state.range(0), 10);
  const std::int64_t batch_size = std::clamp<std::int64_t>(state.range(0) / 2, 1, kBatch);
  std::vector<Resting>& resting = book.resting();
  Command batch[kBatch];
  std::size_t r = 0;
  while (state.KeepRunningBatch(batch_size)) {
    for (std::int64_t k = 0; k < batch_size; ++k, ++r) {
      const std::size_t i = book.random(r) % resting.size();
      batch[k] = book.cancel(resting[i].id);
      resting[i] = resting.back();
      resting.pop_back();
    }
    const std::uint64_t t0 = tsc_now();
    for (std::int64_t k = 0; k < batch_size; ++k)
      book.apply(batch[k]);
    const std::uint64_t t1 = tsc_now();
    for (std::int64_t k = 0; k < batch_size; ++k, ++r) {
      const Side side = book.random(r) % 2 == 0 ? Side::Buy : Side::Sell;
      resting.push_back(
          book.add(side, Book::passive_price(side, 1 + (book.random(r) >> 8) % book.levels()), 10));
    }
    state.SetIterationTime(process_tsc_clock().to_ns(t1 - t0) * 1e-9);
  }
  report(state, book);
}

// Timed: crossing orders, alternately buy and sell, each filling exactly one resting order of the
// best level in full. Untimed: a new resting order at each filled price, so the book keeps shape.
void BM_AggressiveMatch(benchmark::State& state) {
  Book book(state.range(0), 10);
  const std::int64_t batch_size = std::clamp<std::int64_t>(state.range(0) / 2, 1, kBatch);
  EventBuffer& out = book.out();
  Command batch[kBatch];
  std::vector<std::pair<Side, Price>> refill;
  std::int64_t fills = 0;
  while (state.KeepRunningBatch(batch_size)) {
    for (std::int64_t k = 0; k < batch_size; ++k) {
      const Side side = k % 2 == 0 ? Side::Buy : Side::Sell;
      batch[k] = book.new_order(side, Book::passive_price(opposite(side), book.levels()), 10,
                                kAggressorOwner);
    }
    const std::uint64_t t0 = tsc_now();
    for (std::int64_t k = 0; k < batch_size; ++k)
      book.engine().apply(batch[k], out);
    const std::uint64_t t1 = tsc_now();
    refill.clear();
    for (const Event& e : out)
      if (e.kind == EventKind::Fill) refill.emplace_back(opposite(e.side), e.price);
    out.clear();
    fills += static_cast<std::int64_t>(refill.size());
    for (const auto& [side, price] : refill)
      book.add(side, price, 10);
    state.SetIterationTime(process_tsc_clock().to_ns(t1 - t0) * 1e-9);
  }
  report(state, book);
  state.counters["fills_per_order"] =
      static_cast<double>(fills) / static_cast<double>(state.iterations());
}

// Timed: kBatch modifies built beforehand, so the harness's own bookkeeping stays untimed.
template <typename MakeModify>
void time_modifies(benchmark::State& state, Book& book, MakeModify make) {
  Command batch[kBatch];
  std::size_t r = 0;
  while (state.KeepRunningBatch(kBatch)) {
    for (Command& c : batch)
      c = make(book.random(r++));
    const std::uint64_t t0 = tsc_now();
    for (const Command& c : batch)
      book.apply(c);
    const std::uint64_t t1 = tsc_now();
    state.SetIterationTime(process_tsc_clock().to_ns(t1 - t0) * 1e-9);
  }
  report(state, book);
}

// Quantity down by one at the same price (keeps priority); a rare reset to the full quantity when
// an order runs down.
void BM_ModifyQtyDown(benchmark::State& state) {
  constexpr Qty kFullQty = 1'000'000;
  Book book(state.range(0), kFullQty);
  std::vector<Resting>& resting = book.resting();
  time_modifies(state, book, [&](std::uint64_t x) {
    Resting& o = resting[x % resting.size()];
    o.qty = o.qty > 1 ? o.qty - 1 : kFullQty;
    return book.modify(o.id, o.price, o.qty);
  });
}

// Price change to another passive level on the same side (loses priority, never crosses).
void BM_ModifyPrice(benchmark::State& state) {
  Book book(state.range(0), 10);
  std::vector<Resting>& resting = book.resting();
  const std::int64_t levels = book.levels();
  time_modifies(state, book, [&](std::uint64_t x) {
    Resting& o = resting[x % resting.size()];
    // Any other level of the side (offsets 1..levels from the mid).
    const std::int64_t offset = o.side == Side::Buy ? kMid - o.price : o.price - kMid;
    const std::int64_t shift =
        levels > 1 ? 1 + static_cast<std::int64_t>((x >> 32) % (levels - 1)) : 0;
    o.price = Book::passive_price(o.side, 1 + (offset - 1 + shift) % levels);
    return book.modify(o.id, o.price, o.qty);
  });
}

void depths(benchmark::internal::Benchmark* b) {
  for (const std::int64_t depth : {10, 1'000, 100'000})
    b->Arg(depth);
  b->ArgName("depth");
}

BENCHMARK(BM_AddPassive)->Apply(depths)->UseManualTime();
BENCHMARK(BM_Cancel)->Apply(depths)->UseManualTime();
BENCHMARK(BM_AggressiveMatch)->Apply(depths)->UseManualTime();
BENCHMARK(BM_ModifyQtyDown)->Apply(depths)->UseManualTime();
BENCHMARK(BM_ModifyPrice)->Apply(depths)->UseManualTime();

}  // namespace

BENCHMARK_MAIN();
