// What the journal tests that recover a flow share: the flow journaled as one batch, and the
// state an engine reaches after a prefix of it (the "snapshot taken half-way").
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "swarmex/engine/engine.hpp"
#include "swarmex/engine/snapshot.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::journal::testing {

// Writes every command of `cmds` to `files` as one batch; the writer's result (0 when written).
inline int journal_all(JournalFiles& files, const std::vector<engine::Command>& cmds) {
  JournalWriter writer(files, 1u << 20, 1, {});
  JournalBatch batch;
  batch.commands = cmds;
  JournalBatch* b = &batch;
  return writer.write_batches(&b, 1);
}

// Applies `prefix` to `engine` and returns its snapshot.
inline engine::EngineSnapshot snapshot_after(engine::Engine& engine,
                                             std::span<const engine::Command> prefix) {
  engine::EventBuffer ev;
  for (const engine::Command& c : prefix) {
    ev.clear();
    engine.apply(c, ev);
  }
  engine::EngineSnapshot snap;
  engine.snapshot(snap);
  return snap;
}

}  // namespace swarmex::journal::testing
