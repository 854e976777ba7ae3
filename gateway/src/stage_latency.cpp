#include "stage_latency.hpp"

namespace swarmex::gateway {

const char* to_string(Stage s) noexcept {
  switch (s) {
    case Stage::OrderToSequenced:
      return "order_to_sequenced";
    case Stage::SequencedToDurable:
      return "sequenced_to_durable";
    case Stage::OrderToAck:
      return "order_to_ack";
  }
  return "invalid";
}

void StageRecorder::acknowledged(engine::OrderId id, std::int64_t sequenced_ns,
                                 std::int64_t released_ns, std::int64_t now_ns) {
  Pending& p = pending_[id % kPending];
  if (p.id != id || p.received_ns == 0) return;
  const std::int64_t received_ns = p.received_ns;
  p = Pending{};
  const std::lock_guard lock(mu_);
  any_ = true;
  recorded_[static_cast<std::size_t>(Stage::OrderToSequenced)].record(sequenced_ns - received_ns);
  if (released_ns != 0)
    recorded_[static_cast<std::size_t>(Stage::SequencedToDurable)].record(released_ns -
                                                                          sequenced_ns);
  recorded_[static_cast<std::size_t>(Stage::OrderToAck)].record(now_ns - received_ns);
}

void StageRecorder::take(StageHistograms& into) {
  StageHistograms taken;  // allocated outside the lock: the I/O thread waits only for a swap
  {
    const std::lock_guard lock(mu_);
    if (!any_) return;
    std::swap(recorded_, taken);
    any_ = false;
  }
  for (std::size_t i = 0; i < kStages; ++i)
    into[i].merge(taken[i]);
}

void StageSummary::add(const StageHistograms& fresh, std::int64_t now_ns) {
  if (window_start_ns_ == 0) window_start_ns_ = now_ns;
  if (now_ns - window_start_ns_ >= kWindowNs) {
    previous_ = current_;
    current_ = StageHistograms();
    window_start_ns_ = now_ns;
  }
  for (std::size_t i = 0; i < kStages; ++i) {
    total_[i].merge(fresh[i]);
    current_[i].merge(fresh[i]);
  }
}

StageSummary::Percentiles StageSummary::of(const common::LatencyHistogram& h) {
  return Percentiles{h.count(),        h.percentile(50),   h.percentile(90),
                     h.percentile(99), h.percentile(99.9), h.max()};
}

StageSummary::Percentiles StageSummary::recent(Stage s) const {
  common::LatencyHistogram h = previous_[static_cast<std::size_t>(s)];
  h.merge(current_[static_cast<std::size_t>(s)]);
  return of(h);
}

StageSummary::Percentiles StageSummary::since_start(Stage s) const {
  return of(total_[static_cast<std::size_t>(s)]);
}

}  // namespace swarmex::gateway
