// Journal retention: once a snapshot is written, the segments wholly before the oldest snapshot
// kept are no longer read by start-up (it replays from a snapshot) nor by the tools (`swarmex
// report` starts from the oldest snapshot the journal continues from). By policy they stay, are
// deleted, or are moved to an archive directory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "swarmex/engine/types.hpp"
#include "swarmex/journal/files.hpp"

namespace swarmex::journal {

enum class Retention : std::uint8_t {
  Keep,     // every segment stays (the journal grows without bound)
  Delete,   // segments before the oldest kept snapshot are deleted
  Archive,  // ... moved to RetentionPolicy::archive_dir
};

const char* to_string(Retention r) noexcept;
bool parse_retention(const std::string& s, Retention* out) noexcept;

struct RetentionPolicy {
  Retention mode = Retention::Keep;
  std::string archive_dir;  // Archive: this partition's directory in the archive
};

struct RetentionResult {
  std::vector<std::string> done;  // segments deleted or archived, oldest first
  int error = 0;                  // -errno of the first that failed (the rest stay), or 0
  std::string failed;             // its name
};

// The sequence number of a snapshot file name (`snapshot-<seq>.snap`), 0 when it is not one.
engine::Seq snapshot_seq_of(const std::string& name) noexcept;

// Deletes or archives the segments that end before `keep_from` (each followed by a segment that
// starts at or before it); the newest segment is never touched. Nothing with Retention::Keep or
// keep_from == 0.
RetentionResult apply_retention(JournalFiles& files, engine::Seq keep_from,
                                const RetentionPolicy& policy);

// apply_retention from the oldest snapshot in `files`: keep_from is its sequence + 1 (nothing
// without a snapshot).
RetentionResult retain_from_oldest_snapshot(JournalFiles& files, const RetentionPolicy& policy);

}  // namespace swarmex::journal
