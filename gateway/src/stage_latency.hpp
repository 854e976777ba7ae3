// An order's latency through the exchange's stages, measured where the gateway already sees it:
// received (the session's I/O thread), sequenced (the partition's stamp, Event::time_ns), released
// (the publisher takes the event: after the fdatasync with durability = "sync") and acknowledged
// (its home I/O thread writes the report). All times are wall clock (CLOCK_REALTIME), as the
// partition stamps. One recorder per I/O thread, so the order path shares nothing; the dashboard
// thread takes the counts. Only built while the dashboard is on. Kept apart from the dashboard so
// the same stages can be exported as metrics instead.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>

#include "swarmex/common/latency_histogram.hpp"
#include "swarmex/engine/types.hpp"

namespace swarmex::gateway {

enum class Stage : std::uint8_t { OrderToSequenced = 0, SequencedToDurable = 1, OrderToAck = 2 };
inline constexpr std::size_t kStages = 3;
const char* to_string(Stage s) noexcept;

using StageHistograms = std::array<common::LatencyHistogram, kStages>;

class StageRecorder {
 public:
  // The I/O thread of the session that sent the order, as it submits it.
  void received(engine::OrderId id, std::int64_t now_ns) noexcept {
    pending_[id % kPending] = Pending{id, now_ns};
  }
  // The home thread of the order's sender, as it writes the order's Accepted or Rejected report.
  // An order whose slot another took meanwhile (more than kPending in flight) is not measured.
  void acknowledged(engine::OrderId id, std::int64_t sequenced_ns, std::int64_t released_ns,
                    std::int64_t now_ns);
  // Any thread: adds what was recorded since the last take to `into`, and forgets it.
  void take(StageHistograms& into);

 private:
  static constexpr std::size_t kPending = 4096;
  struct Pending {
    engine::OrderId id = 0;
    std::int64_t received_ns = 0;
  };
  std::array<Pending, kPending> pending_{};  // this I/O thread only
  std::mutex mu_;                            // the I/O thread and the dashboard thread
  bool any_ = false;
  StageHistograms recorded_;
};

// The dashboard's view of the stages: since start, and over the last 10 to 20 s (two rotating
// windows of kWindowNs each).
class StageSummary {
 public:
  static constexpr std::int64_t kWindowNs = 10'000'000'000;
  // Takes every recorder's counts (the dashboard thread).
  template <typename Recorders>
  void collect(Recorders& recorders, std::int64_t now_ns) {
    StageHistograms fresh;
    for (auto& r : recorders)
      r->take(fresh);
    add(fresh, now_ns);
  }
  void add(const StageHistograms& fresh, std::int64_t now_ns);
  struct Percentiles {
    std::uint64_t count = 0;
    std::int64_t p50_ns = 0, p90_ns = 0, p99_ns = 0, p999_ns = 0, max_ns = 0;
  };
  [[nodiscard]] Percentiles recent(Stage s) const;
  [[nodiscard]] Percentiles since_start(Stage s) const;

 private:
  static Percentiles of(const common::LatencyHistogram& h);
  StageHistograms total_, current_, previous_;
  std::int64_t window_start_ns_ = 0;
};

}  // namespace swarmex::gateway
