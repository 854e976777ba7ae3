// Crash at every write and sync point of a scripted 500-command scenario on simulated storage
// (with segment rolls and snapshots), then recover each possible post-crash disk image: every
// acknowledged command is present, and the state is exactly the state after some prefix of the
// commands (nothing half-applied).
#include <gtest/gtest.h>

#include <random>

#include "random_commands.hpp"
#include "sim_files.hpp"
#include "swarmex/journal/recovery.hpp"
#include "swarmex/journal/snapshot_file.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::journal {
namespace {

using namespace swarmex::engine;
using swarmex::testing::CrashMode;
using swarmex::testing::SimFiles;

constexpr std::size_t kCommands = 500;

struct Scenario {
  std::vector<Command> commands;           // seq 1..500
  std::vector<std::uint64_t> prefix_hash;  // state hash after the first k commands
  std::vector<std::size_t> batch_sizes;
};

Scenario make_scenario() {
  Scenario s;
  const auto instruments = swarmex::testing::random_test_instruments();
  Engine e(EngineConfig{4096});
  for (const auto& spec : instruments)
    e.add_instrument(spec);
  s.prefix_hash.push_back(e.state_hash());
  swarmex::testing::RandomCommands gen(500, instruments);
  EventBuffer ev;
  for (Seq i = 1; i <= kCommands; ++i) {
    Command c = gen.next([&](OrderId id) { return e.order(id).has_value(); });
    c.seq = i;
    c.time_ns = static_cast<std::int64_t>(i);
    ev.clear();
    e.apply(c, ev);
    s.commands.push_back(c);
    s.prefix_hash.push_back(e.state_hash());
  }
  std::mt19937_64 rng(1);
  for (std::size_t done = 0; done < kCommands;) {
    const std::size_t n = std::min<std::size_t>(1 + rng() % 20, kCommands - done);
    s.batch_sizes.push_back(n);
    done += n;
  }
  return s;
}

// Runs the scenario until the storage crashes; returns the highest acknowledged sequence.
Seq run_until_crash(const Scenario& s, SimFiles& fs) {
  const auto instruments = swarmex::testing::random_test_instruments();
  Engine e(EngineConfig{4096});
  for (const auto& spec : instruments)
    e.add_instrument(spec);
  Seq acked = 0;
  JournalWriter w(fs, 2048, 1, [&](const std::vector<Event>& events) {
    for (const Event& ev : events)
      acked = std::max(acked, ev.seq);
  });
  std::size_t next = 0;
  EventBuffer ev;
  for (const std::size_t n : s.batch_sizes) {
    JournalBatch batch;
    for (std::size_t i = 0; i < n; ++i, ++next) {
      e.apply(s.commands[next], ev);
      batch.commands.push_back(s.commands[next]);
    }
    batch.events = ev.to_vector();
    ev.clear();
    JournalBatch* b = &batch;
    if (w.write_batches(&b, 1) != 0) break;  // the machine is down
    if (next % 100 < n && !fs.crashed()) {   // a snapshot about every 100 commands
      EngineSnapshot snap;
      e.snapshot(snap);
      if (write_snapshot(fs, snap) != 0) break;
    }
  }
  return acked;
}

TEST(JournalCrashTest, EveryCrashPointRecoversEveryAcknowledgedCommandAndNoHalfState) {
  const Scenario s = make_scenario();
  SimFiles probe;
  ASSERT_EQ(run_until_crash(s, probe), kCommands);
  const std::uint64_t points = probe.points();
  ASSERT_GT(points, 100u);
  RecoveryOptions opt;
  opt.engine = EngineConfig{4096};
  opt.instruments = swarmex::testing::random_test_instruments();
  std::uint64_t images = 0;
  for (std::uint64_t p = 1; p <= points; ++p) {
    SimFiles fs;
    fs.crash_at(p);
    const Seq acked = run_until_crash(s, fs);
    ASSERT_TRUE(fs.crashed());
    for (const CrashMode mode :
         {CrashMode::SyncedOnly, CrashMode::RandomPrefix, CrashMode::TornSector}) {
      for (std::uint64_t seed = 0; seed < 2; ++seed) {
        std::mt19937_64 rng(p * 7 + seed);
        SimFiles disk = fs.image(mode, rng);
        Recovered r;
        ASSERT_NO_THROW(r = recover(disk, opt)) << "crash point " << p;
        const Seq got = r.engine->last_seq();
        ASSERT_GE(got, acked) << "acknowledged command lost at crash point " << p;
        ASSERT_LE(got, kCommands);
        ASSERT_EQ(r.engine->state_hash(), s.prefix_hash[got])
            << "state is not the state after " << got << " commands (crash point " << p << ")";
        ++images;
      }
    }
  }
  std::printf("crash points: %lu, disk images recovered: %lu\n", static_cast<unsigned long>(points),
              static_cast<unsigned long>(images));
}

}  // namespace
}  // namespace swarmex::journal
