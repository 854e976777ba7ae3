// Reads a journal directory: verifies every record's CRC and that sequence numbers are
// contiguous, hands records to a visitor, and (when asked) truncates a torn tail. Corruption
// anywhere but the tail is an error naming the file and offset: it is never skipped.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "swarmex/engine/command.hpp"
#include "swarmex/journal/files.hpp"

namespace swarmex::journal {

struct SegmentStats {
  std::string name;
  std::uint64_t bytes = 0;
  std::uint64_t records = 0;
  engine::Seq first_seq = 0;
  engine::Seq last_seq = 0;
};

struct ScanResult {
  bool ok = true;
  std::string error;             // file, offset and what is wrong, when !ok
  std::vector<std::string> log;  // repairs made (torn tail truncated, empty segment removed)
  std::uint64_t records = 0;
  engine::Seq first_seq = 0;  // 0 when the journal holds no record
  engine::Seq last_seq = 0;
  std::int64_t first_time_ns = 0;
  std::int64_t last_time_ns = 0;
  std::vector<SegmentStats> segments;
  // Segments not read because they end before `ScanOptions::skip_before` (by their names).
  std::uint64_t segments_skipped = 0;
};

struct ScanOptions {
  bool repair_tail = false;  // truncate a torn tail instead of reporting it
  // Visitor for each valid record, in order (may be empty). Records with seq < from_seq are
  // verified but not visited.
  std::function<void(const engine::Command&)> visit;
  engine::Seq from_seq = 0;
  // Segments that end before this sequence number are not even opened: a segment ends where the
  // next one's name says it starts. Start-up sets it to the snapshot's sequence + 1, so a restart
  // reads the segment holding that sequence and those after it, whatever lies before.
  engine::Seq skip_before = 0;
};

// The first sequence number a segment name gives, or nullopt when it is not one of ours.
std::optional<engine::Seq> segment_first_seq(const std::string& name) noexcept;
// How many of `names` (sorted segment names) end before `seq`: each one followed by a segment
// that starts at or before `seq`. The newest segment is never counted.
std::size_t segments_before(const std::vector<std::string>& names, engine::Seq seq) noexcept;

ScanResult scan_journal(JournalFiles& files, const ScanOptions& options);

}  // namespace swarmex::journal
