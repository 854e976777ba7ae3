// The [cluster] table and the replicated durability modes: defaults, every key, and the checks
// that stop start-up (unknown keys, replicated without servers, bad names, renewal vs TTL).
#include <gtest/gtest.h>

#include "swarmex/gateway/config.hpp"

namespace swarmex::gateway {
namespace {

std::string message_of(const std::string& toml) {
  try {
    parse_config(toml, "test.toml");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(ClusterConfig, DefaultsAndEveryKey) {
  const Config d = parse_config("", "t");
  EXPECT_TRUE(d.cluster.servers.empty());
  EXPECT_EQ(d.cluster.name, "swarmex");
  EXPECT_EQ(d.cluster.replicas, 3);
  const Config c = parse_config(
      "[journal]\ndurability = \"replicated+sync\"\n[cluster]\n"
      "servers = [\"nats://10.0.0.1:4222\", \"nats://10.0.0.2:4222\"]\nname = \"prod-1\"\n"
      "node = \"node_a\"\nreplicas = 5\npublish_timeout_ms = 2000\nlease_ttl_ms = 4000\n"
      "lease_renew_ms = 2000\n",
      "t");
  EXPECT_EQ(c.journal.durability, journal::Durability::ReplicatedSync);
  ASSERT_EQ(c.cluster.servers.size(), 2u);
  EXPECT_EQ(c.cluster.servers[1], "nats://10.0.0.2:4222");
  EXPECT_EQ(c.cluster.name, "prod-1");
  EXPECT_EQ(cluster_node_id(c.cluster), "node_a");
  EXPECT_EQ(c.cluster.replicas, 5);
  EXPECT_EQ(c.cluster.publish_timeout_ms, 2000u);
  EXPECT_EQ(c.cluster.lease_ttl_ms, 4000u);
  EXPECT_EQ(c.cluster.lease_renew_ms, 2000u);
  EXPECT_FALSE(cluster_node_id(d.cluster).empty());  // the host name
}

TEST(ClusterConfig, MistakesStopStartUp) {
  EXPECT_NE(message_of("[journal]\ndurability = \"replicated\"\n").find("[cluster] servers"),
            std::string::npos);
  EXPECT_NE(message_of("[cluster]\nsurvers = []\n").find("survers"), std::string::npos);
  EXPECT_NE(message_of("[cluster]\nservers = [\"10.0.0.1:4222\"]\n").find("nats://"),
            std::string::npos);
  EXPECT_NE(message_of("[cluster]\nname = \"a.b\"\n").find("cluster.name"), std::string::npos);
  EXPECT_NE(message_of("[cluster]\nreplicas = 7\n").find("replicas"), std::string::npos);
  EXPECT_NE(message_of("[journal]\ndurability = \"replicated\"\n[cluster]\n"
                       "servers = [\"nats://h:1\"]\nlease_ttl_ms = 1000\nlease_renew_ms = 600\n")
                .find("lease_renew_ms"),
            std::string::npos);
  EXPECT_NE(message_of("[journal]\ndurability = \"quorum\"\n").find("replicated+sync"),
            std::string::npos);
}

TEST(ClusterConfig, PoolsAreKnownPoolsOfAReplicatedCluster) {
  const std::string cluster =
      "[journal]\ndurability = \"replicated\"\n[cluster]\nservers = [\"nats://h:1\"]\n";
  const std::string instrument =
      "\n[[instruments]]\nid = 1\nsymbol = \"cpu.pool-a.spot\"\nresource = \"cpu\"\n"
      "pool = \"pool-a\"\ntick = 1\nband_min = 1\nband_max = 100\n";
  const Config c = parse_config(
      cluster + "pools = [\"pool-a\"]\npool_map = \"exchange-pools\"\n" + instrument, "t");
  ASSERT_EQ(c.cluster.pools.size(), 1u);
  EXPECT_EQ(c.cluster.pools[0], "pool-a");
  EXPECT_EQ(c.cluster.pool_map, "exchange-pools");
  EXPECT_EQ(parse_config("", "t").cluster.pool_map, "swarmex-pools");
  EXPECT_NE(message_of(cluster + "pools = [\"pool-z\"]\n" + instrument).find("'pool-z'"),
            std::string::npos);
  EXPECT_NE(message_of("[cluster]\npools = [\"pool-a\"]\n" + instrument).find("replicated"),
            std::string::npos);
  EXPECT_NE(message_of(cluster + "pools = \"pool-a\"\n" + instrument).find("cluster.pools"),
            std::string::npos);
  EXPECT_NE(message_of(cluster + "pool_map = \"a.b\"\n" + instrument).find("cluster.pool_map"),
            std::string::npos);
}

TEST(ClusterConfig, FillFanoutKeys) {
  const Config d = parse_config("", "t");
  EXPECT_FALSE(d.cluster.fill_fanout);
  EXPECT_EQ(d.cluster.fill_fanout_per_host, 100'000);
  const Config c = parse_config(
      "[journal]\ndurability = \"replicated\"\n[cluster]\nservers = [\"nats://h:1\"]\n"
      "fill_fanout = true\nfill_fanout_per_host = 500\n",
      "t");
  EXPECT_TRUE(c.cluster.fill_fanout);
  EXPECT_EQ(c.cluster.fill_fanout_per_host, 500);
  // Without a cluster there is no stream to fan out to.
  EXPECT_NE(message_of("[cluster]\nfill_fanout = true\n").find("cluster.fill_fanout"),
            std::string::npos);
  EXPECT_NE(message_of("[cluster]\nfill_fanout = \"yes\"\n").find("fill_fanout"),
            std::string::npos);
  EXPECT_NE(message_of("[cluster]\nfill_fanout_per_host = 0\n").find("fill_fanout_per_host"),
            std::string::npos);
}

TEST(ClusterConfig, StateHashInterval) {
  EXPECT_EQ(parse_config("", "t").cluster.state_hash_interval, 1024u);
  const Config c = parse_config("[cluster]\nstate_hash_interval = 1\n", "t");
  EXPECT_EQ(c.cluster.state_hash_interval, 1u);
  EXPECT_EQ(assembly_config(c, nullptr, {}).state_hash_interval, 1u);
  EXPECT_NE(message_of("[cluster]\nstate_hash_interval = 0\n").find("state_hash_interval"),
            std::string::npos);
}

}  // namespace
}  // namespace swarmex::gateway
