// The one way to assemble an exchange out of engine partitions: routing by pool, each partition
// recovered from its journal and snapshot (every partition's snapshot before any journal
// replays), then its journal writer and snapshot writer hooked into its batches. swarmexd (behind
// the gateway), swarmex-engine-demo and the tests build partitions only through this.
#pragma once

#include <concurrentqueue/blockingconcurrentqueue.h>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "swarmex/engine/partition.hpp"
#include "swarmex/engine/pool_routing.hpp"
#include "swarmex/journal/files.hpp"
#include "swarmex/journal/recovery.hpp"
#include "swarmex/journal/retention.hpp"
#include "swarmex/journal/snapshot_writer.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::journal {

struct AssemblyConfig {
  std::uint32_t partitions = 1;
  engine::EngineConfig engine;
  engine::WaitStrategy wait = engine::WaitStrategy::Block;
  std::size_t batch = 256;                          // commands a partition takes per wake-up
  std::function<std::int64_t()> clock;              // the sequencer's; empty: CLOCK_REALTIME
  std::vector<engine::InstrumentSpec> instruments;  // spot instruments from the configuration
  std::vector<engine::Product> products;            // scheduled products (all books of one pool)
  // Journal: with durability None nothing is read or written, and the partitions start empty
  // but for the configuration. Partition i lives in `<journal_path>/partition-<i>`.
  Durability durability = Durability::None;
  std::string journal_path;
  std::uint64_t segment_bytes = 64ull << 20;
  std::uint64_t snapshot_interval = 0;  // commands between snapshots (0: only when requested)
  // A snapshot is copied between batches, at most this many order slots (or attachment entries)
  // per step: the longest the matching thread stops for one (snapshot_capture.hpp).
  std::uint32_t snapshot_step_orders = 16384;
  std::size_t keep_snapshots = 3;  // newest snapshots kept per partition (at least 2)
  // What happens to the segments before the oldest snapshot kept; with Archive, partition i's go
  // to `<archive_path>/partition-<i>`.
  Retention retention = Retention::Keep;
  std::string archive_path;
  // Where every partition's events go; null: each partition's own queue (poll()).
  moodycamel::BlockingConcurrentQueue<engine::Event>* output = nullptr;
  // Inline partitions: called (any thread) when they have commands to flush() or put events out.
  std::function<void()> wake;
  // Sees every partition's journal writes (journaled partitions; outlives the assembly's run).
  JournalObserver* journal_observer = nullptr;
  // Durability Replicated / ReplicatedSync: partition i's writes go to replicators[i] before
  // their batches are released (owned by the embedding process; outlive the assembly's run).
  std::vector<JournalReplicator*> replicators;
  // Replicated: the first batch after at least this many commands since the last one that did
  // carries the engine's state hash (JournalBatch::state_hash) for a standby's check.
  std::uint64_t state_hash_interval = 1024;
};

// The embedding process's part of a snapshot (EngineSnapshot::attachment), copied in bounded
// steps like the engine's orders. Made on the partition thread right after
// Engine::begin_snapshot (the same sequence); once the engine's orders are all copied, step()
// runs between batches until it returns true; encode() runs on the snapshot thread with the
// finished snapshot.
class AttachmentCapture {
 public:
  virtual ~AttachmentCapture() = default;
  // At most `budget` entries copied; `orders`: the engine's captured orders (complete).
  virtual bool step(const engine::SnapshotCapture& orders, const engine::EngineSnapshot& snap,
                    std::uint32_t budget) = 0;
  virtual std::vector<std::uint8_t> encode(const engine::EngineSnapshot& snap) = 0;
};

// What the process embedding the exchange sees while it is assembled and as it runs. Every hook
// is optional.
struct AssemblyHooks {
  // Journaled partitions, each before any journal replays: the engine its snapshot and the
  // configuration restored, and the recovery so far (snapshot_seq, attachment).
  std::function<void(std::uint32_t, const engine::Engine&, const Recovered&)> on_restored;
  // Every command replayed from a journal at start-up, with its events.
  std::function<void(std::uint32_t, const engine::Command&, const engine::EventBuffer&)>
      on_replayed;
  // Every command a standby applies as it follows the leader (follow()), with its events; the
  // chunk then goes to on_batch as a partition thread's batch does.
  std::function<void(std::uint32_t, const engine::Command&, const engine::EventBuffer&)>
      on_followed;
  // Each partition once its journal replayed, before it runs.
  std::function<void(std::uint32_t, const engine::Engine&)> on_recovered;
  // Every spot instrument a recovered partition has that the configuration lacks (created live):
  // those a snapshot holds before the journal replays, then each one the replay creates.
  std::function<void(const engine::InstrumentSpec&)> on_learned;
  // The partition's thread, journaled partitions: each applied batch, before it is journaled
  // (and each chunk follow() applied).
  std::function<void(std::uint32_t, std::span<const engine::Command>, const engine::EventBuffer&,
                     const engine::Engine&)>
      on_batch;
  // The partition's thread, as each snapshot begins: the capture of the embedding process's
  // state at the same sequence (same file), or null for none.
  std::function<std::unique_ptr<AttachmentCapture>(std::uint32_t, const engine::Engine&)>
      attachment;
  // The snapshot thread, after each snapshot of a partition: what it cost (logs, figures).
  std::function<void(std::uint32_t, const SnapshotReport&)> on_snapshot_written;
};

