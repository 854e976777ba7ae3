// The drop copy: every execution report of every principal, numbered in one gap-free sequence
// (1, 2, ...) that survives restarts. The publisher thread adds; any thread reads. On disk it is a
// series of segment files of fixed-size entries (seq N at a computable offset), the oldest
// deleted past `retain_segments`; the newest `ring_entries` are also kept in memory. Start-up
// replays the journal after each snapshot through the publisher again: what the log already holds
// of each partition (its state file plus a scan of the entries after it) is skipped, so a restart
// neither loses nor repeats an entry.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "swarmex/engine/event.hpp"

namespace swarmex::gateway {

// One report: the engine's event and whose side of it (a fill makes two: taker and maker).
struct DropCopyEntry {
  engine::Event event;
  std::uint16_t partition = 0;
  std::uint8_t maker = 0;  // 1: the maker's report of a fill
  std::uint8_t reserved[5] = {};
};
static_assert(sizeof(DropCopyEntry) == 128, "the drop copy's file format has 128-byte entries");

struct DropCopyOptions {
  std::string dir;                           // empty: memory only (journal durability none)
  std::uint64_t segment_entries = 1u << 20;  // 128 MiB segments
  std::uint32_t retain_segments = 8;
  std::uint32_t ring_entries = 1u << 16;
  std::uint32_t partitions = 1;
};

class DropCopyLog {
 public:
  // Opens or creates the directory's log; throws std::runtime_error on what it cannot read.
  explicit DropCopyLog(DropCopyOptions options);
  ~DropCopyLog();
  DropCopyLog(const DropCopyLog&) = delete;
  DropCopyLog& operator=(const DropCopyLog&) = delete;

  // The publisher thread: one report, skipped when a replay brings one the log already holds.
  void add(const engine::Event& e, std::uint16_t partition, bool maker);
  // The publisher thread, after each batch: what was added becomes readable (one write).
  void flush(std::int64_t now_ns);

  // Any thread.
  [[nodiscard]] std::uint64_t next_seq() const;
  [[nodiscard]] std::uint64_t oldest_seq() const;  // next_seq() when empty
  // Appends entries from `from` on (at most `max`) to `out`; nullopt when `from` is older than
  // the oldest kept, else how many were appended (0 at the end).
  std::optional<std::size_t> read(std::uint64_t from, std::size_t max,
                                  std::vector<DropCopyEntry>& out) const;

 private:
  struct Segment;
  struct Progress {  // of one partition: the last engine seq copied and its entries so far
    engine::Seq seq = 0;
    std::uint32_t count = 0;
  };
  void open_existing();
  void note(Progress& p, const engine::Event& e) noexcept;
  void start_segment(std::uint64_t first_seq);
  void write_state() const;
  std::optional<std::size_t> read_files(std::uint64_t from, std::size_t max,
                                        std::vector<DropCopyEntry>& out) const;

  DropCopyOptions options_;
  std::vector<Progress> written_;    // what the log holds, per partition
  std::vector<Progress> recovered_;  // start-up: what a replay must skip, per partition
  std::vector<DropCopyEntry> pending_;
  std::int64_t state_written_ns_ = 0;
  bool state_dirty_ = false;

  mutable std::mutex mutex_;                        // guards what follows
  std::vector<std::shared_ptr<Segment>> segments_;  // oldest first
  std::vector<DropCopyEntry> ring_;
  std::uint64_t ring_count_ = 0;  // entries in ring_ (it starts empty at every start)
  std::uint64_t next_seq_ = 1;
  std::uint64_t oldest_seq_ = 1;
};

}  // namespace swarmex::gateway
