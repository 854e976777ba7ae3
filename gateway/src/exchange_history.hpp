// The identity of one exchange history: a random 64-bit id made with the journal and kept in
// <journal.path>/history, so that every stream sequence (reports, fills) can be told apart from
// the same number of another history (a journal started afresh restarts them at 1). Without a
// journal each start is a new history with a fresh id. Carried in LogonAck, Fill and
// ExecutionReport (docs/journal.md, docs/protocol.md).
#pragma once

#include <cstdint>
#include <string>

#include "swarmex/common/history_id.hpp"

namespace swarmex::gateway {

// A random id from the kernel's generator (getrandom, else /dev/urandom), never 0; throws
// std::runtime_error when neither can be read.
std::uint64_t random_history_id();

using common::format_history_id;  // "0x" and 16 hex digits
using common::parse_history_id;

struct HistoryFile {
  std::uint64_t id = 0;
  bool created = false;  // no history file was there: a new id was written (and fsynced)
};

// <dir>/history: its id, or, when it does not exist, a new random one written atomically
// (write, fsync, rename, fsync the directory; `dir` is created). Throws std::runtime_error on I/O
// errors and when the file is there but unreadable or damaged: a history is never replaced
// silently.
HistoryFile load_or_create_history(const std::string& dir);
// Writes <dir>/history with `id` the same way (a cluster node taking the cluster's history).
void write_history(const std::string& dir, std::uint64_t id);

}  // namespace swarmex::gateway
