// One load session: a logged-on tenant sending on a fixed schedule (or a window, pipelined), a
// host keeping asks on the book for the crossing orders to hit, or an echo session measuring the
// bare loopback round trip. Each driver belongs to one I/O thread.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "plan.hpp"
#include "swarmex/client/client.hpp"
#include "swarmex/common/clock.hpp"
#include "swarmex/common/latency_histogram.hpp"

namespace swarmex::loadgen {

// What one I/O thread measured; merged at the end.
struct Stats {
  common::LatencyHistogram ack;       // NewOrder → Accepted/Rejected (echo: → the echoed frame)
  common::LatencyHistogram fill;      // crossing NewOrder → its first Filled
  common::LatencyHistogram cancel;    // CancelOrder → Cancelled(requested)
  common::LatencyHistogram send_lag;  // actual send − scheduled send: the generator's own delay
  // The ack split at the engine's sequencing stamp (the report's time_ns, a wall clock read by
  // the partition as it applies the batch): where a slow ack spent its time, to within the drift
  // between the two clocks over one run.
  common::LatencyHistogram
      to_engine;  // NewOrder sent → sequenced (network, socket, gateway intake)
  common::LatencyHistogram
      from_engine;            // sequenced → Accepted read (reports, network, generator read)
  std::uint64_t orders = 0;   // NewOrders sent in the measured window
  std::uint64_t cancels = 0;  // CancelOrders sent in the measured window
  std::uint64_t requests_total = 0;  // everything sent, warm-up included
  std::uint64_t accepted = 0;
  std::uint64_t rejected = 0;
  std::uint64_t fills = 0;  // Filled reports to tenants
  std::uint64_t cancelled_requested = 0;
  std::uint64_t cancelled_other = 0;  // ioc remainders and the like
  std::uint64_t cancel_rejected = 0;
  std::uint64_t unanswered = 0;  // NewOrders without Accepted/Rejected by the end
  std::uint64_t host_asks = 0;   // asks the hosts posted
  std::uint64_t host_fills = 0;
  std::uint64_t errors = 0;  // Error messages and lost sessions
  std::uint64_t order_frame_bytes = 0;
  std::array<std::uint64_t, 64> reject_reasons{};
  std::string first_error;

  void merge(const Stats& other);
};

// Timing shared by all sessions of a phase (steady-clock nanoseconds).
struct Schedule {
  std::int64_t start_ns = 0;
  std::int64_t measure_ns = 0;    // requests scheduled from here on are measured
  std::int64_t send_end_ns = 0;   // no request scheduled after this
  std::int64_t drain_end_ns = 0;  // stop waiting for answers
  double rate = 0;                // requests per second, all sessions (open loop)
  int sessions = 1;
  bool pipelined = false;
  int window = 1;
  std::int64_t spin_ns = 0;  // the I/O threads poll instead of sleeping this close to a send
};

inline std::int64_t now_ns() noexcept {
  return common::steady_ns();
}

class Driver {
 public:
  enum class Mode : std::uint8_t { Tenant, Host, Echo };

  Driver(client::Client client, Mode mode, std::uint32_t session, const Options& options,
         const IdScheme& ids, const Schedule& schedule);

  [[nodiscard]] int fd() const noexcept { return client_.native_handle(); }
  [[nodiscard]] bool alive() const noexcept { return alive_; }
  [[nodiscard]] Mode mode() const noexcept { return mode_; }
  // Steady-clock time of the next scheduled request; max() when none.
  [[nodiscard]] std::int64_t next_send_ns() const noexcept;
  // Requests sent and not answered yet.
  [[nodiscard]] std::uint64_t outstanding() const noexcept { return outstanding_; }
  // Whole frames already read but not handled (the per-wake limit left them).
  [[nodiscard]] bool has_buffered() const noexcept {
    return alive_ && client_.has_buffered_frame();
  }

  // Hosts: post the initial asks (once, however many phases the session runs).
  void start(Stats& stats);
  // A new phase with the same session (interleaved runs): its open-loop schedule starts again
  // from the Schedule's new start_ns.
  void restart_schedule() noexcept { sequence_ = 0; }
  // Sends every request due by `now` (open loop), or refills the window (pipelined).
  void send_due(std::int64_t now, Stats& stats);
  // Reads and handles everything the socket has.
  void on_readable(Stats& stats);
  // At the end: counts NewOrders never answered, and closes.
  void finish(Stats& stats);

 private:
  struct Request {
    std::uint64_t client_order_id = 0;
    std::int64_t sent_ns = 0;         // scheduled send time (open loop) or actual (pipelined)
    std::int64_t cancel_sent_ns = 0;  // 0: no cancel in flight
    OrderKind kind = OrderKind::Passive;
    bool acked = false;
    bool filled = false;
  };

  void send_one(std::int64_t scheduled, std::int64_t now, Stats& stats);
  void post_ask(Stats& stats);
  void on_message(const wire::Message& m, std::int64_t now, Stats& stats);
  void on_report(const wire::ExecutionReport& r, std::int64_t now, Stats& stats);
  void on_host_report(const wire::ExecutionReport& r, Stats& stats);
  void fail(const std::string& why, Stats& stats);
  Request* request_of(std::uint64_t client_order_id) noexcept;

  client::Client client_;
  Mode mode_;
  std::uint32_t session_;
  const Options& options_;
  IdScheme ids_;
  const Schedule& schedule_;
  bool alive_ = true;
  bool started_ = false;        // hosts: initial asks posted
  std::uint64_t counter_ = 0;   // requests sent; the next NewOrder gets counter_ + 1
  std::uint64_t sequence_ = 0;  // open loop: index of the next scheduled request
  std::uint64_t outstanding_ = 0;
  std::int64_t last_send_ns_ = 0;
  std::vector<Request> requests_;       // ring indexed by counter
  std::vector<std::uint64_t> resting_;  // ring of this session's passive ids, newest last
  std::size_t resting_count_ = 0;
  std::size_t resting_head_ = 0;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> uniform_{0.0, 1.0};
};

}  // namespace swarmex::loadgen
