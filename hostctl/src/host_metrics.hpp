// swarmex-hostctl's Prometheus metrics (docs/metrics.md), served on [host] metrics_listen: fills
// taken, enactments and their failures, fill→enforced latency, the cgroup write batches, and the
// fill sequence reached. One registry that anything in the process may read with
// registry()->Collect(); the daemon's one thread updates it (prometheus-cpp's metrics are
// thread-safe, and nothing here is on a path that a lock could slow).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace prometheus {
class Exposer;
}

namespace swarmex::hostctl {

class HostMetrics {
 public:
  HostMetrics();
  ~HostMetrics();

  [[nodiscard]] std::shared_ptr<prometheus::Registry> registry() const { return registry_; }
  // Serves the registry on http://`listen`/metrics; throws when the address cannot be bound.
  void serve(const std::string& listen);
  [[nodiscard]] int port() const;  // the port serve() bound (0 before)

  void fill_taken(std::uint64_t stream_seq);
  void duplicate_fill() { duplicates_->Increment(); }
  // A fill's enactment reported (a refused fill too, never enforced).
  void enacted(std::uint64_t stream_seq, bool enforced);
  void fill_to_enforced(std::int64_t ns);
  void match_to_enforced(std::int64_t ns);
  void window_start_to_enforced(std::int64_t ns, bool prestaged);
  void cgroup_batch(std::int64_t ns);

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  prometheus::Counter* fills_ = nullptr;
  prometheus::Counter* duplicates_ = nullptr;
  prometheus::Counter* enactments_ = nullptr;
  prometheus::Counter* failures_ = nullptr;
  prometheus::Gauge* last_fill_ = nullptr;
  prometheus::Gauge* last_reported_ = nullptr;
  prometheus::Histogram* fill_to_enforced_ = nullptr;
  prometheus::Histogram* match_to_enforced_ = nullptr;
  prometheus::Histogram* start_prestaged_ = nullptr;
  prometheus::Histogram* start_cold_ = nullptr;
  prometheus::Histogram* cgroup_batch_ = nullptr;
  std::uint64_t highest_reported_ = 0;
};

}  // namespace swarmex::hostctl
