// Offline replay of a swarmexd journal directory through real engines, configured as swarmexd
// configures them (the same configuration file), read-only: a live server's journal can be read
// while it appends (a torn tail ends the read at the last complete record; nothing is repaired).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "swarmex/engine/command.hpp"
#include "swarmex/engine/event.hpp"
#include "swarmex/engine/instrument.hpp"
#include "swarmex/gateway/config.hpp"

namespace swarmex::report {

struct PartitionReplay {
  std::uint32_t partition = 0;
  std::string dir;
  std::uint64_t replayed = 0;
  engine::Seq first_seq = 0;  // the first command replayed (0: none)
  engine::Seq last_seq = 0;
  engine::Seq snapshot_seq = 0;  // nonzero: started from this snapshot (the journal was trimmed)
  std::string note;              // a torn tail, a snapshot start
};

struct ReplayHooks {
  // Each instrument the engines know before their journals replay (configuration, snapshot).
  std::function<void(const engine::InstrumentSpec&)> on_instrument;
  // Every replayed command with its events, partition by partition, in sequence order.
  std::function<void(std::uint32_t, const engine::Command&, const engine::EventBuffer&)> on_command;
};

// Replays `<journal_dir>/partition-N` for every partition of `config`. Throws
// std::runtime_error with a reason when the directory is no journal, is corrupt before its tail,
// or does not match the configuration (partition count, instruments the journal uses).
std::vector<PartitionReplay> replay_journal_dir(const std::string& journal_dir,
                                                const gateway::Config& config,
                                                const ReplayHooks& hooks);

}  // namespace swarmex::report
