// Journal writer with group commit: one thread takes every batch the engine partition handed over
// while the previous write was on its way to disk, encodes them into one buffer and writes it
// with one write + fdatasync (io_uring). In `sync` durability the batch's events are released
// only after that; the matching thread never waits on the disk.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <concurrentqueue/blockingconcurrentqueue.h>

#include "swarmex/engine/command.hpp"
#include "swarmex/engine/event.hpp"
#include "swarmex/journal/files.hpp"
#include "swarmex/journal/replicator.hpp"

namespace swarmex::journal {

enum class Durability : std::uint8_t {
  None,   // memory only: no journal
  Async,  // events released at once; records written and synced in the background
  Sync,   // events released only once their commands' batch is synced
  // Events released once a quorum of the cluster holds the batch (a JetStream stream, see
  // replicator.hpp); the local segment is written but not synced.
  Replicated,
  ReplicatedSync,  // both: held by the cluster's quorum and synced locally
};

// True for the modes that hold events back until their batch is durable.
constexpr bool releases_after_write(Durability d) noexcept {
  return d == Durability::Sync || d == Durability::Replicated || d == Durability::ReplicatedSync;
}
constexpr bool replicated(Durability d) noexcept {
  return d == Durability::Replicated || d == Durability::ReplicatedSync;
}

const char* to_string(Durability d) noexcept;
bool parse_durability(const std::string& s, Durability* out) noexcept;

// Largest single write; a torn tail is never longer than this.
inline constexpr std::size_t kMaxBatchBytes = 1u << 20;

struct JournalBatch {
  std::vector<engine::Command> commands;  // contiguous sequence numbers
  std::vector<engine::Event> events;      // released after the commands are durable
  // The engine's state hash after the batch's last command (replicated modes: a standby checks
  // its own against it); 0: not taken.
  std::uint64_t state_hash = 0;
};

struct JournalStats {
  std::uint64_t writes = 0;  // one write + one fdatasync each
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
  std::uint64_t max_records_per_write = 0;
  std::uint64_t segments = 0;
};

// Sees what the journal costs, on the writer's thread (never the partition's): each write with its
// records, bytes and write + fdatasync time, then each batch it made durable with its commands'
// sequencer time (Command::time_ns) and the wall time it became durable.
class JournalObserver {
 public:
  virtual ~JournalObserver() = default;
  virtual void on_write(std::uint32_t partition, std::uint64_t records, std::uint64_t bytes,
                        std::int64_t sync_ns) = 0;
  virtual void on_durable(std::uint32_t partition, std::int64_t sequenced_ns, std::size_t commands,
                          std::int64_t durable_ns) = 0;
};

class JournalWriter {
 public:
  using Release = std::function<void(const std::vector<engine::Event>&)>;

  // `next_seq` is the first sequence number this writer will see.
  JournalWriter(JournalFiles& files, std::uint64_t segment_bytes, engine::Seq next_seq,
                Release release);
  ~JournalWriter();
  JournalWriter(const JournalWriter&) = delete;
  JournalWriter& operator=(const JournalWriter&) = delete;

  // Before start(): who sees each write and durable batch (null: nobody), as `partition`.
  void set_observer(JournalObserver* observer, std::uint32_t partition) noexcept {
    observer_ = observer;
    partition_ = partition;
  }
  // Before start(): every write goes to `replicator` first (null: none), and is synced locally
  // only with `local_sync` (Replicated: false).
  void set_replicator(JournalReplicator* replicator, bool local_sync) noexcept {
    replicator_ = replicator;
    local_sync_ = local_sync;
    if (replicator != nullptr && replicator->max_bytes() < max_batch_bytes_)
      max_batch_bytes_ = replicator->max_bytes();
  }
  [[nodiscard]] bool replicated() const noexcept { return replicator_ != nullptr; }
  void start();
  void stop();  // writes and releases everything submitted, then joins

  // Producer side (the partition thread): a cleared batch to fill, then hand it over.
  JournalBatch* acquire();
  void submit(JournalBatch* batch) { queue_.enqueue(batch); }

  [[nodiscard]] engine::Seq durable_seq() const noexcept {
    return durable_seq_.load(std::memory_order_acquire);
  }
  [[nodiscard]] bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }
  [[nodiscard]] std::string failure() const;
  [[nodiscard]] JournalStats stats() const;

  // Writes and releases batches on the calling thread (tests, tools). Returns 0 or -errno.
  int write_batches(JournalBatch* const* batches, std::size_t n);

 private:
  void run();
  int flush();
  void fail(const std::string& what);

  JournalFiles& files_;
  std::uint64_t segment_bytes_;
  engine::Seq next_seq_;
  Release release_;
  std::unique_ptr<SegmentFile> segment_;
  std::vector<std::uint8_t> buf_;
  engine::Seq buf_first_seq_ = 0;
  std::uint64_t buf_records_ = 0;
  // The state hash after the last whole batch in buf_ and that batch's last sequence: a write
  // that ends there carries it to the replicator (one that ends mid-batch carries none).
  std::uint64_t buf_hash_ = 0;
  engine::Seq buf_hash_seq_ = 0;

  moodycamel::BlockingConcurrentQueue<JournalBatch*> queue_;
  moodycamel::ConcurrentQueue<JournalBatch*> free_;
  std::mutex owned_mu_;  // only while warming up: new batches are created
  std::vector<std::unique_ptr<JournalBatch>> owned_;

  std::atomic<engine::Seq> durable_seq_{0};
  std::atomic<bool> running_{false};
  std::atomic<bool> failed_{false};
  mutable std::mutex failure_mu_;
  std::string failure_;
  mutable std::mutex stats_mu_;
  JournalStats stats_;
  JournalObserver* observer_ = nullptr;
  std::uint32_t partition_ = 0;
  JournalReplicator* replicator_ = nullptr;
  bool local_sync_ = true;
  std::size_t max_batch_bytes_ = kMaxBatchBytes;
  std::thread thread_;
};

}  // namespace swarmex::journal
