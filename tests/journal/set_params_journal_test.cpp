// SetParams in the journal and in snapshots: the record round-trips, a random flow with band
// changes (narrowed, widened past the level array, refused) recovers to the live state hash from
// the journal alone and from a snapshot taken half-way, and a version-5 image (before SetParams)
// still loads.
#include <gtest/gtest.h>

#include <cstring>

#include "journal_flow.hpp"
#include "random_commands.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/journal/record.hpp"
#include "swarmex/journal/recovery.hpp"
#include "swarmex/journal/snapshot_file.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::journal {
namespace {

using namespace swarmex::engine;
using swarmex::common::TempDir;
using swarmex::testing::RandomCommands;

Command set_params(InstrumentId id, Price band_min, Price band_max, Qty max_qty) {
  Command c;
  c.kind = CommandKind::SetParams;
  c.params = SetParams{9, id, 1234, band_min, band_max, 0, max_qty, 0};
  return c;
}

TEST(SetParamsRecordTest, RoundTripsEveryField) {
  Command c;
  c.seq = 5;
  c.time_ns = 6;
  c.kind = CommandKind::SetParams;
  c.params = SetParams{9, 42, 1ull << 50, 100, 2000, 3, -4, 7};
  std::vector<std::uint8_t> b(kMaxRecordBytes);
  b.resize(encode_record(c, b.data()));
  Command back;
  std::size_t len = 0;
  ASSERT_EQ(decode_record(b, &back, &len), DecodeStatus::Ok);
  EXPECT_EQ(len, b.size());
  ASSERT_EQ(back.kind, CommandKind::SetParams);
  EXPECT_EQ(back.seq, 5u);
  EXPECT_EQ(back.params.owner, 9u);
  EXPECT_EQ(back.params.instrument, 42u);
  EXPECT_EQ(back.params.request_id, 1ull << 50);
  EXPECT_EQ(back.params.band_min, 100);
  EXPECT_EQ(back.params.band_max, 2000);
  EXPECT_EQ(back.params.min_qty, 3);
  EXPECT_EQ(back.params.max_qty, -4);  // journaled as sent; the engine refuses it
  EXPECT_EQ(back.params.market_protection_ticks, 7);
  b.pop_back();  // one byte short of its fields, with a matching length and checksum
  const auto n = static_cast<std::uint32_t>(b.size());
  std::memcpy(b.data(), &n, 4);
  const std::uint32_t crc = crc32c(b.data() + 8, b.size() - 8);
  std::memcpy(b.data() + 4, &crc, 4);
  EXPECT_EQ(decode_record(b, &back, &len), DecodeStatus::BadCommand);
}

std::unique_ptr<Engine> test_engine() {
  auto e = std::make_unique<Engine>(EngineConfig{1u << 16});
  for (const auto& s : swarmex::testing::random_test_instruments())
    e->add_instrument(s);
  return e;
}

// A random flow with a SetParams every 97th command: instrument 1 (band 1..200) narrowed,
// widened past its array, moved back; instrument 7 (tick 5, lot 10) given new quantity limits;
// and refused ones.
std::vector<Command> flow_with_params(Engine& live, std::size_t n) {
  RandomCommands gen(57, swarmex::testing::random_test_instruments());
  const Command changes[] = {
      set_params(1, 50, 150, 0),   set_params(1, 1, 400, 500), set_params(7, 0, 0, 2000),
      set_params(1, 7, 3, 0),      set_params(1, 300, 0, 0),   set_params(7, 52, 0, 0),
      set_params(1, 1, 200, 1000), set_params(1, 20, 60, 0),   set_params(42, 990, 0, 0),
  };
  std::vector<Command> out;
  EventBuffer ev;
  for (std::size_t i = 0; i < n; ++i) {
    Command c = i % 97 == 96 ? changes[(i / 97) % std::size(changes)]
                             : gen.next([&](OrderId id) { return live.order(id).has_value(); });
    c.seq = i + 1;
    c.time_ns = static_cast<std::int64_t>(i);
    ev.clear();
    live.apply(c, ev);
    out.push_back(c);
  }
  return out;
}

TEST(SetParamsJournalTest, FlowWithParameterChangesRecoversFromJournalAndSnapshot) {
  const auto instruments = swarmex::testing::random_test_instruments();
  const auto live = test_engine();
  const std::vector<Command> cmds = flow_with_params(*live, 20'000);
  EXPECT_EQ(live->instrument(1)->band_max, 60) << "the flow ends with a narrowed band";
  EXPECT_EQ(live->instrument(42)->band_min, 990);

  for (const bool with_snapshot : {false, true}) {
    TempDir dir;
    auto files = open_directory(dir.str());
    ASSERT_EQ(testing::journal_all(*files, cmds), 0);
    if (with_snapshot) {
      const auto half = test_engine();
      const EngineSnapshot snap =
          testing::snapshot_after(*half, std::span(cmds).first(cmds.size() / 2));
      const auto decoded = decode_snapshot(encode_snapshot(snap));
      ASSERT_TRUE(decoded.has_value());
      ASSERT_EQ(decoded->instruments.size(), snap.instruments.size());
      for (std::size_t i = 0; i < snap.instruments.size(); ++i) {
        EXPECT_EQ(decoded->instruments[i].admin_params, snap.instruments[i].admin_params);
        EXPECT_EQ(decoded->instruments[i].level_base, snap.instruments[i].level_base);
        EXPECT_EQ(decoded->instruments[i].levels, snap.instruments[i].levels);
        EXPECT_EQ(decoded->instruments[i].spec.band_max, snap.instruments[i].spec.band_max);
      }
      ASSERT_EQ(write_snapshot(*files, snap), 0);
    }
    RecoveryOptions opt;
    opt.engine = EngineConfig{1u << 16};
    opt.instruments = instruments;  // the configuration's bands: the journal moves them on
    Recovered r = recover(*files, opt);
    EXPECT_EQ(r.snapshot_seq, with_snapshot ? cmds.size() / 2 : 0u);
    EXPECT_EQ(r.engine->state_hash(), live->state_hash()) << "snapshot: " << with_snapshot;
    for (const InstrumentId id : {1u, 7u, 42u}) {
      EXPECT_EQ(r.engine->instrument(id)->band_min, live->instrument(id)->band_min);
      EXPECT_EQ(r.engine->instrument(id)->band_max, live->instrument(id)->band_max);
      EXPECT_EQ(r.engine->instrument(id)->max_qty, live->instrument(id)->max_qty);
    }
  }
}

// The image as version 5 wrote it: no SetParams fields after each instrument's spec (nor the
// attachment's length that version 7 and the grants' count that version 8 add before the CRC,
// both empty here).
std::vector<std::uint8_t> as_version_5(const std::vector<std::uint8_t>& v8) {
  // Less the CRC, the empty attachment, grants, pricing, fees, order terms and trading modes (no
  // supply groups here).
  std::vector<std::uint8_t> out(v8.begin(), v8.end() - 28);
  const std::uint32_t five = 5;
  std::memcpy(out.data() + 4, &five, 4);
  std::size_t at = 4 + 4 + 8 + 8;
  std::uint32_t n = 0;
  std::memcpy(&n, out.data() + at, 4);
  at += 4;
  for (std::uint32_t i = 0; i < n; ++i) {
    at += 4 + 1;                   // id, halted
    for (int s = 0; s < 3; ++s) {  // symbol, resource, pool
      std::uint16_t len = 0;
      std::memcpy(&len, out.data() + at, 2);
      at += 2 + len;
    }
    at += 1 + 8 + 8 + 7 * 8;  // window, tick .. market protection
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(at),
              out.begin() + static_cast<std::ptrdiff_t>(at + 1 + 8 + 4));
  }
  const std::uint32_t crc = crc32c(out.data(), out.size());
  out.resize(out.size() + 4);
  std::memcpy(out.data() + out.size() - 4, &crc, 4);
  return out;
}

TEST(SetParamsJournalTest, VersionFiveSnapshotsStillLoad) {
  const auto live = test_engine();
  RandomCommands gen(3, swarmex::testing::random_test_instruments());
  EventBuffer ev;
  for (std::uint64_t i = 1; i <= 2000; ++i) {
    Command c = gen.next([&](OrderId id) { return live->order(id).has_value(); });
    c.seq = i;
    ev.clear();
    live->apply(c, ev);
  }
  EngineSnapshot snap;
  live->snapshot(snap);
  ASSERT_GT(snap.orders.size(), 0u);
  const auto old = decode_snapshot(as_version_5(encode_snapshot(snap)));
  ASSERT_TRUE(old.has_value());
  Engine back(EngineConfig{1u << 16});
  back.restore(*old);
  EXPECT_EQ(back.state_hash(), live->state_hash());
}

}  // namespace
}  // namespace swarmex::journal
