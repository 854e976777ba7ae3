// Pools across clusters (docs/cluster.md): each cluster's leader claims its [cluster] pools in
// the exchange-wide pool map bucket (key: the pool; value: the cluster, its node and client
// address) and reads where the other pools live, so that an order sent to the wrong cluster is
// told where to go. Two clusters claiming one pool is a configuration error: the second stops.
#include <spdlog/spdlog.h>

#include <chrono>
#include <set>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "swarmex/cluster/error.hpp"

#include "cluster_node.hpp"

namespace swarmex::gateway {

namespace {

using Json = nlohmann::json;

std::optional<PoolHome> parse_home(const std::string& value) {
  const Json j = Json::parse(value, nullptr, false);
  if (!j.is_object() || !j.contains("cluster") || !j["cluster"].is_string()) return std::nullopt;
  PoolHome h;
  h.cluster = j["cluster"].get<std::string>();
  if (j.contains("clients") && j["clients"].is_string())
    h.clients = j["clients"].get<std::string>();
  return h;
}

}  // namespace

void ClusterNode::claim_pools(PoolMap& map, const std::string& clients) {
  const ClusterSection& cs = config_.cluster;
  if (cs.pools.empty()) return;  // every pool: one cluster, no map
  pool_bucket_ = std::make_unique<cluster::KvBucket>(
      *js_, cluster::BucketSpec{.name = cs.pool_map, .replicas = cs.replicas});
  const std::string value =
      Json{{"cluster", cs.name}, {"node", node_}, {"clients", clients}}.dump();
  for (const std::string& pool : cs.pools) {
    // A bucket just created answers once its stream has elected a leader: retried until then.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool claimed = false;
    while (!claimed) {
      try {
        const auto held = pool_bucket_->get(pool);
        const auto home = held ? parse_home(held->value) : std::nullopt;
        if (home && home->cluster != cs.name)
          throw std::runtime_error("pool '" + pool + "' is served by cluster " + home->cluster +
                                   " (" + home->clients + "): [cluster] pools of " + cs.name +
                                   " overlap it (bucket " + cs.pool_map + ")");
        claimed = (held ? pool_bucket_->update(pool, value, held->revision, nullptr)
                        : pool_bucket_->create(pool, value, nullptr)) == cluster::KvResult::Ok;
      } catch (const cluster::NatsError& e) {
        spdlog::warn("pool map {}: {}: {}", cs.pool_map, pool, e.what());
      }
      if (!claimed && std::chrono::steady_clock::now() > give_up)
        throw std::runtime_error("pool '" + pool + "': could not claim it in " + cs.pool_map);
      if (!claimed) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    spdlog::info("cluster {}: pool {} claimed ({})", cs.name, pool, clients);
  }
  std::set<std::string> others;
  for (const engine::InstrumentSpec& i : config_.instruments)
    if (!map.serves(i.pool)) others.insert(i.pool);
  for (const engine::Product& p : config_.products)
    if (!map.serves(p.rules.pool)) others.insert(p.rules.pool);
  watching_.store(true);
  pool_watch_ = std::thread([this, &map, others] {
    while (watching_.load()) {
      for (const std::string& pool : others) {
        try {
          if (const auto held = pool_bucket_->get(pool))
            if (auto home = parse_home(held->value)) map.set_home(pool, std::move(*home));
        } catch (const cluster::NatsError& e) {
          spdlog::debug("pool map: {}: {}", pool, e.what());  // the last known home stays
        }
      }
      for (int i = 0; i < 20 && watching_.load(); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
}

void ClusterNode::stop_pool_watch() {
  watching_.store(false);
  if (pool_watch_.joinable()) pool_watch_.join();
}

}  // namespace swarmex::gateway
