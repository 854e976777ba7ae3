// The exchange behind the gateway: the engine partitions as journal::ExchangeAssembly builds them
// (routing by pool, recovery, journals), plus what the gateway adds to each journaled partition:
// its stream ledger, kept on the partition's thread and carried by each of its snapshots.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "swarmex/gateway/config.hpp"
#include "swarmex/journal/assembly.hpp"

#include "stream_ledger.hpp"

namespace swarmex::gateway {

class Exchange {
 public:
  // Sees every command replayed from the journals at start-up, with its events and partition.
  using ReplayHook =
      std::function<void(std::uint32_t, const engine::Command&, const engine::EventBuffer&)>;
  // Sees every spot instrument a recovered partition has that the configuration lacks (created live
  // by CreateInstrument): those a snapshot holds before the journal replays, then each one the
  // replay creates, as it does.
  using InstrumentHook = std::function<void(const engine::InstrumentSpec&)>;
  // Sees each journaled partition's restored engine (its snapshot plus the configuration) with the
  // stream ledger its snapshot carried (null when the snapshot has none: older than version 7),
  // for every partition before any journal replays.
  using RestoredHook =
      std::function<void(std::uint32_t partition, const engine::Engine&, const StreamLedger*)>;

  // Every partition publishes its events to `output`; `journal_observer` sees the journal writes.
  // Inline partitions (engine.wait = "inline") call `wake` (any thread) when they have commands to
  // flush() or have put events out.
  Exchange(const Config& config, moodycamel::BlockingConcurrentQueue<engine::Event>* output,
           const ReplayHook& on_replayed, const InstrumentHook& on_learned,
           const RestoredHook& on_restored, const std::function<void()>& wake = {},
           journal::JournalObserver* journal_observer = nullptr,
           std::vector<journal::JournalReplicator*> replicators = {});

  void start() { assembly_->start(); }
  // A hot standby, before start() (journal::ExchangeAssembly::follow): the leader's commands
  // applied as the start-up replay applies them, the replay hook seeing each; the state hash.
  std::uint64_t follow(std::uint32_t partition, std::span<const engine::Command> commands) {
    return assembly_->follow(partition, commands);
  }
  // The standby takes over: the journals publish through `replicators` from now on.
  std::vector<std::string> lead(const std::vector<journal::JournalReplicator*>& replicators) {
    return assembly_->lead(replicators);
  }
  [[nodiscard]] std::uint64_t state_hash(std::size_t partition) {
    return assembly_->state_hash(partition);
  }
  void stop() { assembly_->stop(); }  // drains the partitions and journals

  [[nodiscard]] std::size_t partitions() const noexcept { return assembly_->partitions(); }
  engine::EnginePartition& partition(std::size_t i) noexcept { return assembly_->partition(i); }
  // Routes by instrument (engine::PoolRouting); a mass cancel over all instruments goes to every
  // partition.
  void submit(const engine::Command& cmd) { assembly_->submit(cmd); }
  // To one partition (a CreateInstrument, before its id has a route).
  void submit_to(std::uint32_t partition, const engine::Command& cmd) {
    assembly_->submit_to(partition, cmd);
  }
  // Inline partitions, on the I/O thread: applies what was submitted since the last flush.
  // True while a snapshot has steps left: flush again soon.
  bool flush() { return assembly_->flush(); }
  // The partition that owns an instrument (0 for unknown ids).
  [[nodiscard]] std::uint32_t partition_of(engine::InstrumentId id) const noexcept {
    return assembly_->routing().partition_of(id);
  }
  // Admin path: the partition a new instrument of `pool` goes to (its pool's; a new pool takes the
  // next partition in turn), and the route of an instrument once it exists.
  std::uint32_t partition_for_pool(const std::string& pool) {
    return assembly_->routing().partition_for_pool(pool);
  }
  void set_route(engine::InstrumentId id, std::uint32_t partition) noexcept {
    assembly_->routing().set_route(id, partition);
  }
  // A Roll to every partition with scheduled products: lists and closes their windows.
  void roll() { assembly_->roll(); }
  void roll_all() { assembly_->roll_all(); }
  void request_snapshot() { assembly_->request_snapshot(); }
  [[nodiscard]] bool journal_failed() const noexcept { return assembly_->journal_failed(); }
  [[nodiscard]] journal::JournalStats journal_stats() const { return assembly_->journal_stats(); }
  [[nodiscard]] const std::vector<std::string>& recovery_log() const noexcept { return log_; }
  // A journaled partition's ledger (null without a journal); the partition thread's once started.
  [[nodiscard]] const StreamLedger* ledger(std::size_t i) const noexcept {
    return i < ledgers_.size() ? ledgers_[i].get() : nullptr;
  }

 private:
  // The gateway state each partition's commands built; the partition thread's (journaled only).
  std::vector<std::unique_ptr<StreamLedger>> ledgers_;
  std::unique_ptr<journal::ExchangeAssembly> assembly_;
  std::vector<std::string> log_;
};

}  // namespace swarmex::gateway
