// CreateInstrument in the journal: the record round-trips with names of full length (the longest
// record), and a journal that creates an instrument and trades on it recovers to the live state
// hash from the journal alone and from a snapshot that holds the new instrument.
#include <gtest/gtest.h>

#include "journal_flow.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/journal/record.hpp"
#include "swarmex/journal/recovery.hpp"
#include "swarmex/journal/snapshot_file.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::journal {
namespace {

using namespace swarmex::engine;
using swarmex::common::TempDir;

InstrumentSpec cpu(InstrumentId id, const std::string& symbol) {
  InstrumentSpec s;
  s.id = id;
  s.symbol = symbol;
  s.resource = "cpu";
  s.pool = "pool-a";
  s.window = Window{true, 0, 3'600'000'000'000};
  s.tick = 10;
  s.band_min = 10;
  s.band_max = 10'000;
  return s;
}

Command create(const InstrumentSpec& s) {
  Command c;
  c.kind = CommandKind::CreateInstrument;
  c.create = NewInstrument{};
  c.create.owner = 9;
  c.create.request_id = 77;
  EXPECT_TRUE(set_spec(c.create, s));
  return c;
}

Command order(OrderId id, InstrumentId instrument, Side side, Price price, Qty qty) {
  Command c;
  c.kind = CommandKind::NewOrder;
  c.new_order = NewOrder{id,
                         instrument,
                         side == Side::Buy ? 1u : 2u,
                         side == Side::Buy ? 0u : 102u,
                         side,
                         OrderType::Limit,
                         TimeInForce::Gtc,
                         StpMode::None,
                         false,
                         price,
                         qty,
                         0,
                         id};
  return c;
}

TEST(CreateInstrumentRecordTest, RoundTripsWithFullLengthNames) {
  InstrumentSpec s = cpu(1'048'575, std::string(kMaxSymbolBytes, 'y'));
  s.resource = std::string(kMaxNameBytes, 'r');
  s.pool = std::string(kMaxNameBytes, 'p');
  s.market_protection_ticks = 0;
  Command c = create(s);
  c.seq = 3;
  std::vector<std::uint8_t> b(kMaxRecordBytes);
  b.resize(encode_record(c, b.data()));
  EXPECT_LE(b.size(), kMaxRecordBytes);
  Command back;
  std::size_t len = 0;
  ASSERT_EQ(decode_record(b, &back, &len), DecodeStatus::Ok);
  ASSERT_EQ(back.kind, CommandKind::CreateInstrument);
  EXPECT_EQ(back.create.owner, 9u);
  EXPECT_EQ(back.create.request_id, 77u);
  const InstrumentSpec got = spec_of(back.create);
  EXPECT_EQ(got.id, s.id);
  EXPECT_EQ(got.symbol, s.symbol);
  EXPECT_EQ(got.resource, s.resource);
  EXPECT_EQ(got.pool, s.pool);
  EXPECT_EQ(got.tick, 10);
  EXPECT_EQ(got.band_max, 10'000);
  EXPECT_EQ(got.window.length_ns, 3'600'000'000'000);
}

TEST(CreateInstrumentJournalTest, RecoversTheCreatedInstrumentAndItsOrders) {
  const std::vector<InstrumentSpec> configured = {cpu(1, "cpu.pool-a.spot")};
  Engine live(EngineConfig{1024});
  live.add_instrument(configured[0]);
  std::vector<Command> cmds = {order(1, 1, Side::Buy, 100, 2),    create(cpu(5, "cpu.b")),
                               order(2, 5, Side::Sell, 200, 3),   order(3, 5, Side::Buy, 250, 1),
                               create(cpu(6, "cpu.pool-a.spot")),  // duplicate symbol: refused
                               order(4, 5, Side::Buy, 150, 1)};
  EventBuffer ev;
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    cmds[i].seq = i + 1;
    ev.clear();
    live.apply(cmds[i], ev);
  }
  ASSERT_NE(live.instrument(5), nullptr);
  ASSERT_EQ(live.instrument(6), nullptr);
  for (const bool with_snapshot : {false, true}) {
    TempDir dir;
    auto files = open_directory(dir.str());
    ASSERT_EQ(testing::journal_all(*files, cmds), 0);
    if (with_snapshot) {  // after the create and the first trade
      Engine half(EngineConfig{1024});
      half.add_instrument(configured[0]);
      const EngineSnapshot snap = testing::snapshot_after(half, std::span(cmds).first(4));
      ASSERT_EQ(write_snapshot(*files, snap), 0);
    }
    RecoveryOptions opt;
    opt.engine = EngineConfig{1024};
    opt.instruments = configured;
    std::vector<InstrumentId> restored;
    opt.on_restored = [&](const Engine& e) { restored = e.instruments(); };
    Recovered r = recover(*files, opt);
    EXPECT_EQ(r.engine->state_hash(), live.state_hash()) << "snapshot: " << with_snapshot;
    ASSERT_NE(r.engine->instrument(5), nullptr);
    EXPECT_EQ(r.engine->instrument(5)->symbol, "cpu.b");
    EXPECT_EQ(restored.size(), with_snapshot ? 2u : 1u) << "on_restored runs before the replay";
  }
}

}  // namespace
}  // namespace swarmex::journal