class ExchangeAssembly {
 public:
  // Recovers every partition (throws on corruption or a bad journal directory).
  explicit ExchangeAssembly(const AssemblyConfig& config, AssemblyHooks hooks_in = {});
  ~ExchangeAssembly();
  ExchangeAssembly(const ExchangeAssembly&) = delete;
  ExchangeAssembly& operator=(const ExchangeAssembly&) = delete;

  // Durability Replicated / ReplicatedSync: throws unless every partition has its replicator.
  void start();
  void stop();  // drains the partitions and journals

  // A hot standby, before start() (one thread): commands the leader sequenced, in order and
  // without a gap, appended to partition i's journal and applied to its engine as the start-up
  // replay applies them (the hooks see them the same way); a snapshot every snapshot_interval
  // commands. Returns the engine's state hash after them. Throws on a gap or a failed write.
  std::uint64_t follow(std::uint32_t partition, std::span<const engine::Command> commands);
  // The standby takes over, before start(): partition i's journal writes go to replicators[i]
  // from now on (replicated durability; owned by the embedding process), and on_recovered sees
  // each partition, as at the end of a start-up replay. A recovery-log line per partition.
  std::vector<std::string> lead(const std::vector<JournalReplicator*>& replicators);
  // Partition i's engine state hash (before start() or after stop()).
  [[nodiscard]] std::uint64_t state_hash(std::size_t i) noexcept {
    return parts_[i]->engine->engine().state_hash();
  }

  [[nodiscard]] std::size_t partitions() const noexcept { return parts_.size(); }
  engine::EnginePartition& partition(std::size_t i) noexcept { return *parts_[i]->engine; }
  engine::PoolRouting& routing() noexcept { return routing_; }
  [[nodiscard]] const engine::PoolRouting& routing() const noexcept { return routing_; }

  // Routes by instrument; a mass cancel over all instruments goes to every partition. False when
  // a partition's queue refused it.
  bool submit(const engine::Command& cmd);
  // To one partition (a CreateInstrument, before its id has a route).
  bool submit_to(std::uint32_t partition, const engine::Command& cmd);
  // Inline partitions, on the writer's thread: applies what was submitted since the last flush.
  // True while a snapshot has steps left (EnginePartition::flush): flush again soon.
  bool flush();
  // A calendar roll to every partition with scheduled products: lists and closes their windows.
  void roll();
  // A Roll to every partition: sequenced time for pool pricing (repricing, incentives).
  void roll_all();
  void request_snapshot();
  // Partition i's snapshots copied in steps so far (tests: the pause is bounded by count).
  struct SnapshotSteps {
    std::uint64_t steps = 0;           // steps taken between batches
    std::uint32_t max_step_slots = 0;  // the most order slots one step scanned
    std::uint64_t kept = 0;            // orders the write barrier copied ahead of the steps
  };
  [[nodiscard]] SnapshotSteps snapshot_steps(std::size_t i) const;
  [[nodiscard]] bool journal_failed() const noexcept;
  [[nodiscard]] JournalStats journal_stats() const;
  // What recovery did, a line each (empty without a journal).
  [[nodiscard]] const std::vector<std::string>& recovery_log() const noexcept { return log_; }

 private:
  struct Taking;  // a snapshot being copied in steps (assembly.cpp)
  struct Part {
    std::unique_ptr<Taking> taking;
    std::atomic<std::uint64_t> steps{0};           // over all its snapshots
    std::atomic<std::uint32_t> max_step_slots{0};  // the most one step copied
    std::atomic<std::uint64_t> kept{0};            // copied ahead by the write barrier
    std::unique_ptr<JournalFiles> files;
    std::unique_ptr<JournalWriter> journal;
    std::unique_ptr<SnapshotWriter> snapshots;
    std::unique_ptr<engine::EnginePartition> engine;
    // The partition's snapshot steps (its PartitionConfig's): follow() takes snapshots with them.
    std::function<bool(engine::Engine&)> begin_snapshot;
    std::function<bool(engine::Engine&)> snapshot_step;
    std::uint64_t followed = 0;  // commands follow() applied
    std::uint64_t followed_since_snapshot = 0;
    std::uint64_t since_hash = 0;  // the partition thread's: commands since the last hash
  };
  void learn(std::uint32_t partition, const engine::InstrumentSpec& spec);
  void attach_replicators(const std::vector<JournalReplicator*>& replicators);
  static std::string recovered_line(std::uint32_t partition, const engine::Engine& e,
                                    const std::string& how);

  AssemblyHooks hooks_;
  Durability durability_ = Durability::None;
  std::uint64_t snapshot_interval_ = 0;
  std::vector<bool> in_config_;  // by instrument id: tradable from the configuration
  JournalBatch follow_journal_;  // follow()'s, reused
  engine::EventBuffer follow_events_;
  engine::EventBuffer follow_batch_;
  engine::PoolRouting routing_;
  std::vector<std::unique_ptr<Part>> parts_;
  std::vector<std::uint32_t> rolled_;  // partitions that own scheduled products
  std::vector<std::string> log_;
};

}  // namespace swarmex::journal
