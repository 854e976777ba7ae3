#include "swarmex/engine/partition.hpp"

#include <algorithm>
#include <vector>

#include "swarmex/common/clock.hpp"

namespace swarmex::engine {

InstrumentId routing_instrument(const Command& cmd) noexcept {
  switch (cmd.kind) {
    case CommandKind::NewOrder:
      return cmd.new_order.instrument;
    case CommandKind::CancelOrder:
      return cmd.cancel.instrument;
    case CommandKind::ModifyOrder:
      return cmd.modify.instrument;
    case CommandKind::MassCancel:
      return cmd.mass_cancel.instrument;
    case CommandKind::SwarmOrder:
      return cmd.swarm.legs[0].instrument;
    case CommandKind::Resell:
      return cmd.resell.legs[0].instrument;
    case CommandKind::SetSupply:
      return cmd.supply.instrument;
    case CommandKind::SetParams:
      return cmd.params.instrument;
    case CommandKind::CreateInstrument:
      return cmd.create.id;
    case CommandKind::Autopilot:
      return cmd.autopilot.instrument;
    case CommandKind::EndDay:
      return cmd.end_day.instrument;
    default:
      return cmd.control.instrument;
  }
}

EnginePartition::EnginePartition(std::uint32_t id, PartitionConfig config,
                                 std::unique_ptr<Engine> engine)
    : id_(id),
      config_(std::move(config)),
      engine_(engine ? std::move(engine) : std::make_unique<Engine>(config_.engine)),
      out_(config_.output != nullptr ? config_.output : &output_),
      events_(std::max<std::size_t>(config_.batch, 1) * 8) {
  if (!config_.clock) config_.clock = common::wall_ns;
  if (config_.batch == 0) config_.batch = 1;
  resume_sequence();
}

EnginePartition::~EnginePartition() {
  stop();
}

void EnginePartition::start() {
  if (running_.exchange(true)) return;
  if (config_.wait == WaitStrategy::Inline) {
    resume_sequence();
    return;
  }
  thread_ = std::thread([this] { run(); });
}

void EnginePartition::stop() {
  if (!running_.exchange(false)) return;
  if (thread_.joinable()) thread_.join();
  flush();
  while (snapshotting_)  // the snapshot in progress completes: nothing applies any more
    snapshot_step();
}

bool EnginePartition::submit(const Command& cmd) {
  if (config_.wait != WaitStrategy::Inline) return input_.enqueue(cmd);
  pending_.push_back(cmd);
  if (pending_.size() == 1 && config_.on_pending) config_.on_pending();
  return true;
}

bool EnginePartition::flush() {
  // In slices of `batch`, as the thread dequeues them: the event buffer stays warm and bounded.
  for (std::size_t at = 0; at < pending_.size(); at += config_.batch)
    apply({pending_.data() + at, std::min(config_.batch, pending_.size() - at)});
  if (pending_.empty()) snapshot_step();
  pending_.clear();
  return snapshotting_;
}

void EnginePartition::snapshot_step() {
  if (snapshotting_) snapshotting_ = !config_.on_snapshot_step(*engine_);
}

void EnginePartition::publish(const std::vector<Event>& events) {
  out_->enqueue_bulk(events.data(), events.size());
  if (config_.on_output) config_.on_output();
}

void EnginePartition::resume_sequence() noexcept {
  seq_ = engine_->last_seq();
  last_ns_ = engine_->latest_time_ns();
  applied_.store(seq_, std::memory_order_release);
}

void EnginePartition::run() {
  std::vector<Command> batch(config_.batch);
  resume_sequence();
  for (;;) {
    std::size_t n = 0;
    switch (config_.wait) {
      case WaitStrategy::Spin:
        n = input_.try_dequeue_bulk(batch.data(), batch.size());
        break;
      case WaitStrategy::Yield:
        n = input_.try_dequeue_bulk(batch.data(), batch.size());
        if (n == 0) std::this_thread::yield();
        break;
      case WaitStrategy::Block:
      case WaitStrategy::Inline:  // never has a thread
        n = input_.wait_dequeue_bulk_timed(batch.data(), batch.size(), 1000);
        break;
    }
    if (n == 0) {
      // Stop only once the input is drained, so nothing submitted before stop() is lost.
      if (!running_.load(std::memory_order_acquire) && input_.size_approx() == 0) return;
      snapshot_step();  // idle: a snapshot in progress goes on
      continue;
    }
    apply({batch.data(), n});
  }
}

void EnginePartition::apply(std::span<Command> batch) {
  // One clock read per batch, never earlier than the last: delivery windows and leases are
  // dated by these stamps, so a wall clock stepping back must not reopen a closed window.
  const std::int64_t now_ns = std::max(config_.clock(), last_ns_);
  last_ns_ = now_ns;
  for (Command& c : batch) {
    c.seq = ++seq_;
    c.time_ns = now_ns;
  }
  engine_->apply_batch(batch, events_);
  for (Event& e : events_.mutable_events())
    e.time_ns = now_ns;
  const bool held = config_.on_batch && config_.on_batch(batch, events_);
  if (!held) {
    out_->enqueue_bulk(events_.events().data(), events_.size());
    if (config_.on_output) config_.on_output();
  }
  events_.clear();
  applied_.store(seq_, std::memory_order_release);
  since_snapshot_ += batch.size();
  if (snapshotting_) return snapshot_step();
  if (config_.on_snapshot &&
      ((config_.snapshot_interval > 0 && since_snapshot_ >= config_.snapshot_interval) ||
       snapshot_requested_.exchange(false, std::memory_order_acq_rel))) {
    snapshotting_ = config_.on_snapshot(*engine_) && config_.on_snapshot_step;
    since_snapshot_ = 0;
  }
}

std::size_t EnginePartition::poll(Event* out, std::size_t max, std::int64_t timeout_us) {
  if (timeout_us <= 0) return output_.try_dequeue_bulk(out, max);
  return output_.wait_dequeue_bulk_timed(out, max, timeout_us);
}

}  // namespace swarmex::engine
