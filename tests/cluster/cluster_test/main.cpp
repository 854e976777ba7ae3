// swarmex-cluster-test (run through tools/cluster-test): a leader and a standby swarmexd on a
// real 3-node NATS cluster, traders on several sessions, then the leader SIGKILLed mid-traffic
// (in every third round the NATS server that leads partition 0's journal stream too; in the
// second of every three a planned step-down, SIGTERM, instead of the kill). The standby must take
// over with every acknowledged order in the state it was acknowledged in and every reported fill
// (the crash test's client logs), and its recovered state must equal a fresh replay of the streams
// at the same sequence.
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "cluster_node_process.hpp"
#include "nats_cluster.hpp"
#include "stream_replay.hpp"
#include "swarmex/cluster/journal_stream.hpp"
#include "swarmex/cluster/stream.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "trader.hpp"

using namespace swarmex;

namespace {

// "partition i: recovered to seq S state hash H" of the node's latest start: (S, H) per partition.
std::vector<std::pair<std::uint64_t, std::uint64_t>> recovered(const std::string& out,
                                                               std::uint32_t partitions) {
  std::vector<std::pair<std::uint64_t, std::uint64_t>> r;
  const auto from = out.rfind("partition 0: recovered");
  if (from == std::string::npos) return r;
  const std::string tail = out.substr(from);
  for (std::uint32_t i = 0; i < partitions; ++i) {
    const std::string key = "partition " + std::to_string(i) + ": recovered to seq ";
    const auto at = tail.find(key);
    if (at == std::string::npos) return {};
    const std::string rest = tail.substr(at + key.size());
    const auto hash_at = rest.find("state hash ");
    if (hash_at == std::string::npos) return {};
    r.emplace_back(std::stoull(rest), std::stoull(rest.substr(hash_at + 11), nullptr, 16));
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"kill the leader of a swarmexd cluster mid-traffic and check the standby"};
  int rounds = 5;
  std::uint64_t seed = 0;
  app.add_option("--rounds", rounds, "failover rounds");
  app.add_option("--seed", seed, "random seed (0 = from the clock); printed for replay");
  CLI11_PARSE(app, argc, argv);
  if (tools::find_nats_server().empty()) {
    std::printf(
        "cluster-test: skipped: nats-server not found (Debian package nats-server, or "
        "SWARMEX_NATS_SERVER)\n");
    return 77;
  }
  if (seed == 0)
    seed =
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) | 1;
  std::printf("cluster-test: seed %llu (replay with --seed %llu)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  tools::NatsCluster nats(3, "swx-cluster-test");
  cluster::ConnectOptions co;
  co.servers = cluster::split_servers(nats.urls());
  cluster::Connection conn(co);
  cluster::JetStream js(conn, 5000);

  std::uint64_t acked = 0, lost = 0, mismatches = 0;
  long long failover_ms_max = 0, step_down_ms_max = -1;
  for (int round = 1; round <= rounds; ++round) {
    const std::string name = "ct" + std::to_string(round);
    const std::string config_text = testing::test_config("idle_timeout_ms = 60000", "replicated", 2,
                                                         testing::cluster_toml(nats.urls(), name));
    const gateway::Config cfg = gateway::parse_config(config_text, "cluster-test");
    common::TempDir dir;
    std::filesystem::create_directories(dir.str() + "/a");
    std::filesystem::create_directories(dir.str() + "/b");
    testing::ClusterNodeProcess a(dir.str() + "/a", "a", nats.urls(), name);
    testing::ClusterNodeProcess b(dir.str() + "/b", "b", nats.urls(), name);
    a.start();
    const int port_a = a.wait_leader(30000);
    b.start();
    if (port_a == 0 || !b.wait_standby(30000)) {
      std::printf("round %d: the nodes did not start:\n%s\n%s\n", round, a.output().c_str(),
                  b.output().c_str());
      return 2;
    }
    std::vector<std::unique_ptr<crash::Trader>> traders;
    traders.push_back(std::make_unique<crash::Trader>("host-a1", wire::Role::Host, 1, rng()));
    traders.push_back(std::make_unique<crash::Trader>("host-b1", wire::Role::Host, 2, rng()));
    for (const char* t : {"tenant-a", "tenant-b", "tenant-c"})
      traders.push_back(std::make_unique<crash::Trader>(t, wire::Role::Tenant, 0, rng()));
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (auto& t : traders)
      threads.emplace_back([&, tr = t.get()] { tr->trade(port_a, stop); });
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 400));
    const bool kill_nats = round % 3 == 0;
    const bool planned = round % 3 == 2;
    int nats_killed = -1;
    const auto killed_at = std::chrono::steady_clock::now();
    if (planned)
      a.stop();  // SIGTERM mid-traffic: the leader stops and frees the lease
    else
      a.kill();  // SIGKILL mid-traffic
    if (kill_nats) {
      nats_killed =
          nats.index_of(cluster::stream_state(js, cluster::journal_stream_name(name, 0)).leader);
      if (nats_killed >= 0) nats.kill(nats_killed);
    }
    stop = true;
    for (auto& th : threads)
      th.join();
    const int port_b = b.wait_leader(90000);
    const long long failover_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now() - killed_at)
                                      .count();
    if (port_b == 0) {
      std::printf("round %d: the standby did not take over:\n%s\n", round, b.output().c_str());
      return 2;
    }
    failover_ms_max = std::max(failover_ms_max, failover_ms);
    if (planned) step_down_ms_max = std::max(step_down_ms_max, failover_ms);

    // The new leader's state at takeover against a fresh replay of the streams.
    const auto taken = recovered(b.output(), cfg.engine.partitions);
    std::vector<std::uint64_t> upto;
    for (const auto& [seq, hash] : taken)
      upto.push_back(seq);
    const auto fresh =
        taken.size() == cfg.engine.partitions
            ? cluster_test::replay_streams(js, name, cfg, upto, dir.str() + "/replay")
            : decltype(taken){};
    for (std::uint32_t i = 0; i < cfg.engine.partitions; ++i)
      if (i >= taken.size() || i >= fresh.size() || taken[i] != fresh[i]) {
        ++mismatches;
        std::printf(
            "round %d: partition %u: the new leader's state differs from a fresh replay "
            "of the stream\n",
            round, i);
      }
    std::uint64_t round_lost = 0, round_mismatch = 0;
    std::vector<std::string> why;
    for (auto& t : traders) {
      acked += t->acked();
      try {
        t->verify(port_b, &round_lost, &round_mismatch, &why);
      } catch (const std::exception& e) {
        ++round_mismatch;
        why.push_back(t->name() + ": verifying on the new leader failed: " + e.what());
      }
    }
    for (const auto& w : why)
      std::printf("round %d: %s\n", round, w.c_str());
    lost += round_lost;
    mismatches += round_mismatch;
    b.stop();
    if (nats_killed >= 0) nats.restart(nats_killed);
    std::printf("round %d: failover %lld ms%s; acked so far %llu, lost %llu, mismatches %llu\n",
                round, failover_ms,
                planned            ? " (planned step-down: SIGTERM)"
                : nats_killed >= 0 ? " (the stream's NATS leader killed too)"
                                   : "",
                static_cast<unsigned long long>(acked), static_cast<unsigned long long>(lost),
                static_cast<unsigned long long>(mismatches));
    std::fflush(stdout);
  }
  if (step_down_ms_max >= 0)
    std::printf("cluster-test: planned step-down (SIGTERM to the leader) ms max=%lld\n",
                step_down_ms_max);
  std::printf("cluster-test: rounds=%d acked=%llu lost=%llu mismatches=%llu failover_ms_max=%lld\n",
              rounds, static_cast<unsigned long long>(acked), static_cast<unsigned long long>(lost),
              static_cast<unsigned long long>(mismatches), failover_ms_max);
  return lost == 0 && mismatches == 0 ? 0 : 1;
}
