// Reads a journal directory: verifies every record's CRC and that sequence numbers are
// contiguous, hands records to a visitor, and (when asked) truncates a torn tail. Corruption
// anywhere but the tail is an error naming the file and offset: it is never skipped.
#pragma once

#include <cstdint>
#include <functional>
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
};

struct ScanOptions {
  bool repair_tail = false;  // truncate a torn tail instead of reporting it
  // Visitor for each valid record, in order (may be empty). Records with seq < from_seq are
  // verified but not visited.
  std::function<void(const engine::Command&)> visit;
  engine::Seq from_seq = 0;
};

ScanResult scan_journal(JournalFiles& files, const ScanOptions& options);

}  // namespace swarmex::journal
