#include "metrics.hpp"

#include <prometheus/exposer.h>

#include <stdexcept>

namespace swarmex::gateway {

namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

constexpr double kNsToSeconds = 1e-9;
// Journal writes carry this many records (a partition batch is at most 256 commands).
constexpr std::int64_t kBatchBoundsRecords[] = {1,   2,   4,   8,    16,   32,   64,
                                                128, 256, 512, 1024, 2048, 4096, 8192};

// The metric's label of a command kind (engine::CommandKind).
std::string kind_name(std::size_t kind) {
  static constexpr const char* kNames[] = {
      "new_order",   "cancel",      "modify",  "mass_cancel", "halt",       "resume",
      "swarm_order", "roll",        "resell",  "set_supply",  "set_params", "create_instrument",
      "autopilot",   "set_pricing", "set_fees"};
  return kind < std::size(kNames) ? kNames[kind] : "kind_" + std::to_string(kind);
}

// A counter folded in from a running total read at collection: advanced by what is new.
void advance(prometheus::Counter* c, std::uint64_t& seen, std::uint64_t total) {
  if (c == nullptr || total <= seen) return;
  c->Increment(static_cast<double>(total - seen));
  seen = total;
}

}  // namespace

// The registry whose collection first folds in what the threads counted on their own.
// A reader may keep the registry past its owner: then it collects what was last folded in.
class ExchangeMetrics::RefreshingRegistry : public prometheus::Registry {
 public:
  explicit RefreshingRegistry(ExchangeMetrics& owner) : owner_(&owner) {}
  std::vector<prometheus::MetricFamily> Collect() const override {
    {
      std::lock_guard lock(mu_);
      if (owner_ != nullptr) owner_->refresh();
    }
    return prometheus::Registry::Collect();
  }
  void detach() {
    std::lock_guard lock(mu_);
    owner_ = nullptr;
  }

 private:
  mutable std::mutex mu_;
  ExchangeMetrics* owner_;
};

prometheus::Counter& ExchangeMetrics::LazyCounters::at(engine::RejectReason why) {
  const auto i = std::min<std::size_t>(static_cast<std::size_t>(why), counters_.size() - 1);
  if (prometheus::Counter* c = counters_[i].load(std::memory_order_acquire)) return *c;
  std::lock_guard lock(mu_);
  if (prometheus::Counter* c = counters_[i].load(std::memory_order_acquire)) return *c;
  prometheus::Counter& c =
      family_.Add({{"reason", std::string(engine::to_string(why))}, {"stage", stage_}});
  counters_[i].store(&c, std::memory_order_release);
  return c;
}

