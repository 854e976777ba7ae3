#include "cluster_node.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "swarmex/cluster/error.hpp"
#include "swarmex/cluster/kv_watch.hpp"
#include "swarmex/cluster/stream.hpp"

#include "exchange_history.hpp"

namespace swarmex::gateway {

namespace {

std::uint32_t partition_count(const Config& c) {
  return std::max<std::uint32_t>(c.engine.partitions, 1);
}

}  // namespace

ClusterNode::ClusterNode(const Config& config) : config_(config) {
  const ClusterSection& cs = config_.cluster;
  node_ = cluster_node_id(cs);
  cluster::ConnectOptions co;
  co.servers = cs.servers;
  co.name = "swarmexd-" + node_;
  conn_ = std::make_unique<cluster::Connection>(co);
  js_ = std::make_unique<cluster::JetStream>(*conn_,
                                             std::min<std::int64_t>(cs.publish_timeout_ms, 5000));
  // One history for the whole cluster: the first node's, kept in a bucket without a TTL.
  cluster::KvBucket meta(*js_, {.name = cs.name + "-meta", .replicas = cs.replicas});
  const std::string& dir = config_.journal.path;
  auto held = meta.get("history");
  if (!held) {
    const std::uint64_t mine = load_or_create_history(dir).id;
    if (meta.create("history", format_history_id(mine), nullptr) != cluster::KvResult::Ok)
      held = meta.get("history");  // another node was first
    else
      spdlog::info("cluster {}: exchange history {} (this node's)", cs.name,
                   format_history_id(mine));
  }
  if (held) {
    const std::uint64_t id = parse_history_id(held->value);
    if (id == 0)
      throw std::runtime_error("cluster " + cs.name + ": bad history '" + held->value + "'");
    if (std::filesystem::exists(dir + "/history")) {
      if (load_or_create_history(dir).id != id)
        throw std::runtime_error(dir + "/history is not the cluster's history " +
                                 format_history_id(id) +
                                 ": this journal belongs to another exchange");
    } else {
      write_history(dir, id);
    }
  }
  for (std::uint32_t i = 0; i < partition_count(config_); ++i)
    cluster::ensure_stream(*js_, cluster::journal_stream_spec(cs.name, i, cs.replicas));
  bucket_ = std::make_unique<cluster::KvBucket>(
      *js_, cluster::BucketSpec{
                .name = cs.name + "-lease", .replicas = cs.replicas, .ttl_ms = cs.lease_ttl_ms});
  lease_ = std::make_unique<cluster::LeaderLease>(*bucket_, "leader", node_);
}

ClusterNode::~ClusterNode() {
  stop_renewal();
  stop_pool_watch();
}

void ClusterNode::attach(ClusterFollower::Apply apply,
                         const std::vector<std::pair<engine::Seq, std::uint64_t>>& at) {
  if (at.size() != partition_count(config_))
    throw std::logic_error("cluster: " + std::to_string(at.size()) + " partitions attached, " +
                           std::to_string(partition_count(config_)) + " streams");
  for (std::uint32_t i = 0; i < at.size(); ++i)
    followers_.push_back(std::make_unique<ClusterFollower>(*js_, config_.cluster.name, i,
                                                           at[i].first, at[i].second, apply));
}

ClusterLevels ClusterNode::levels() const {
  ClusterLevels l;
  l.leading = leading_.load(std::memory_order_relaxed);
  l.followed = followed();
  l.checked = checked();
  for (const auto& f : followers_)
    l.behind.push_back(l.leading ? 0 : f->behind());
  return l;
}

std::uint32_t ClusterNode::partitions() const noexcept {
  return partition_count(config_);
}

std::uint64_t ClusterNode::followed() const noexcept {
  std::uint64_t n = 0;
  for (const auto& f : followers_)
    n += f->appended();
  return n;
}

std::uint64_t ClusterNode::checked() const noexcept {
  std::uint64_t n = 0;
  for (const auto& f : followers_)
    n += f->checked();
  return n;
}

bool ClusterNode::wait_for_lease(const std::function<bool()>& stop) {
  const auto period = std::chrono::milliseconds(config_.cluster.lease_renew_ms);
  bool said = false;
  // A leader that steps down deletes the lease: the watch sees it at once, so a planned
  // step-down does not wait for the next attempt. An expired lease is found by the attempts.
  std::unique_ptr<cluster::KvWatch> watch;
  for (;;) {
    if (lease_->try_acquire()) return true;
    const auto until = std::chrono::steady_clock::now() + period;
    try {
      if (!watch) watch = std::make_unique<cluster::KvWatch>(*bucket_, lease_->key());
      if (!said) {
        const auto holder = lease_->holder();
        spdlog::info("cluster {}: node {} is a standby (leader: {}), following the streams",
                     config_.cluster.name, node_, holder ? *holder : "none");
        said = true;
      }
      do {
        for (auto& f : followers_)
          f->poll(20);
        if (stop && stop()) return false;
        if (watch->deleted(0)) break;
      } while (std::chrono::steady_clock::now() < until);
    } catch (const cluster::NatsError& e) {  // the cluster is electing, or unreachable
      spdlog::warn("cluster {}: standby {}: {}", config_.cluster.name, node_, e.what());
      watch.reset();
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      if (stop && stop()) return false;
    }
  }
}

std::vector<journal::JournalReplicator*> ClusterNode::lead() {
  const ClusterSection& cs = config_.cluster;
  std::vector<journal::JournalReplicator*> out;
  // A stream whose NATS leader just died answers nothing for seconds (its election): keep trying
  // for this long before giving up.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (std::uint32_t i = 0; i < followers_.size(); ++i) {
    ClusterFollower& f = *followers_[i];
    for (;;) {
      std::string why;
      try {
        f.catch_up();
        auto rep = std::make_unique<cluster::JournalStreamReplicator>(
            *js_, cs.name, i, node_, f.stream_seq(), cs.publish_timeout_ms,
            [this](const std::string& w) { step_down("journal append fenced: " + w); },
            [this](const std::string& w) {
              step_down("no quorum held a journal write within publish_timeout_ms: " + w);
            });
        const cluster::PublishOutcome fenced = rep->fence(f.journal_seq(), f.state_hash());
        if (fenced.result == cluster::PublishResult::Ok) {
          spdlog::info("cluster {}: partition {} fenced at stream seq {} (journal seq {})", cs.name,
                       i, fenced.seq, f.journal_seq());
          replicators_.push_back(std::move(rep));
          break;
        }
        // Fenced: the deposed leader's last write slipped in first: take it, fence again.
        why = fenced.error;
      } catch (const cluster::NatsError& e) {
        why = e.what();
      }
      if (std::chrono::steady_clock::now() > give_up)
        throw std::runtime_error("partition " + std::to_string(i) +
                                 ": cannot fence the journal stream: " + why);
      spdlog::warn("cluster {}: partition {}: fencing again ({})", cs.name, i, why);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    f.close();
    out.push_back(replicators_.back().get());
  }
  leading_.store(true);
  spdlog::info(
      "cluster {}: node {} leads ({} commands taken from the streams, {} state hashes "
      "checked)",
      cs.name, node_, followed(), checked());
  return out;
}

void ClusterNode::start_renewal() {
  renewing_.store(true);
  renewal_ = std::thread([this] {
    const auto period = std::chrono::milliseconds(config_.cluster.lease_renew_ms);
    const auto ttl = std::chrono::milliseconds(config_.cluster.lease_ttl_ms);
    bool silent = false;
    while (renewing_.load()) {
      {  // a step-down wakes it at once: the lease is freed without waiting a period
        std::unique_lock lock(renew_mu_);
        renew_cv_.wait_for(lock, period, [this] { return !renewing_.load(); });
      }
      if (!renewing_.load()) break;
      if (lease_->renew()) {
        // Unanswered renewals (NATS electing) keep the lease: the stream's fence, not the lease,
        // keeps two leaders from acknowledging. Said once per silence.
        if (std::chrono::steady_clock::now() - lease_->confirmed_at() > ttl && !silent) {
          spdlog::warn("cluster {}: the leader lease has not been renewed for {} ms",
                       config_.cluster.name, config_.cluster.lease_ttl_ms);
          silent = true;
        } else if (std::chrono::steady_clock::now() - lease_->confirmed_at() <= ttl) {
          silent = false;
        }
        continue;
      }
      // Lost: expired while NATS could not answer (nobody holds it: taken back) or taken.
      try {
        if (!lease_->holder() && lease_->try_acquire()) {
          spdlog::warn("cluster {}: the leader lease had expired: taken back",
                       config_.cluster.name);
          continue;
        }
      } catch (const cluster::NatsError&) {
      }
      step_down("the leader lease was taken by another node");
    }
  });
}

void ClusterNode::stop_renewal() {
  {
    std::lock_guard lock(renew_mu_);
    renewing_.store(false);
  }
  renew_cv_.notify_all();
  if (renewal_.joinable()) renewal_.join();
}

void ClusterNode::release() {
  stop_pool_watch();  // before the server (and its pool map) goes
  stop_renewal();
  lease_->release();
}

void ClusterNode::step_down(const std::string& why) {
  spdlog::critical(
      "cluster {}: node {} is deposed ({}): it acknowledges nothing more and exits now",
      config_.cluster.name, node_, why);
  spdlog::default_logger()->flush();
  std::fflush(stdout);
  std::_Exit(kDeposedExitStatus);
}

}  // namespace swarmex::gateway
