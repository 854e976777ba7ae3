// swarmexd's Prometheus metrics (docs/metrics.md): one registry that the exposer serves on
// server.metrics_listen and that anything in the process may read with registry()->Collect().
// Each thing is counted by the thread that sees it happen and never under a lock on the matching
// path: I/O threads time their orders into their own IoMetrics (plain relaxed atomics), the
// publisher thread counts commands, rejects and fills, the journal writers time their writes, and
// the levels (queue depths, sessions not logged on, host lag) are read when the registry is
// collected, which also folds the I/O threads' histograms in.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "io_metrics.hpp"
#include "swarmex/engine/event.hpp"
#include "swarmex/gateway/config.hpp"
#include "swarmex/journal/writer.hpp"

namespace prometheus {
class Exposer;
}

namespace swarmex::gateway {

// How full the queues are now (read at each collection; any thread).
struct QueueLevels {
  std::vector<std::size_t> partitions;  // commands waiting per engine partition
  std::size_t events = 0;               // events waiting for the publisher
  std::vector<std::size_t> inboxes;     // items waiting per I/O thread
  std::uint32_t open_sessions = 0;      // every connection, logged on or not
  // The fill fan-out ([cluster] fill_fanout): published, stored, failed, dropped so far.
  std::array<std::uint64_t, 4> fill_fanout = {};
};

// A cluster node's part (durability replicated; read at each collection, any thread).
struct ClusterLevels {
  bool leading = false;
  std::uint64_t followed = 0;         // commands applied from the journal streams
  std::uint64_t checked = 0;          // the leader's state hashes found equal to its own
  std::vector<std::uint64_t> behind;  // per partition: stream messages not read yet
};

class ExchangeMetrics : public journal::JournalObserver {
 public:
  ExchangeMetrics(const Config& config, std::uint32_t io_threads, std::uint32_t partitions);
  ~ExchangeMetrics() override;

  // The registry every swarmexd metric is in; Collect() brings the folded-in ones up to date.
  [[nodiscard]] std::shared_ptr<prometheus::Registry> registry() const { return registry_; }
  // Serves the registry on http://`listen`/metrics (once: later calls do nothing); throws when
  // the address cannot be bound.
  void serve(const std::string& listen);
  void stop_serving();             // before the threads whose counters the registry reads go
  [[nodiscard]] int port() const;  // the port serve() bound (0 before)
  // Read at each collection (set before serve()).
  void set_levels(std::function<QueueLevels()> levels) {
    std::lock_guard lock(refresh_mu_);
    levels_ = std::move(levels);
  }

  // Read at each collection: a cluster node's role and how its standby part keeps up.
  void set_cluster(std::function<ClusterLevels()> levels) {
    std::lock_guard lock(refresh_mu_);
    cluster_levels_ = std::move(levels);
  }

  // I/O thread `i`'s own timings.
  IoMetrics& io(std::uint32_t i) noexcept { return *io_[i]; }

  // The publisher thread: every routed event (commands by kind and outcome, engine rejects by
  // reason, fills of `spec`'s pool and resource).
  void note_event(const engine::Event& e, const engine::InstrumentSpec* spec);
  // The publisher thread: a pool's declared capacity and what is sold of it now.
  void note_pool_use(const std::string& pool, const std::string& resource, engine::Qty capacity,
                     engine::Qty sold);
  // Any I/O thread: an order refused before the engine.
  void note_gateway_reject(engine::RejectReason why);
  // A session logged on / a logged-on session closed (its thread).
  void note_logon(Role role);
  void note_logoff(Role role);
  // A host's home thread: fill `seq` of its fill stream was produced; its controller's report.
  void note_host_fill(engine::OwnerId host, std::uint64_t seq) noexcept;
  void note_enactment(const Principal& host, std::uint64_t fill_seq, bool enforced,
                      std::int64_t latency_ns);

  // journal::JournalObserver: the journal writers' threads.
  void on_write(std::uint32_t partition, std::uint64_t records, std::uint64_t bytes,
                std::int64_t sync_ns) override;
  void on_durable(std::uint32_t partition, std::int64_t sequenced_ns, std::size_t commands,
                  std::int64_t durable_ns) override;