ExchangeMetrics::ExchangeMetrics(const Config& config, std::uint32_t io_threads,
                                 std::uint32_t partitions)
    : registry_(std::make_shared<RefreshingRegistry>(*this)) {
  auto& reg = *registry_;
  const auto latency = latency_bounds_seconds();
  order_to_sequenced_ = &BuildHistogram()
                             .Name("swarmex_order_to_sequenced_seconds")
                             .Help(
                                 "New orders: from the gateway reading the order to the engine "
                                 "sequencing it")
                             .Register(reg)
                             .Add({}, latency);
  order_to_ack_ = &BuildHistogram()
                       .Name("swarmex_order_ack_seconds")
                       .Help(
                           "New orders: from the gateway reading the order to its ack "
                           "(Accepted or Rejected) written to the session")
                       .Register(reg)
                       .Add({}, latency);
  for (std::uint32_t i = 0; i < io_threads; ++i)
    io_.push_back(std::make_unique<IoMetrics>());
  seen_.resize(io_threads);

  auto& queue = BuildGauge()
                    .Name("swarmex_queue_depth")
                    .Help(
                        "Items waiting in a queue: an engine partition's commands, the "
                        "publisher's events, an I/O thread's inbox")
                    .Register(reg);
  for (std::uint32_t p = 0; p < partitions; ++p)
    partition_queue_.push_back(&queue.Add({{"queue", "partition"}, {"index", std::to_string(p)}}));
  event_queue_ = &queue.Add({{"queue", "events"}, {"index", "0"}});
  for (std::uint32_t i = 0; i < io_threads; ++i)
    inbox_.push_back(&queue.Add({{"queue", "io_inbox"}, {"index", std::to_string(i)}}));

  if (config.cluster.fill_fanout) {
    auto& fanout = BuildCounter()
                       .Name("swarmex_fill_fanout_total")
                       .Help(
                           "Host fills fanned out to the cluster's fill stream: published, "
                           "stored by the stream, failed, dropped (too many unacknowledged)")
                       .Register(reg);
    const char* outcomes[] = {"published", "stored", "failed", "dropped"};
    for (std::size_t i = 0; i < fill_fanout_.size(); ++i)
      fill_fanout_[i] = &fanout.Add({{"outcome", outcomes[i]}});
  }
  if (journal::replicated(config.journal.durability)) {  // docs/cluster.md
    cluster_leader_ = &BuildGauge()
                           .Name("swarmex_cluster_leader")
                           .Help("1 while this node leads its cluster, 0 while it is a standby")
                           .Register(reg)
                           .Add({});
    cluster_followed_ = &BuildCounter()
                             .Name("swarmex_cluster_followed_commands_total")
                             .Help("Commands this node applied from its cluster's journal streams")
                             .Register(reg)
                             .Add({});
    cluster_checked_ = &BuildCounter()
                            .Name("swarmex_cluster_state_hash_checks_total")
                            .Help("Leader state hashes this node compared with its own (equal)")
                            .Register(reg)
                            .Add({});
    auto& behind = BuildGauge()
                       .Name("swarmex_cluster_standby_behind_messages")
                       .Help("Journal stream messages a standby has not applied yet")
                       .Register(reg);
    for (std::uint32_t p = 0; p < partitions; ++p)
      cluster_behind_.push_back(&behind.Add({{"partition", std::to_string(p)}}));
  }
  auto& commands = BuildCounter()
                       .Name("swarmex_commands_total")
                       .Help("Commands the engine sequenced, by kind and outcome")
                       .Register(reg);
  for (std::size_t k = 0; k < static_cast<std::size_t>(engine::CommandKind::kCount); ++k)
    commands_.push_back({&commands.Add({{"kind", kind_name(k)}, {"outcome", "accepted"}}),
                         &commands.Add({{"kind", kind_name(k)}, {"outcome", "rejected"}})});
  auto& rejects = BuildCounter()
                      .Name("swarmex_rejects_total")
                      .Help(
                          "Refused orders and commands by reason: by the engine (stage=engine, "
                          "sequenced) or by the gateway before it (stage=gateway)")
                      .Register(reg);
  engine_rejects_ = std::make_unique<LazyCounters>(rejects, "engine");
  gateway_rejects_ = std::make_unique<LazyCounters>(rejects, "gateway");

  auto& sessions = BuildGauge()
                       .Name("swarmex_sessions")
                       .Help("Open sessions by the role they logged on as (none: not yet)")
                       .Register(reg);
  for (const Role r : {Role::Tenant, Role::Host, Role::Operator, Role::Agent})
    sessions_[static_cast<std::size_t>(r)] = &sessions.Add({{"role", to_string(r)}});
  sessions_[4] = &sessions.Add({{"role", "none"}});

  host_latency_ = &BuildHistogram()
                       .Name("swarmex_host_fill_to_enforced_seconds")
                       .Help(
                           "Host controllers' enactment reports: from the fill's arrival at "
                           "the controller to its limits enforced")
                       .Register(reg)
                       .Add({}, latency);
  auto& enactments = BuildCounter()
                         .Name("swarmex_host_enactments_total")
                         .Help("Enactment reports from host controllers")
                         .Register(reg);
  auto& failures = BuildCounter()
                       .Name("swarmex_host_enactment_failures_total")
                       .Help("Enactment reports saying a fill was not enforced")
                       .Register(reg);
  auto& lag = BuildGauge()
                  .Name("swarmex_host_fill_lag")
                  .Help(
                      "Fills of a host's fill stream after the highest one its controller "
                      "reported enacted (window fills report at their window's start)")
                  .Register(reg);
  for (const Principal& p : config.principals) {
    if (p.role != Role::Host) continue;
    auto h = std::make_unique<HostSeries>();
    h->lag = &lag.Add({{"host", p.name}});
    h->enactments = &enactments.Add({{"host", p.name}});
    h->failures = &failures.Add({{"host", p.name}});
    hosts_.emplace(p.id, std::move(h));
  }

  auto& records = BuildHistogram()
                      .Name("swarmex_journal_batch_records")
                      .Help("Records per journal write (group commit)")
                      .Register(reg);
  auto& sync = BuildHistogram()
                   .Name("swarmex_journal_fdatasync_seconds")
                   .Help("One journal write and its fdatasync (linked io_uring requests)")
                   .Register(reg);
  auto& durable = BuildHistogram()
                      .Name("swarmex_sequenced_to_durable_seconds")
                      .Help(
                          "Commands: from the engine sequencing them to their journal "
                          "write synced")
                      .Register(reg);
  auto& bytes = BuildCounter()
                    .Name("swarmex_journal_written_bytes_total")
                    .Help("Bytes written to the journal")
                    .Register(reg);
  prometheus::Histogram::BucketBoundaries record_bounds;
  for (const std::int64_t n : kBatchBoundsRecords)
    record_bounds.push_back(static_cast<double>(n));
  journal_.resize(partitions);
  for (std::uint32_t p = 0; p < partitions; ++p) {
    const prometheus::Labels l{{"partition", std::to_string(p)}};
    journal_[p].batch_records = &records.Add(l, record_bounds);
    journal_[p].fdatasync = &sync.Add(l, latency);
    journal_[p].sequenced_to_durable = &durable.Add(l, latency);
    journal_[p].bytes = &bytes.Add(l);
    journal_[p].scratch.assign(latency.size() + 1, 0.0);
  }

  pool_fills_ = &BuildCounter()
                     .Name("swarmex_pool_fills_total")
                     .Help("Fills on every book of a pool and resource (spot and windows)")
                     .Register(reg);
  pool_units_ = &BuildCounter()
                     .Name("swarmex_pool_traded_units_total")
                     .Help(
                         "Units traded on every book of a pool and resource (cpu: VRUs, "
                         "mem: shards, io: units, mig.*: instances)")
                     .Register(reg);
  pool_price_ = &BuildGauge()
                     .Name("swarmex_pool_last_price_per_unit_hour")
                     .Help(
                         "Price of the last fill of a pool and resource (currency per unit "
                         "and hour)")
                     .Register(reg);
  pool_utilisation_ = &BuildGauge()
                           .Name("swarmex_pool_utilisation_ratio")
                           .Help("Sold now over declared capacity of a pool and resource (0..1)")
                           .Register(reg);
  pool_capacity_ = &BuildGauge()
                        .Name("swarmex_pool_capacity_units")
                        .Help("Capacity the hosts of a pool declared for a resource")
                        .Register(reg);
}

