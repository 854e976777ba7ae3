// Delivery windows in the journal and snapshots: a flow of orders on window books with Rolls
// that list and close windows (expiring resting orders) recovers from a snapshot (format v3,
// through its file encoding) plus the journal to the live engine's state hash, calendar and
// listed windows.
#include <gtest/gtest.h>

#include <random>

#include "journal_flow.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/journal/recovery.hpp"
#include "swarmex/journal/snapshot_file.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::journal {
namespace {

using namespace swarmex::engine;
using swarmex::common::TempDir;

constexpr std::int64_t kMinute = 60'000'000'000;
constexpr std::int64_t kStart = 498'710 * 60 * kMinute;  // 2026-11-22T14:00Z

Product quarter_hours() {
  Product p;
  p.rules.id = 50;
  p.rules.symbol = "mem.pool-a";
  p.rules.resource = "mem";
  p.rules.pool = "pool-a";
  p.rules.band_min = 1;
  p.rules.band_max = 200;
  p.length_ns = 15 * kMinute;
  p.listed_ahead_ns = 120 * kMinute;
  p.gate_closure_ns = 5 * kMinute;
  return p;
}

std::unique_ptr<Engine> test_engine() {
  auto e = std::make_unique<Engine>(EngineConfig{1u << 14});
  e->add_product(quarter_hours());
  return e;
}

// Orders on random books (some refused: idle book or past gate closure) and a Roll every 16th
// command, the clock moving 0..3 minutes per command.
std::vector<Command> flow(Engine& live, std::size_t n, std::size_t* expired) {
  std::mt19937_64 rng(11);
  const std::uint32_t books = book_count(quarter_hours());
  std::vector<Command> out;
  EventBuffer ev;
  std::int64_t now = kStart;
  for (std::size_t i = 0; i < n; ++i) {
    now += static_cast<std::int64_t>(rng() % 4) * kMinute / 2;
    Command c;
    if (i % 16 == 15) {
      c.kind = CommandKind::Roll;
    } else {
      c.kind = CommandKind::NewOrder;
      const bool sell = rng() % 2 == 0;
      const auto owner = static_cast<OwnerId>(1 + rng() % 4);
      c.new_order = NewOrder{i + 1,
                             50 + static_cast<InstrumentId>(rng() % books),
                             owner,
                             sell ? 100 + owner : 0,
                             sell ? Side::Sell : Side::Buy,
                             OrderType::Limit,
                             rng() % 4 == 0 ? TimeInForce::Ioc : TimeInForce::Gtc,
                             StpMode::None,
                             false,
                             static_cast<Price>(90 + rng() % 20),
                             static_cast<Qty>(1 + rng() % 5),
                             0,
                             i + 1};
    }
    c.seq = i + 1;
    c.time_ns = now;
    ev.clear();
    live.apply(c, ev);
    for (const Event& e : ev)
      if (e.kind == EventKind::Cancelled &&
          e.reason == static_cast<std::uint8_t>(CancelReason::GateClosed))
        ++*expired;
    out.push_back(c);
  }
  return out;
}

TEST(WindowJournalTest, FlowWithTicksRecoversFromSnapshotAndJournal) {
  TempDir dir;
  auto files = open_directory(dir.str());
  const auto live = test_engine();
  std::size_t expired = 0;
  const std::vector<Command> cmds = flow(*live, 6'000, &expired);
  ASSERT_GT(expired, 100u) << "the flow must close windows with orders resting in them";
  ASSERT_GT(live->resting_orders(), 0u);

  ASSERT_EQ(testing::journal_all(*files, cmds), 0);
  const auto half = test_engine();
  const EngineSnapshot snap =
      testing::snapshot_after(*half, std::span(cmds).first(cmds.size() / 2));
  const auto decoded = decode_snapshot(encode_snapshot(snap));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->calendar_ns, half->calendar_ns());
  ASSERT_EQ(decoded->products.size(), 1u);
  EXPECT_EQ(decoded->products[0].length_ns, 15 * kMinute);
  ASSERT_EQ(write_snapshot(*files, snap), 0);

  RecoveryOptions opt;
  opt.engine = EngineConfig{1u << 14};
  opt.products = {quarter_hours()};
  Recovered r = recover(*files, opt);
  EXPECT_EQ(r.replayed, cmds.size() - cmds.size() / 2) << "replayed from the snapshot";
  EXPECT_EQ(r.engine->state_hash(), live->state_hash());
  EXPECT_EQ(r.engine->calendar_ns(), live->calendar_ns());
  for (std::uint32_t s = 0; s < book_count(quarter_hours()); ++s)
    EXPECT_EQ(r.engine->instrument(50 + s)->window.start_ns,
              live->instrument(50 + s)->window.start_ns);
}

TEST(WindowJournalTest, AProductChangedSinceTheSnapshotStopsRecovery) {
  TempDir dir;
  auto files = open_directory(dir.str());
  const auto e = test_engine();
  Command tick;
  tick.kind = CommandKind::Roll;
  tick.seq = 1;
  tick.time_ns = kStart;
  EventBuffer ev;
  e->apply(tick, ev);
  EngineSnapshot snap;
  e->snapshot(snap);
  ASSERT_EQ(write_snapshot(*files, snap), 0);
  RecoveryOptions opt;
  opt.engine = EngineConfig{1u << 14};
  opt.products = {quarter_hours()};
  EXPECT_EQ(recover(*files, opt).snapshot_seq, 1u);
  opt.products[0].gate_closure_ns += kMinute;
  EXPECT_THROW(recover(*files, opt), std::runtime_error);
}

TEST(WindowJournalTest, ProductsWithoutASnapshotComeFromTheConfiguration) {
  TempDir dir;
  auto files = open_directory(dir.str());
  RecoveryOptions opt;
  opt.products = {quarter_hours()};
  Recovered r = recover(*files, opt);
  ASSERT_NE(r.engine->product_of(50), nullptr);
  EXPECT_EQ(r.engine->product_of(50)->length_ns, 15 * kMinute);
  EXPECT_EQ(r.engine->product_of(49), nullptr);
}

}  // namespace
}  // namespace swarmex::journal
