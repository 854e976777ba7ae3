// One Boost.Asio I/O thread: its sessions, the principals homed on it, and an inbox through
// which the publisher hands it events without locks (a post happens only when the inbox goes
// from idle to busy).
#pragma once

#include <concurrentqueue/concurrentqueue.h>
#include <atomic>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>
#include "swarmex/gateway/asio.hpp"

#include "principal_state.hpp"
#include "stage_latency.hpp"
#include "swarmex/protocol/codec.hpp"

namespace swarmex::gateway {

class ExchangeMetrics;
class IoMetrics;
class Server;
class Session;

struct OutItem {
  enum class Kind : std::uint8_t {
    Report,
    MakerReport,
    HostFill,
    MarketData,
    Snapshot,
    Notice,
    HostLost,  // `principal`, a host, is lost at time_ns: tell its holders (on its home thread)
    Answer     // `frame` to session `session_id` only (a catalog)
  };
  Kind kind = Kind::Report;
  engine::OwnerId principal = 0;  // Report / MakerReport / HostFill
  engine::Event event;
  std::int64_t time_ns = 0;
  std::int64_t released_ns = 0;  // Report: when the publisher took the event (0: replayed)
  std::uint64_t session_id = 0;  // Snapshot / Answer: who asked
  // Snapshot: encoded BookSnapshot; Notice: encoded InterruptionNotice for `principal`;
  // MarketData: when set, the encoded message for the instrument's subscribers.
  std::shared_ptr<const std::vector<std::uint8_t>> frame;
  std::uint32_t partition = 0;  // Report / MakerReport: the partition the event came from
};

class IoThread {
 public:
  IoThread(Server& server, std::uint32_t index);
  ~IoThread();

  void start();
  void stop();  // stops the context and joins

  boost::asio::io_context& context() noexcept { return ctx_; }
  [[nodiscard]] std::uint32_t index() const noexcept { return index_; }
  Server& server() noexcept { return server_; }
  protocol::FrameWriter& writer() noexcept { return writer_; }
  // The dashboard's stage latency recorder of this thread; null when the dashboard is off.
  void set_stages(StageRecorder* s) noexcept { stages_ = s; }
  StageRecorder* stages() noexcept { return stages_; }

  // Before start(): the metrics this thread counts into (null: none).
  void set_metrics(ExchangeMetrics* metrics);
  ExchangeMetrics* exchange_metrics() noexcept { return exchange_metrics_; }
  IoMetrics* metrics() noexcept { return metrics_; }
  // Any thread: items waiting in the inbox (approximate).
  [[nodiscard]] std::size_t inbox_depth() const noexcept { return inbox_.size_approx(); }

  // Any thread.
  void deliver(OutItem&& item);
  // This thread (or start-up, before start()): processes everything in the inbox, writing each
  // session it sent to once per bulk dequeued.
  void drain();
  // This thread: deliveries from now on post no drain — the caller drains itself next (the
  // inline round, which routes and drains on this thread).
  void hold_drain() noexcept { drain_posted_.store(true, std::memory_order_release); }
  [[nodiscard]] bool draining() const noexcept { return draining_; }
  // Sessions with frames of this drain to write: `first` (reports) before the rest (only
  // market data).
  void flush_after_drain(std::shared_ptr<Session> s, bool first) {
    (first ? flush_first_ : flush_due_).push_back(std::move(s));
  }

  void add_principal(const Principal& p, const PrincipalBounds& bounds);
  PrincipalState* principal(engine::OwnerId id);

  void add_session(std::shared_ptr<Session> s);
  void remove_session(Session* s);  // after it closed
  [[nodiscard]] std::size_t session_count() const noexcept { return sessions_.size(); }
  void subscribe_market_data(Session* s, engine::InstrumentId id);
  // An IncentiveNotice to this thread's sessions subscribed to any book of its pool and
  // resource (each once).
  void send_incentive(const engine::Event& e);
  Session* find_session(std::uint64_t id) {
    auto it = sessions_.find(id);
    return it == sessions_.end() ? nullptr : it->second.get();
  }
  template <typename F>
  void for_each_session(F&& f) const {
    for (const auto& [id, s] : sessions_)
      f(*s);
  }

 private:
  void run();  // the thread: the context, with busy polling when server.busy_poll_us > 0
  void handle(const OutItem& item);
  // A fill on a delivery window: what the principal holds of it, for changes by percent.
  void note_window_fill(PrincipalState& ps, const ExecReport& r, std::int64_t lease_start_ns,
                        std::int64_t time_ns);
  void schedule_housekeeping();
  // A lost host (this thread is its home): HostLost to each tenant it holds capacity for, and to
  // the agent.
  void tell_host_lost(engine::OwnerId host, std::int64_t lost_at_ns);

  Server& server_;
  std::uint32_t index_;
  boost::asio::io_context ctx_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::steady_timer housekeeping_;
  std::thread thread_;
  std::atomic<bool> finished_{false};
  moodycamel::ConcurrentQueue<OutItem> inbox_;
  std::atomic<bool> drain_posted_{false};
  std::vector<OutItem> batch_;
  bool draining_ = false;
  std::vector<std::shared_ptr<Session>> flush_first_;  // sessions sent reports this drain
  std::vector<std::shared_ptr<Session>> flush_due_;    // sessions sent only market data
  protocol::FrameWriter writer_;
  StageRecorder* stages_ = nullptr;
  ExchangeMetrics* exchange_metrics_ = nullptr;
  IoMetrics* metrics_ = nullptr;
  std::unordered_map<std::uint64_t, std::shared_ptr<Session>> sessions_;
  std::unordered_map<engine::OwnerId, std::unique_ptr<PrincipalState>> principals_;
  std::unordered_map<engine::InstrumentId, std::vector<Session*>> market_data_;
};

}  // namespace swarmex::gateway
