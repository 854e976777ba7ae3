// A cluster's hot standby (docs/cluster.md): the leader's commands, read from the journal streams,
// go through the exchange as the start-up replay's do, so that taking over needs no recovery; its
// /metrics are served while it follows.
#include <spdlog/spdlog.h>

#include "server.hpp"
#include "swarmex/common/clock.hpp"

namespace swarmex::gateway {

void Server::serve_metrics() {
  if (!metrics_) return;
  try {  // trading goes on without them: Prometheus sees the target down
    metrics_->serve(config_.server.metrics_listen);
  } catch (const std::exception& e) {
    spdlog::error("{}; /metrics is not served", e.what());
  }
}

std::uint64_t Server::follow(std::uint32_t partition, std::span<const engine::Command> commands) {
  const std::uint64_t hash = exchange_->follow(partition, commands);
  drop_copy_->flush(common::wall_ns());
  for (auto& t : io_)
    t->drain();  // the report streams rebuilt as they come, the inboxes kept short
  return hash;
}

std::vector<std::string> Server::lead(const std::vector<journal::JournalReplicator*>& replicators) {
  std::vector<std::string> lines = exchange_->lead(replicators);
  learn_recovered_params();
  drop_copy_->flush(common::wall_ns());
  for (auto& t : io_)
    t->drain();
  check_ledgers();
  return lines;
}

}  // namespace swarmex::gateway
