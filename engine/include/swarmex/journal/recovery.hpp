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
  // Called with each replayed command and its events (e.g. to rebuild stream sequences).
  std::function<void(const engine::Command&, const engine::EventBuffer&)> on_replayed;
};

struct Recovered {
  std::unique_ptr<engine::Engine> engine;
  engine::Seq snapshot_seq = 0;  // 0: started from the configuration
  std::uint64_t replayed = 0;
  std::vector<std::string> log;  // what was done: snapshot used or skipped, tail repairs
};

// Throws std::runtime_error naming file and offset when the journal is corrupt before its tail
// or does not connect to the snapshot.
Recovered recover(JournalFiles& files, const RecoveryOptions& options);

}  // namespace swarmex::journal
