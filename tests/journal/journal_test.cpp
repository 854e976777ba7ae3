// Journal records, segments, torn tails, corruption, snapshots — on a real directory.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include "../engine/snapshot_versions.hpp"
#include "random_commands.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/journal/reader.hpp"
#include "swarmex/journal/record.hpp"
#include "swarmex/journal/recovery.hpp"
#include "swarmex/journal/segment.hpp"
#include "swarmex/journal/snapshot_file.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::journal {
namespace {

using engine::Command;
using engine::Engine;
using engine::EngineConfig;
using engine::EventBuffer;
using engine::OrderId;
using swarmex::common::TempDir;
using swarmex::testing::RandomCommands;

std::vector<std::uint8_t> encoded(const Command& c) {
  std::vector<std::uint8_t> b(kMaxRecordBytes);
  b.resize(encode_record(c, b.data()));
  return b;
}

// Random commands with contiguous sequence numbers 1..n, applied to `engine` as they are made.
std::vector<Command> make_commands(std::uint64_t seed, std::size_t n, Engine* engine = nullptr) {
  RandomCommands gen(seed, swarmex::testing::random_test_instruments());
  std::vector<Command> out;
  EventBuffer ev;
  for (std::size_t i = 0; i < n; ++i) {
    Command c =
        gen.next([&](engine::OrderId id) { return engine && engine->order(id).has_value(); });
    c.seq = i + 1;
    c.time_ns = 1'000'000 * static_cast<std::int64_t>(i);
    if (engine) {
      ev.clear();
      engine->apply(c, ev);
    }
    out.push_back(c);
  }
  return out;
}

std::unique_ptr<Engine> make_engine() {
  auto e = std::make_unique<Engine>(EngineConfig{1u << 16});
  for (const auto& s : swarmex::testing::random_test_instruments())
    e->add_instrument(s);
  return e;
}

void write_all(JournalFiles& files, const std::vector<Command>& cmds, std::uint64_t segment_bytes,
               std::size_t per_write) {
  JournalWriter w(files, segment_bytes, cmds.empty() ? 1 : cmds.front().seq, {});
  JournalBatch batch;
  for (std::size_t i = 0; i < cmds.size(); i += per_write) {
    batch.commands.assign(cmds.begin() + static_cast<long>(i),
                          cmds.begin() + static_cast<long>(std::min(cmds.size(), i + per_write)));
    JournalBatch* b = &batch;
    ASSERT_EQ(w.write_batches(&b, 1), 0);
  }
}

TEST(JournalRecordTest, EveryCommandKindRoundTrips) {
  for (const Command& c : make_commands(9, 5000)) {
    const auto bytes = encoded(c);
    Command back;
    std::size_t len = 0;
    ASSERT_EQ(decode_record(bytes, &back, &len), DecodeStatus::Ok);
    EXPECT_EQ(len, bytes.size());
    EXPECT_EQ(encoded(back), bytes);
    EXPECT_EQ(back.seq, c.seq);
    EXPECT_EQ(back.kind, c.kind);
  }
}

TEST(JournalRecordTest, DamageIsDetected) {
  const auto good = encoded(make_commands(1, 1)[0]);
  Command c;
  std::size_t len = 0;
  for (std::size_t i = 8; i < good.size(); ++i) {  // any flipped payload byte fails the CRC
    auto bad = good;
    bad[i] ^= 0x20;
    EXPECT_EQ(decode_record(bad, &c, &len), DecodeStatus::BadChecksum) << "byte " << i;
  }
  auto crc = good;
  crc[5] ^= 1;
  EXPECT_EQ(decode_record(crc, &c, &len), DecodeStatus::BadChecksum);
  EXPECT_EQ(decode_record(std::span(good).first(good.size() - 1), &c, &len),
            DecodeStatus::Truncated);
  EXPECT_EQ(decode_record(std::span(good).first(5), &c, &len), DecodeStatus::Truncated);
  auto len0 = good;
  len0[0] = len0[1] = len0[2] = len0[3] = 0;
  EXPECT_EQ(decode_record(len0, &c, &len), DecodeStatus::BadLength);
  auto huge = good;
  huge[3] = 0xFF;
  EXPECT_EQ(decode_record(huge, &c, &len), DecodeStatus::BadLength);
}

TEST(JournalSegmentTest, SegmentsRollAtTheConfiguredSize) {
  TempDir dir;
  auto files = open_directory(dir.str());
  const auto cmds = make_commands(2, 3000);
  write_all(*files, cmds, 16 * 1024, 100);
  ScanResult res = scan_journal(*files, {});
  ASSERT_TRUE(res.ok) << res.error;
  EXPECT_EQ(res.records, 3000u);
  EXPECT_EQ(res.first_seq, 1u);
  EXPECT_EQ(res.last_seq, 3000u);
  EXPECT_GT(res.segments.size(), 5u);
  for (std::size_t i = 0; i < res.segments.size(); ++i) {
    EXPECT_EQ(res.segments[i].name, segment_name(res.segments[i].first_seq));
    EXPECT_LE(res.segments[i].bytes, 16u * 1024 + 100 * kMaxRecordBytes);
    if (i > 0) {
      EXPECT_EQ(res.segments[i].first_seq, res.segments[i - 1].last_seq + 1);
    }
  }
}

TEST(JournalTailTest, TornTailIsTruncatedAtTheLastGoodRecord) {
  TempDir dir;
  auto files = open_directory(dir.str());
  const auto cmds = make_commands(3, 500);
  write_all(*files, cmds, 1 << 20, 50);
  const std::string last = files->list(kSegmentPrefix).back();
  std::vector<std::uint8_t> bytes;
  files->read(last, &bytes);
  const std::size_t good_size = bytes.size();
  {  // half of one more record, as a crash mid-write leaves it
    const auto rec = encoded(Command(make_commands(4, 501).back()));
    std::ofstream out(files->path(last), std::ios::binary | std::ios::app);
    out.write(reinterpret_cast<const char*>(rec.data()), static_cast<long>(rec.size() / 2));
  }
  ScanResult verify = scan_journal(*files, {});
  EXPECT_FALSE(verify.ok);
  EXPECT_NE(verify.error.find("torn tail"), std::string::npos) << verify.error;
  ScanOptions repair;
  repair.repair_tail = true;
  ScanResult res = scan_journal(*files, repair);
  ASSERT_TRUE(res.ok) << res.error;
  EXPECT_EQ(res.records, 500u);
  ASSERT_EQ(res.log.size(), 1u);
  EXPECT_NE(res.log[0].find(files->path(last)), std::string::npos);
  EXPECT_NE(res.log[0].find("offset " + std::to_string(good_size)), std::string::npos);
  files->read(last, &bytes);
  EXPECT_EQ(bytes.size(), good_size);
}

TEST(JournalTailTest, CorruptionBeforeTheTailRefusesWithFileAndOffset) {
  TempDir dir;
  auto files = open_directory(dir.str());
  write_all(*files, make_commands(5, 2000), 16 * 1024, 100);
  const auto names = files->list(kSegmentPrefix);
  ASSERT_GT(names.size(), 2u);
  std::vector<std::uint8_t> bytes;
  files->read(names[1], &bytes);
  const std::size_t at = kSegmentHeaderBytes + 200;
  bytes[at] ^= 0xFF;
  ASSERT_EQ(files->write_atomic(names[1], bytes), 0);
  ScanOptions repair;
  repair.repair_tail = true;
  ScanResult res = scan_journal(*files, repair);
  EXPECT_FALSE(res.ok);
  EXPECT_NE(res.error.find("corruption before the tail"), std::string::npos) << res.error;
  EXPECT_NE(res.error.find(files->path(names[1])), std::string::npos) << res.error;
  // Also in the last segment when good records follow the damage.
  TempDir dir2;
  auto files2 = open_directory(dir2.path());
  write_all(*files2, make_commands(5, 300), 1 << 20, 300);
  const std::string only = files2->list(kSegmentPrefix).back();
  files2->read(only, &bytes);
  bytes[kSegmentHeaderBytes + 30] ^= 0xFF;
  ASSERT_EQ(files2->write_atomic(only, bytes), 0);
  res = scan_journal(*files2, repair);
  EXPECT_FALSE(res.ok);
  EXPECT_NE(res.error.find("corruption before the tail"), std::string::npos) << res.error;
  EXPECT_THROW(recover(*files2, RecoveryOptions{}), std::runtime_error);
}

TEST(SnapshotTest, RoundTripRestoresTheSameHash) {
  auto live_ptr = make_engine();
  Engine& live = *live_ptr;
  make_commands(6, 20'000, &live);
  EventBuffer depth;
  for (OrderId id = 1; id <= 200; ++id) {  // plus a deep book: 100 bids, 100 asks, mixed owners
    Command c;
    c.seq = live.last_seq() + 1;
    c.new_order = engine::NewOrder{10'000'000 + id,
                                   1,
                                   static_cast<engine::OwnerId>(1 + id % 4),
                                   0,
                                   id % 2 ? engine::Side::Buy : engine::Side::Sell,
                                   engine::OrderType::Limit,
                                   engine::TimeInForce::Gtc,
                                   engine::StpMode::CancelOldest,
                                   id % 3 == 0,
                                   id % 2 ? static_cast<engine::Price>(10 + id % 40)
                                          : static_cast<engine::Price>(160 + id % 40),
                                   static_cast<engine::Qty>(1 + id % 7),
                                   0,
                                   id};
    live.apply(c, depth);
  }
  ASSERT_GT(live.resting_orders(), 150u);
  engine::EngineSnapshot snap;
  live.snapshot(snap);
  const auto bytes = encode_snapshot(snap);
  const auto back = decode_snapshot(bytes);
  ASSERT_TRUE(back.has_value());
  Engine restored(EngineConfig{1u << 16});
  restored.restore(*back);
  EXPECT_EQ(restored.state_hash(), live.state_hash());
  EXPECT_EQ(restored.last_seq(), live.last_seq());
  EXPECT_EQ(restored.resting_orders(), live.resting_orders());
  // Both continue identically.
  RandomCommands more(66, swarmex::testing::random_test_instruments());
  EventBuffer a, b;
  for (int i = 0; i < 5000; ++i) {
    Command c = more.next([&](engine::OrderId id) { return live.order(id).has_value(); });
    c.seq = live.last_seq() + 1;
    a.clear();
    b.clear();
    live.apply(c, a);
    restored.apply(c, b);
    ASSERT_TRUE(a.to_vector() == b.to_vector());
  }
  EXPECT_EQ(restored.state_hash(), live.state_hash());
  auto damaged = bytes;
  damaged[damaged.size() / 2] ^= 1;
  EXPECT_FALSE(decode_snapshot(damaged).has_value());
}

TEST(SnapshotTest, RecoveryFallsBackFromADamagedNewestSnapshot) {
  TempDir dir;
  auto files = open_directory(dir.str());
  auto live_ptr = make_engine();
  Engine& live = *live_ptr;
  const auto cmds = make_commands(7, 3000, &live);
  write_all(*files, cmds, 1 << 20, 64);
  // Snapshots at 1000 and 2000 from a second engine replaying the same commands.
  auto at_ptr = make_engine();
  Engine& at = *at_ptr;
  EventBuffer ev;
  for (const Command& c : cmds) {
    at.apply(c, ev);
    ev.clear();
    if (c.seq == 1000 || c.seq == 2000) {
      engine::EngineSnapshot s;
      at.snapshot(s);
      ASSERT_EQ(write_snapshot(*files, s), 0);
    }
  }
  RecoveryOptions opt;
  opt.engine = EngineConfig{1u << 16};
  opt.instruments = swarmex::testing::random_test_instruments();
  Recovered r = recover(*files, opt);
  EXPECT_EQ(r.snapshot_seq, 2000u);
  EXPECT_EQ(r.replayed, 1000u);
  EXPECT_EQ(r.engine->state_hash(), live.state_hash());

  std::vector<std::uint8_t> bytes;
  files->read(snapshot_name(2000), &bytes);
  bytes[40] ^= 0x55;
  ASSERT_EQ(files->write_atomic(snapshot_name(2000), bytes), 0);
  Recovered r2 = recover(*files, opt);
  EXPECT_EQ(r2.snapshot_seq, 1000u);
  EXPECT_EQ(r2.replayed, 2000u);
  EXPECT_EQ(r2.engine->state_hash(), live.state_hash());
  bool logged = false;
  for (const auto& line : r2.log)
    logged |= line.find("damaged") != std::string::npos;
  EXPECT_TRUE(logged);
}

// Version 7: the attachment travels with the snapshot, is what the two-step recovery returns,
// and a version-6 image (no attachment) still loads, with none.
TEST(SnapshotTest, AttachmentRoundTripsAndVersionSixStillLoads) {
  TempDir dir;
  auto files = open_directory(dir.str());
  auto live_ptr = make_engine();
  Engine& live = *live_ptr;
  const auto cmds = make_commands(9, 1500, &live);
  write_all(*files, cmds, 1 << 20, 64);
  auto at_ptr = make_engine();
  EventBuffer ev;
  engine::EngineSnapshot snap;
  for (const Command& c : cmds) {
    at_ptr->apply(c, ev);
    ev.clear();
    if (c.seq == 1000) at_ptr->snapshot(snap);
  }
  snap.attachment = {1, 2, 3, 250, 0, 7};
  const auto bytes = encode_snapshot(snap);
  const auto back = decode_snapshot(bytes);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->attachment, snap.attachment);

  // As version 6 wrote it: no attachment (nor the grants, pricing, fees, order terms and trading
  // modes counts after it, empty here) before the CRC.
  std::vector<std::uint8_t> v6(bytes.begin(), bytes.end() - 4 - 4 - 4 - 4 - 4 - 4 - 4 - 6);
  const std::uint32_t six = 6;
  std::memcpy(v6.data() + 4, &six, 4);
  const std::uint32_t crc = crc32c(v6.data(), v6.size());
  v6.resize(v6.size() + 4);
  std::memcpy(v6.data() + v6.size() - 4, &crc, 4);
  const auto old = decode_snapshot(v6);
  ASSERT_TRUE(old.has_value());
  EXPECT_TRUE(old->attachment.empty());
  EXPECT_EQ(old->orders.size(), snap.orders.size());

  ASSERT_EQ(files->write_atomic(snapshot_name(1000), bytes), 0);
  RecoveryOptions opt;
  opt.engine = EngineConfig{1u << 16};
  opt.instruments = swarmex::testing::random_test_instruments();
  std::uint64_t seen = 0;
  opt.on_replayed = [&](const Command&, const EventBuffer&) { ++seen; };
  Recovered r = restore_snapshot(*files, opt);
  EXPECT_EQ(r.snapshot_seq, 1000u);
  EXPECT_EQ(r.attachment, snap.attachment);
  EXPECT_EQ(seen, 0u);  // nothing replayed yet
  replay_journal(*files, opt, r);
  EXPECT_EQ(r.replayed, 500u);
  EXPECT_EQ(seen, 500u);
  EXPECT_EQ(r.engine->state_hash(), live.state_hash());

  ASSERT_EQ(files->write_atomic(snapshot_name(1000), v6), 0);
  Recovered r6 = recover(*files, opt);
  EXPECT_EQ(r6.snapshot_seq, 1000u);
  EXPECT_TRUE(r6.attachment.empty());
  EXPECT_EQ(r6.engine->state_hash(), live.state_hash());
}

// Version 11: the layout of 10, its attachment the gateway's ledger format 2 (recently ended client
// order ids). Written as 11; an image written by version 10 still loads, attachment and all.
TEST(SnapshotTest, VersionElevenIsWrittenAndVersionTenStillLoads) {
  auto live = make_engine();
  make_commands(11, 400, live.get());  // applied as they are made
  engine::EngineSnapshot snap;
  live->snapshot(snap);
  snap.attachment = {2, 0, 0, 0, 9, 9};
  const auto v11 = encode_snapshot(snap);
  std::uint32_t version = 0;
  std::memcpy(&version, v11.data() + 4, 4);
  EXPECT_EQ(version, 11u);
  const auto v10 = engine::test::as_version_10(v11);
  std::memcpy(&version, v10.data() + 4, 4);
  EXPECT_EQ(version, 10u);
  for (const auto* image : {&v11, &v10}) {
    const auto back = decode_snapshot(*image);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->attachment, snap.attachment);
    EXPECT_EQ(back->orders.size(), snap.orders.size());
    Engine restored(EngineConfig{1u << 16});
    restored.restore(*back);
    EXPECT_EQ(restored.state_hash(), live->state_hash());
  }
  std::vector<std::uint8_t> v12 = v11;  // a newer version than this build writes: refused
  const std::uint32_t twelve = 12;
  std::memcpy(v12.data() + 4, &twelve, 4);
  const std::uint32_t crc = crc32c(v12.data(), v12.size() - 4);
  std::memcpy(v12.data() + v12.size() - 4, &crc, 4);
  EXPECT_FALSE(decode_snapshot(v12).has_value());
}

}  // namespace
}  // namespace swarmex::journal
