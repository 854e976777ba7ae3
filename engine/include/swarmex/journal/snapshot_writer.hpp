// Writes snapshots on its own thread, so the matching thread only pays for copying its state.
// A snapshot is written only once the journal is durable up to its sequence number (it must never
// contain a command the journal could still lose), and only the newest `keep` are kept.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "swarmex/engine/snapshot.hpp"
#include "swarmex/journal/files.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::journal {

class SnapshotWriter {
 public:
  // `journal` may be null (durability none: nothing to wait for).
  SnapshotWriter(JournalFiles& files, const JournalWriter* journal, std::size_t keep = 3);
  ~SnapshotWriter();
  SnapshotWriter(const SnapshotWriter&) = delete;
  SnapshotWriter& operator=(const SnapshotWriter&) = delete;

  void start();
  void stop();  // finishes a snapshot in progress

  // Never blocks: false when the previous snapshot is still being written (this one is skipped).
  bool submit(engine::EngineSnapshot&& snap);
  [[nodiscard]] engine::Seq last_written() const noexcept { return last_written_.load(); }
  [[nodiscard]] std::uint64_t failures() const noexcept { return failures_.load(); }

 private:
  void run();
  void prune();

  JournalFiles& files_;
  const JournalWriter* journal_;
  std::size_t keep_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<engine::EngineSnapshot> pending_;
  bool busy_ = false;
  bool running_ = false;
  std::atomic<engine::Seq> last_written_{0};
  std::atomic<std::uint64_t> failures_{0};
  std::thread thread_;
};

}  // namespace swarmex::journal
