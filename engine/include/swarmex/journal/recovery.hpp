// Start-up: load the newest valid snapshot (falling back to older ones), then replay the journal
// after it. The result is the exact state the engine had at the last durable sequence number.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "swarmex/engine/engine.hpp"
#include "swarmex/journal/files.hpp"

namespace swarmex::journal {

struct RecoveryOptions {
  engine::EngineConfig engine;
  // Instruments from the configuration; those a snapshot does not hold are added.
  std::vector<engine::InstrumentSpec> instruments;
  // Scheduled products from the configuration; those a snapshot does not hold are added.
  std::vector<engine::Product> products;
  // Called once the snapshot (if any) and the configuration's instruments are in the engine,
  // before the journal replays.
  std::function<void(const engine::Engine&)> on_restored;
  // Called with each replayed command and its events (e.g. to rebuild stream sequences).
  std::function<void(const engine::Command&, const engine::EventBuffer&)> on_replayed;
};

struct Recovered {
  std::unique_ptr<engine::Engine> engine;
  engine::Seq snapshot_seq = 0;  // 0: started from the configuration
  // The loaded snapshot's attachment (empty without a snapshot, or one older than version 7).
  std::vector<std::uint8_t> attachment;
  std::uint64_t replayed = 0;
  std::uint64_t segments_read = 0;     // journal segments read by replay_journal
  std::uint64_t segments_skipped = 0;  // older ones, wholly before the snapshot: not opened
  std::vector<std::string> log;        // what was done: snapshot used or skipped, tail repairs
};

// Throws std::runtime_error naming file and offset when the journal is corrupt before its tail
// or does not connect to the snapshot. The same as restore_snapshot, then replay_journal.
Recovered recover(JournalFiles& files, const RecoveryOptions& options);

// The two steps of recover, for a caller that must see every partition's snapshot before any
// journal replays: the newest valid snapshot plus the configuration (then on_restored) ...
Recovered restore_snapshot(JournalFiles& files, const RecoveryOptions& options);
// ... and the journal after it, applied to `rec` (on_replayed for each command).
void replay_journal(JournalFiles& files, const RecoveryOptions& options, Recovered& rec);

}  // namespace swarmex::journal
