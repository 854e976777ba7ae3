// Engine partitions: one thread per partition owns an Engine (single writer of its books). Commands
// enter through one moodycamel queue per partition; the partition thread is the sequencer (it
// stamps sequence number and time), applies them, and publishes events on a lock-free queue. An
// inline partition has no thread: the one thread that submits is its writer; it queues commands and
// applies them as one batch when it calls flush() (the gateway with one I/O thread, after each
// round of reads, so an order reaches its ack without a thread hand-off and the journal still sees
// batches).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include <concurrentqueue/blockingconcurrentqueue.h>

#include "swarmex/engine/engine.hpp"

namespace swarmex::engine {

// How an idle partition thread waits; Inline: no partition thread, flush() applies on the caller's.
enum class WaitStrategy : std::uint8_t { Spin, Yield, Block, Inline };

struct PartitionConfig {
  EngineConfig engine;
  WaitStrategy wait = WaitStrategy::Block;
  std::size_t batch = 256;  // commands taken off the queue per wake-up
  // Clock for the sequencer's time stamp; the engine never reads it. Defaults to CLOCK_REALTIME.
  std::function<std::int64_t()> clock;
  // Sees every applied batch: its sequenced commands and their events (the journal hooks in
  // here). Returning true means it takes over publishing those events (sync durability: they go
  // out once the batch is on disk, through EnginePartition::publish).
  std::function<bool(std::span<const Command>, const EventBuffer&)> on_batch;
  // Called on the partition thread every `snapshot_interval` commands (0 = never) and when
  // requested, between batches. It returns true when it began a snapshot taken in steps
  // (Engine::begin_snapshot): then on_snapshot_step runs after each batch, at each idle wake-up
  // and at stop() until it returns true (complete), and no other snapshot begins meanwhile.
  std::uint64_t snapshot_interval = 0;
  std::function<bool(Engine&)> on_snapshot;
  std::function<bool(Engine&)> on_snapshot_step;
  // Where events go; null = the partition's own queue (poll()). Several partitions may share one
  // queue: each producer's events stay in order.
  moodycamel::BlockingConcurrentQueue<Event>* output = nullptr;
  // Called after events went to the output queue (on the thread that put them there): lets an
  // inline consumer schedule its drain instead of waiting on the queue.
  std::function<void()> on_output;
  // Inline: called when a submit finds nothing pending, so the writer schedules its flush().
  std::function<void()> on_pending;
};

class EnginePartition {
 public:
  // Takes `engine` (e.g. one rebuilt by recovery) or creates an empty one.
  EnginePartition(std::uint32_t id, PartitionConfig config,
                  std::unique_ptr<Engine> engine = nullptr);
  ~EnginePartition();
  EnginePartition(const EnginePartition&) = delete;
  EnginePartition& operator=(const EnginePartition&) = delete;

  // Before start() or after stop() only: the engine is the partition thread's while it runs.
  Engine& engine() noexcept { return *engine_; }

  void start();
  void stop();  // drains what was submitted, then joins (Inline: flushes, on the caller's thread)

  // Any thread; Inline: only ever the writer's thread, and it is queued until flush().
  // The command's seq and time_ns are overwritten by the sequencer.
  bool submit(const Command& cmd);
  // Inline, the writer's thread: applies everything submitted since the last flush, in order;
  // an idle flush takes the next step of a snapshot in progress. True while steps remain: the
  // writer calls flush() again soon, between its other work (the pause stays one step).
  bool flush();
  // Any thread (the journal writer in sync durability): events for the output queue.
  void publish(const std::vector<Event>& events);
  // Any thread: asks for a snapshot at the next batch.
  void request_snapshot() noexcept { snapshot_requested_.store(true, std::memory_order_release); }

  // Any thread: takes up to `max` events; waits up to `timeout_us` when none is ready.
  std::size_t poll(Event* out, std::size_t max, std::int64_t timeout_us = 0);

  [[nodiscard]] std::uint32_t id() const noexcept { return id_; }
  // Any thread: commands submitted and not yet taken by the partition thread (approximate; 0 for
  // Inline, whose queue is the writer's own).
  [[nodiscard]] std::size_t queued() const noexcept { return input_.size_approx(); }
  [[nodiscard]] Seq applied() const noexcept { return applied_.load(std::memory_order_acquire); }

 private:
  void run();
  // The sequencer's step, on the writer's thread: stamps, applies and publishes `batch`.
  void apply(std::span<Command> batch);
  void resume_sequence() noexcept;  // seq_ and last_ns_ from the engine, as the writer starts
  void snapshot_step();             // the next step of a snapshot in progress, if any

  std::uint32_t id_;
  PartitionConfig config_;
  std::unique_ptr<Engine> engine_;
  moodycamel::BlockingConcurrentQueue<Command> input_;
  moodycamel::BlockingConcurrentQueue<Event> output_;
  moodycamel::BlockingConcurrentQueue<Event>* out_;  // output_ or the configured shared queue
  std::atomic<bool> running_{false};
  std::atomic<Seq> applied_{0};
  std::atomic<bool> snapshot_requested_{false};
  std::thread thread_;
  // The writer's: sequence, latest stamp, commands since the last snapshot, event scratch.
  Seq seq_ = 0;
  std::int64_t last_ns_ = 0;
  std::uint64_t since_snapshot_ = 0;
  bool snapshotting_ = false;  // a snapshot taken in steps is in progress
  EventBuffer events_;
  std::vector<Command> pending_;  // Inline: submitted, not yet applied
};

}  // namespace swarmex::engine
