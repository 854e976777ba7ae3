#include "host_metrics.hpp"

#include <prometheus/exposer.h>

#include <algorithm>
#include <stdexcept>

namespace swarmex::hostctl {

namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

// 10 µs to 60 s: a cgroup write is tens of microseconds, a cold MIG instance seconds.
prometheus::Histogram::BucketBoundaries latency_bounds() {
  return {1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2, 2e-2,
          5e-2, 0.1,  0.2,  0.5,  1,    2,    5,    10,   30,   60};
}

double seconds(std::int64_t ns) {
  return static_cast<double>(std::max<std::int64_t>(ns, 0)) * 1e-9;
}

}  // namespace

HostMetrics::HostMetrics() : registry_(std::make_shared<prometheus::Registry>()) {
  auto& reg = *registry_;
  fills_ = &BuildCounter()
                .Name("swarmex_hostctl_fills_total")
                .Help("New fills taken from the exchange's fill stream")
                .Register(reg)
                .Add({});
  duplicates_ = &BuildCounter()
                     .Name("swarmex_hostctl_duplicate_fills_total")
                     .Help("Fills seen again (a replay after a reconnect) and skipped")
                     .Register(reg)
                     .Add({});
  enactments_ = &BuildCounter()
                     .Name("swarmex_hostctl_enactments_total")
                     .Help("Fills whose enactment was reported (enforced or not)")
                     .Register(reg)
                     .Add({});
  failures_ = &BuildCounter()
                   .Name("swarmex_hostctl_enactment_failures_total")
                   .Help("Fills reported not enforced (refused, or a cgroup or MIG step failed)")
                   .Register(reg)
                   .Add({});
  last_fill_ = &BuildGauge()
                    .Name("swarmex_hostctl_last_fill_seq")
                    .Help("Sequence of the last fill taken from the fill stream")
                    .Register(reg)
                    .Add({});
  last_reported_ = &BuildGauge()
                        .Name("swarmex_hostctl_last_reported_fill_seq")
                        .Help("Highest fill sequence whose enactment was reported")
                        .Register(reg)
                        .Add({});
  const auto b = latency_bounds();
  fill_to_enforced_ = &BuildHistogram()
                           .Name("swarmex_hostctl_fill_to_enforced_seconds")
                           .Help("From a fill's arrival to its limits enforced")
                           .Register(reg)
                           .Add({}, b);
  match_to_enforced_ = &BuildHistogram()
                            .Name("swarmex_hostctl_match_to_enforced_seconds")
                            .Help(
                                "From the exchange's match (the fill's time) to its limits "
                                "enforced, on the wall clock")
                            .Register(reg)
                            .Add({}, b);
  auto& start = BuildHistogram()
                    .Name("swarmex_hostctl_window_start_to_enforced_seconds")
                    .Help(
                        "From a delivery window's start to its limits enforced, pre-staged "
                        "(cgroup and instances made ahead) or not")
                    .Register(reg);
  start_prestaged_ = &start.Add({{"prestaged", "true"}}, b);
  start_cold_ = &start.Add({{"prestaged", "false"}}, b);
  cgroup_batch_ = &BuildHistogram()
                       .Name("swarmex_hostctl_cgroup_batch_seconds")
                       .Help("One batch of cgroup writes (every tenant a slice of fills changed)")
                       .Register(reg)
                       .Add({}, b);
}

HostMetrics::~HostMetrics() = default;

void HostMetrics::serve(const std::string& listen) {
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen, 1);
  } catch (const std::exception& e) {
    throw std::runtime_error("host.metrics_listen " + listen + ": cannot serve: " + e.what());
  }
  exposer_->RegisterCollectable(registry_);
}

int HostMetrics::port() const {
  if (!exposer_) return 0;
  const std::vector<int> ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

void HostMetrics::fill_taken(std::uint64_t stream_seq) {
  fills_->Increment();
  last_fill_->Set(static_cast<double>(stream_seq));
}

void HostMetrics::enacted(std::uint64_t stream_seq, bool enforced) {
  enactments_->Increment();
  if (!enforced) failures_->Increment();
  if (stream_seq > highest_reported_) {
    highest_reported_ = stream_seq;
    last_reported_->Set(static_cast<double>(stream_seq));
  }
}

void HostMetrics::fill_to_enforced(std::int64_t ns) {
  fill_to_enforced_->Observe(seconds(ns));
}

void HostMetrics::match_to_enforced(std::int64_t ns) {
  match_to_enforced_->Observe(seconds(ns));
}

void HostMetrics::window_start_to_enforced(std::int64_t ns, bool prestaged) {
  (prestaged ? start_prestaged_ : start_cold_)->Observe(seconds(ns));
}

void HostMetrics::cgroup_batch(std::int64_t ns) {
  cgroup_batch_->Observe(seconds(ns));
}

}  // namespace swarmex::hostctl