 private:
  class RefreshingRegistry;
  struct PoolSeries {
    prometheus::Counter* fills = nullptr;
    prometheus::Counter* traded_units = nullptr;
    prometheus::Gauge* last_price = nullptr;
    prometheus::Gauge* utilisation = nullptr;
    prometheus::Gauge* capacity = nullptr;
  };
  struct HostSeries {
    std::atomic<std::uint64_t> produced{0};  // last fill stream sequence sent (home thread)
    std::atomic<std::uint64_t> reported{0};  // highest one its controller reported
    prometheus::Gauge* lag = nullptr;
    prometheus::Counter* enactments = nullptr;
    prometheus::Counter* failures = nullptr;
  };
  struct JournalSeries {
    prometheus::Histogram* batch_records = nullptr;
    prometheus::Histogram* fdatasync = nullptr;
    prometheus::Histogram* sequenced_to_durable = nullptr;
    prometheus::Counter* bytes = nullptr;
    std::vector<double> scratch;  // the writer's: bucket increments of one durable batch
  };
  // Created at first use (a reason seen); any thread.
  class LazyCounters {
   public:
    LazyCounters(prometheus::Family<prometheus::Counter>& family, std::string stage)
        : family_(family), stage_(std::move(stage)) {}
    prometheus::Counter& at(engine::RejectReason why);

   private:
    prometheus::Family<prometheus::Counter>& family_;
    std::string stage_;
    std::array<std::atomic<prometheus::Counter*>,
               static_cast<std::size_t>(engine::RejectReason::kCount) + 1>
        counters_{};
    std::mutex mu_;
  };

  void refresh();  // on every Collect()
  PoolSeries& pool(const std::string& pool, const std::string& resource);

  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  std::function<QueueLevels()> levels_;
  std::vector<std::unique_ptr<IoMetrics>> io_;

  // Folded in at collection (refresh_mu_): the I/O threads' histograms and what was seen of them.
  std::mutex refresh_mu_;
  prometheus::Histogram* order_to_sequenced_ = nullptr;
  prometheus::Histogram* order_to_ack_ = nullptr;
  struct Seen {
    std::vector<std::uint64_t> sequenced, ack;
    std::int64_t sequenced_sum = 0, ack_sum = 0;
  };
  std::vector<Seen> seen_;
  std::vector<prometheus::Gauge*> partition_queue_;
  prometheus::Gauge* event_queue_ = nullptr;
  std::vector<prometheus::Gauge*> inbox_;
  std::array<prometheus::Counter*, 4> fill_fanout_{};  // [cluster] fill_fanout only
  std::array<std::uint64_t, 4> fill_fanout_seen_{};
  std::function<ClusterLevels()> cluster_levels_;  // durability replicated only
  prometheus::Gauge* cluster_leader_ = nullptr;
  prometheus::Counter* cluster_followed_ = nullptr;
  prometheus::Counter* cluster_checked_ = nullptr;
  std::vector<prometheus::Gauge*> cluster_behind_;
  std::uint64_t cluster_followed_seen_ = 0;
  std::uint64_t cluster_checked_seen_ = 0;

  // Counted where they happen.
  std::vector<std::array<prometheus::Counter*, 2>> commands_;  // by kind: accepted, rejected
  std::unique_ptr<LazyCounters> engine_rejects_;
  std::unique_ptr<LazyCounters> gateway_rejects_;
  std::array<prometheus::Gauge*, 5> sessions_{};  // by Role, then not logged on
  std::atomic<std::int64_t> logged_on_{0};
  prometheus::Histogram* host_latency_ = nullptr;
  std::unordered_map<engine::OwnerId, std::unique_ptr<HostSeries>> hosts_;  // fixed at start
  std::vector<JournalSeries> journal_;
  prometheus::Family<prometheus::Counter>* pool_fills_ = nullptr;
  prometheus::Family<prometheus::Counter>* pool_units_ = nullptr;
  prometheus::Family<prometheus::Gauge>* pool_price_ = nullptr;
  prometheus::Family<prometheus::Gauge>* pool_utilisation_ = nullptr;
  prometheus::Family<prometheus::Gauge>* pool_capacity_ = nullptr;
  // The publisher thread's: series by (pool, resource), and by instrument (a cache).
  std::map<std::pair<std::string, std::string>, PoolSeries> pools_;
  std::unordered_map<engine::InstrumentId, PoolSeries*> pool_of_instrument_;
};

}  // namespace swarmex::gateway
