// Writes snapshots on its own thread, so the matching thread only pays for copying its state.
// A snapshot is written only once the journal is durable up to its sequence number (it must never
// contain a command the journal could still lose), and only the newest `keep` are kept. After each
// write, journal retention (retention.hpp) trims the segments before the oldest snapshot kept.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "swarmex/engine/snapshot.hpp"
#include "swarmex/journal/files.hpp"
#include "swarmex/journal/retention.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::journal {

// What one snapshot cost, for logs and figures.
struct SnapshotReport {
  engine::Seq seq = 0;
  std::uint64_t orders = 0;            // resting orders in it
  std::int64_t stall_ns = 0;           // the longest stop of the matching thread (by the caller)
  std::int64_t encode_ns = 0;          // finishing it and the attachment's encoding (this thread)
  std::int64_t write_ns = 0;           // waiting for the journal, encoding, writing, fsync
  std::uint64_t segments_trimmed = 0;  // deleted or archived by retention after it
  int error = 0;                       // -errno of a failed write or retention step, else 0
  std::uint64_t steps = 0;             // steps it was copied in (set by the caller of submit)
};

class SnapshotWriter {
 public:
  // Runs on the snapshot thread with the copied state: finishes it (finish_snapshot) and returns
  // the attachment's bytes (e.g. the gateway's ledger, pruned and encoded off the matching thread).
  using Attachment = std::function<std::vector<std::uint8_t>(engine::EngineSnapshot&)>;

  // `journal` may be null (durability none: nothing to wait for).
  SnapshotWriter(JournalFiles& files, const JournalWriter* journal, std::size_t keep = 3,
                 RetentionPolicy retention = {});
  ~SnapshotWriter();
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  // Before start(): called on the snapshot thread after each snapshot.
  void set_on_written(std::function<void(const SnapshotReport&)> f) { on_written_ = std::move(f); }
  void start();
  void stop();  // finishes a snapshot in progress

  // False when the previous snapshot is still being written: then the caller need not copy its
  // state at all. Never waits on I/O (the lock is held only for hand-overs).
  [[nodiscard]] bool ready();
  // A snapshot to copy into: the last one written, its buffers' capacity kept (no fresh pages
  // for a million orders at each snapshot), or an empty one.
  engine::EngineSnapshot take_spare();
  // False when the previous snapshot is still being written (this one is skipped). Never waits
  // on I/O.
  bool submit(engine::EngineSnapshot&& snap, Attachment attachment = {}, std::int64_t stall_ns = 0,
              std::uint64_t steps = 1);
  [[nodiscard]] engine::Seq last_written() const noexcept { return last_written_.load(); }
  [[nodiscard]] std::uint64_t failures() const noexcept { return failures_.load(); }
  [[nodiscard]] std::uint64_t segments_trimmed() const noexcept { return trimmed_.load(); }

 private:
  void run();
  void prune();

  JournalFiles& files_;
  const JournalWriter* journal_;
  std::size_t keep_;
  RetentionPolicy retention_;
  std::function<void(const SnapshotReport&)> on_written_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<engine::EngineSnapshot> pending_;
  Attachment pending_attachment_;
  std::int64_t pending_stall_ns_ = 0;
  std::uint64_t pending_steps_ = 1;
  std::optional<engine::EngineSnapshot> spare_;
  bool busy_ = false;
  bool running_ = false;
  std::atomic<engine::Seq> last_written_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::atomic<std::uint64_t> trimmed_{0};
  std::thread thread_;
};

}  // namespace swarmex::journal
