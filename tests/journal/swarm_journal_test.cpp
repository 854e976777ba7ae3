// Swarm orders in the journal and in snapshots: the record round-trips with all its legs, a
// corrupt leg count is refused, and a journal that mixes swarm orders into a random flow (with
// a snapshot half-way) recovers to the live engine's state hash and resting swarms.
#include <gtest/gtest.h>

#include <random>

#include "journal_flow.hpp"
#include "random_commands.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/journal/reader.hpp"
#include "swarmex/journal/record.hpp"
#include "swarmex/journal/recovery.hpp"
#include "swarmex/journal/snapshot_file.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::journal {
namespace {

using namespace swarmex::engine;
using swarmex::common::TempDir;
using swarmex::testing::RandomCommands;

Command eight_leg_swarm() {
  Command c;
  c.seq = 42;
  c.time_ns = 7;
  c.kind = CommandKind::SwarmOrder;
  c.swarm = SwarmOrder{};
  c.swarm.order_id = 1ull << 40;
  c.swarm.owner = 9;
  c.swarm.tif = TimeInForce::Gtc;
  c.swarm.placement = Placement::SameHost;
  c.swarm.limit_total = 123'456'789;
  c.swarm.client_order_id = 77;
  c.swarm.leg_count = kMaxSwarmLegs;
  for (std::uint8_t i = 0; i < kMaxSwarmLegs; ++i)
    c.swarm.legs[i] = SwarmLeg{100u + i, 1000 + i};
  return c;
}

TEST(SwarmRecordTest, EightLegsRoundTrip) {
  const Command c = eight_leg_swarm();
  std::vector<std::uint8_t> b(kMaxRecordBytes);
  b.resize(encode_record(c, b.data()));
  EXPECT_LE(b.size(), kMaxRecordBytes);
  Command back;
  std::size_t len = 0;
  ASSERT_EQ(decode_record(b, &back, &len), DecodeStatus::Ok);
  EXPECT_EQ(len, b.size());
  EXPECT_EQ(back.kind, CommandKind::SwarmOrder);
  EXPECT_EQ(back.seq, 42u);
  EXPECT_EQ(back.swarm.order_id, c.swarm.order_id);
  EXPECT_EQ(back.swarm.owner, 9u);
  EXPECT_EQ(back.swarm.tif, TimeInForce::Gtc);
  EXPECT_EQ(back.swarm.placement, Placement::SameHost);
  EXPECT_EQ(back.swarm.limit_total, 123'456'789);
  EXPECT_EQ(back.swarm.client_order_id, 77u);
  ASSERT_EQ(back.swarm.leg_count, kMaxSwarmLegs);
  for (std::uint8_t i = 0; i < kMaxSwarmLegs; ++i) {
    EXPECT_EQ(back.swarm.legs[i].instrument, 100u + i);
    EXPECT_EQ(back.swarm.legs[i].qty, 1000 + i);
  }
}

TEST(SwarmRecordTest, ImpossibleLegCountIsABadCommandEvenWithAGoodChecksum) {
  std::vector<std::uint8_t> b(kMaxRecordBytes);
  b.resize(encode_record(eight_leg_swarm(), b.data()));
  // Header 24, kind 1, order id 8, owner 4, tif 1, placement 1, limit 8, client id 8: leg count.
  constexpr std::size_t kLegCountAt = 24 + 1 + 8 + 4 + 1 + 1 + 8 + 8;
  ASSERT_EQ(b[kLegCountAt], kMaxSwarmLegs);
  b[kLegCountAt] = kMaxSwarmLegs + 1;
  const std::uint32_t crc = crc32c(b.data() + 8, b.size() - 8);
  for (int i = 0; i < 4; ++i)
    b[4 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
  Command back;
  std::size_t len = 0;
  EXPECT_EQ(decode_record(b, &back, &len), DecodeStatus::BadCommand);
}

TEST(ResellRecordTest, EightLegsRoundTripWithHostAndPrice) {
  Command c;
  c.seq = 43;
  c.time_ns = 8;
  c.kind = CommandKind::Resell;
  c.resell = Resell{};
  c.resell.order_id = 1ull << 41;
  c.resell.owner = 9;
  c.resell.host = 0xABCDEF;
  c.resell.tif = TimeInForce::Ioc;
  c.resell.price = 4'321;
  c.resell.client_order_id = 78;
  c.resell.leg_count = kMaxSwarmLegs;
  for (std::uint8_t i = 0; i < kMaxSwarmLegs; ++i)
    c.resell.legs[i] = SwarmLeg{200u + i, 10 + i};
  std::vector<std::uint8_t> b(kMaxRecordBytes);
  b.resize(encode_record(c, b.data()));
  Command back;
  std::size_t len = 0;
  ASSERT_EQ(decode_record(b, &back, &len), DecodeStatus::Ok);
  EXPECT_EQ(back.kind, CommandKind::Resell);
  EXPECT_EQ(back.resell.order_id, c.resell.order_id);
  EXPECT_EQ(back.resell.owner, 9u);
  EXPECT_EQ(back.resell.host, 0xABCDEFu);
  EXPECT_EQ(back.resell.tif, TimeInForce::Ioc);
  EXPECT_EQ(back.resell.price, 4'321);
  EXPECT_EQ(back.resell.client_order_id, 78u);
  ASSERT_EQ(back.resell.leg_count, kMaxSwarmLegs);
  for (std::uint8_t i = 0; i < kMaxSwarmLegs; ++i) {
    EXPECT_EQ(back.resell.legs[i].instrument, 200u + i);
    EXPECT_EQ(back.resell.legs[i].qty, 10 + i);
  }
  // A leg count past the limit is refused, checksum or not.
  constexpr std::size_t kLegCountAt = 24 + 1 + 8 + 4 + 4 + 1 + 8 + 8;
  ASSERT_EQ(b[kLegCountAt], kMaxSwarmLegs);
  b[kLegCountAt] = kMaxSwarmLegs + 1;
  const std::uint32_t crc = crc32c(b.data() + 8, b.size() - 8);
  for (int i = 0; i < 4; ++i)
    b[4 + i] = static_cast<std::uint8_t>(crc >> (8 * i));
  EXPECT_EQ(decode_record(b, &back, &len), DecodeStatus::BadCommand);
}

std::unique_ptr<Engine> test_engine() {
  auto e = std::make_unique<Engine>(EngineConfig{1u << 16});
  for (const auto& s : swarmex::testing::random_test_instruments())
    e->add_instrument(s);
  return e;
}

// A random flow with a swarm order (IOC or GTC, random legs and placement) every eighth command.
std::vector<Command> flow_with_swarms(Engine& live, std::size_t n) {
  const auto instruments = swarmex::testing::random_test_instruments();
  RandomCommands gen(31, instruments);
  std::mt19937_64 rng(31);
  std::vector<Command> out;
  EventBuffer ev;
  for (std::size_t i = 0; i < n; ++i) {
    Command c;
    if (i % 8 == 7) {
      c.kind = CommandKind::SwarmOrder;
      c.swarm = SwarmOrder{};
      SwarmOrder& s = c.swarm;
      s.order_id = (1ull << 40) + i;
      s.owner = 1 + static_cast<OwnerId>(rng() % 4);
      s.tif = rng() % 2 ? TimeInForce::Gtc : TimeInForce::Ioc;
      s.placement = static_cast<Placement>(rng() % 3);
      s.leg_count = static_cast<std::uint8_t>(1 + rng() % 2);
      for (std::uint8_t l = 0; l < s.leg_count; ++l) {
        const InstrumentSpec& spec = instruments[(l + rng()) % instruments.size()];
        s.legs[l] = SwarmLeg{spec.id, spec.lot * static_cast<Qty>(1 + rng() % 3)};
      }
      s.limit_total = static_cast<Price>(rng() % 2'000'000);
    } else {
      c = gen.next([&](OrderId id) { return live.order(id).has_value(); });
    }
    c.seq = i + 1;
    c.time_ns = static_cast<std::int64_t>(i);
    ev.clear();
    live.apply(c, ev);
    out.push_back(c);
  }
  return out;
}

TEST(SwarmJournalTest, FlowWithSwarmsRecoversFromJournalAndSnapshot) {
  TempDir dir;
  auto files = open_directory(dir.str());
  const auto instruments = swarmex::testing::random_test_instruments();
  const auto live_engine = test_engine();
  Engine& live = *live_engine;
  const std::vector<Command> cmds = flow_with_swarms(live, 20'000);
  ASSERT_GT(live.swarms().size(), 0u) << "the flow must leave swarm orders resting";

  // Journal everything; snapshot an engine that applied the first half.
  ASSERT_EQ(testing::journal_all(*files, cmds), 0);
  const auto half_engine = test_engine();
  Engine& half = *half_engine;
  const EngineSnapshot snap = testing::snapshot_after(half, std::span(cmds).first(cmds.size() / 2));
  ASSERT_GT(snap.swarms.size(), 0u);
  const auto decoded = decode_snapshot(encode_snapshot(snap));
  ASSERT_TRUE(decoded.has_value());
  ASSERT_EQ(decoded->swarms.size(), snap.swarms.size());
  ASSERT_EQ(write_snapshot(*files, snap), 0);

  RecoveryOptions opt;
  opt.engine = EngineConfig{1u << 16};
  opt.instruments = instruments;
  Recovered r = recover(*files, opt);
  EXPECT_EQ(r.replayed, cmds.size() - cmds.size() / 2) << "replayed from the snapshot";
  EXPECT_EQ(r.engine->state_hash(), live.state_hash());
  ASSERT_EQ(r.engine->swarms().size(), live.swarms().size());
  for (std::uint32_t i = 0; i < live.swarms().size(); ++i)
    EXPECT_EQ(r.engine->swarms()[i].order.order_id, live.swarms()[i].order.order_id);
}

}  // namespace
}  // namespace swarmex::journal