ExchangeMetrics::~ExchangeMetrics() {
  stop_serving();
  static_cast<RefreshingRegistry&>(*registry_).detach();
}

void ExchangeMetrics::serve(const std::string& listen) {
  if (exposer_) return;
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen, 2);
  } catch (const std::exception& e) {
    throw std::runtime_error("server.metrics_listen " + listen + ": cannot serve: " + e.what());
  }
  exposer_->RegisterCollectable(registry_);
}

void ExchangeMetrics::stop_serving() {
  exposer_.reset();
}

int ExchangeMetrics::port() const {
  if (!exposer_) return 0;
  const std::vector<int> ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

void ExchangeMetrics::refresh() {
  std::lock_guard lock(refresh_mu_);
  for (std::size_t i = 0; i < io_.size(); ++i) {
    Seen& s = seen_[i];
    io_[i]->order_to_sequenced.feed(*order_to_sequenced_, s.sequenced, s.sequenced_sum,
                                    kNsToSeconds);
    io_[i]->order_to_ack.feed(*order_to_ack_, s.ack, s.ack_sum, kNsToSeconds);
  }
  if (levels_) {
    const QueueLevels l = levels_();
    for (std::size_t p = 0; p < partition_queue_.size() && p < l.partitions.size(); ++p)
      partition_queue_[p]->Set(static_cast<double>(l.partitions[p]));
    event_queue_->Set(static_cast<double>(l.events));
    for (std::size_t i = 0; i < inbox_.size() && i < l.inboxes.size(); ++i)
      inbox_[i]->Set(static_cast<double>(l.inboxes[i]));
    const std::int64_t none =
        static_cast<std::int64_t>(l.open_sessions) - logged_on_.load(std::memory_order_relaxed);
    sessions_[4]->Set(static_cast<double>(std::max<std::int64_t>(none, 0)));
    for (std::size_t i = 0; i < fill_fanout_.size(); ++i)
      advance(fill_fanout_[i], fill_fanout_seen_[i], l.fill_fanout[i]);
  }
  if (cluster_levels_ && cluster_leader_ != nullptr) {
    const ClusterLevels c = cluster_levels_();
    cluster_leader_->Set(c.leading ? 1.0 : 0.0);
    advance(cluster_followed_, cluster_followed_seen_, c.followed);
    advance(cluster_checked_, cluster_checked_seen_, c.checked);
    for (std::size_t p = 0; p < cluster_behind_.size() && p < c.behind.size(); ++p)
      cluster_behind_[p]->Set(static_cast<double>(c.behind[p]));
  }
  for (auto& [id, h] : hosts_) {
    const std::uint64_t produced = h->produced.load(std::memory_order_relaxed);
    const std::uint64_t reported = h->reported.load(std::memory_order_relaxed);
    h->lag->Set(produced > reported ? static_cast<double>(produced - reported) : 0.0);
  }
}

void ExchangeMetrics::note_event(const engine::Event& e, const engine::InstrumentSpec* spec) {
  switch (e.kind) {
    case engine::EventKind::Accepted:
    case engine::EventKind::Rejected: {
      const auto kind = static_cast<std::size_t>(e.command);
      const bool rejected = e.kind == engine::EventKind::Rejected;
      if (kind < commands_.size()) commands_[kind][rejected ? 1 : 0]->Increment();
      if (rejected) engine_rejects_->at(static_cast<engine::RejectReason>(e.reason)).Increment();
      return;
    }
    case engine::EventKind::Fill: {
      auto it = pool_of_instrument_.find(e.instrument);
      if (it == pool_of_instrument_.end()) {
        if (spec == nullptr) return;
        it = pool_of_instrument_.emplace(e.instrument, &pool(spec->pool, spec->resource)).first;
      }
      PoolSeries& s = *it->second;
      s.fills->Increment();
      s.traded_units->Increment(static_cast<double>(e.qty));
      s.last_price->Set(static_cast<double>(e.price) / 1e6);
      return;
    }
    default:
      return;
  }
}

ExchangeMetrics::PoolSeries& ExchangeMetrics::pool(const std::string& pool,
                                                   const std::string& resource) {
  auto [it, added] = pools_.try_emplace({pool, resource});
  if (added) {
    const prometheus::Labels l{{"pool", pool}, {"resource", resource}};
    it->second = PoolSeries{&pool_fills_->Add(l), &pool_units_->Add(l), &pool_price_->Add(l),
                            &pool_utilisation_->Add(l), &pool_capacity_->Add(l)};
  }
  return it->second;
}

void ExchangeMetrics::note_pool_use(const std::string& pool_name, const std::string& resource,
                                    engine::Qty capacity, engine::Qty sold) {
  PoolSeries& s = pool(pool_name, resource);
  s.capacity->Set(static_cast<double>(capacity));
  s.utilisation->Set(capacity > 0
                         ? std::min(1.0, static_cast<double>(sold) / static_cast<double>(capacity))
                         : 0.0);
}

void ExchangeMetrics::note_gateway_reject(engine::RejectReason why) {
  gateway_rejects_->at(why).Increment();
}

void ExchangeMetrics::note_logon(Role role) {
  sessions_[static_cast<std::size_t>(role)]->Increment();
  logged_on_.fetch_add(1, std::memory_order_relaxed);
}

void ExchangeMetrics::note_logoff(Role role) {
  sessions_[static_cast<std::size_t>(role)]->Decrement();
  logged_on_.fetch_sub(1, std::memory_order_relaxed);
}

void ExchangeMetrics::note_host_fill(engine::OwnerId host, std::uint64_t seq) noexcept {
  auto it = hosts_.find(host);
  if (it != hosts_.end()) it->second->produced.store(seq, std::memory_order_relaxed);
}

void ExchangeMetrics::note_enactment(const Principal& host, std::uint64_t fill_seq, bool enforced,
                                     std::int64_t latency_ns) {
  if (enforced) host_latency_->Observe(static_cast<double>(latency_ns) * kNsToSeconds);
  auto it = hosts_.find(host.id);
  if (it == hosts_.end()) return;
  HostSeries& h = *it->second;
  h.enactments->Increment();
  if (!enforced) h.failures->Increment();
  // Reports come from the host's sessions, all on its home thread: no race on the maximum.
  if (fill_seq > h.reported.load(std::memory_order_relaxed))
    h.reported.store(fill_seq, std::memory_order_relaxed);
}

void ExchangeMetrics::on_write(std::uint32_t partition, std::uint64_t records, std::uint64_t bytes,
                               std::int64_t sync_ns) {
  if (partition >= journal_.size()) return;
  JournalSeries& j = journal_[partition];
  j.batch_records->Observe(static_cast<double>(records));
  j.fdatasync->Observe(static_cast<double>(sync_ns) * kNsToSeconds);
  j.bytes->Increment(static_cast<double>(bytes));
}

void ExchangeMetrics::on_durable(std::uint32_t partition, std::int64_t sequenced_ns,
                                 std::size_t commands, std::int64_t durable_ns) {
  if (partition >= journal_.size()) return;
  JournalSeries& j = journal_[partition];
  // Every command of a partition batch has the batch's one sequencing time: one bucket, n times.
  const std::int64_t waited = std::max<std::int64_t>(durable_ns - sequenced_ns, 0);
  std::fill(j.scratch.begin(), j.scratch.end(), 0.0);
  j.scratch[bucket_of(kLatencyBoundsNs, waited)] = static_cast<double>(commands);
  j.sequenced_to_durable->ObserveMultiple(
      j.scratch, static_cast<double>(waited) * kNsToSeconds * static_cast<double>(commands));
}

}  // namespace swarmex::gateway
