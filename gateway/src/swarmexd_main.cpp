// swarmexd: the exchange process (gateway, sequencers, journals, engine partitions, publisher).
#include <signal.h>

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "server.hpp"
#include "swarmex/common/clock.hpp"
#include "swarmex/common/split_list.hpp"
#ifdef SWARMEX_HAVE_CLUSTER
#include "cluster_node.hpp"
#include "fill_fanout.hpp"
#endif

int main(int argc, char** argv) {
  CLI::App app{"swarmexd: the Swarmex compute-capacity exchange"};
  std::string config_path;
  std::string listen;
  std::string journal_dir;
  std::string durability;
  std::string dashboard_listen;
  std::string log_level = "info";
  app.add_option("--config", config_path, "TOML configuration (see etc/swarmex.toml)")->required();
  app.add_option("--listen", listen, "override server.listen (ADDR:PORT; port 0 = any free port)");
  app.add_option("--journal-dir", journal_dir, "override journal.path");
  app.add_option(
      "--dashboard-listen", dashboard_listen,
      "override server.dashboard_listen (ADDR:PORT; port 0 = any free port; off = none)");
  app.add_option("--durability", durability,
                 "override journal.durability (none|async|sync|replicated|replicated+sync)");
  std::string nats_servers;
  std::string node;
  app.add_option("--nats", nats_servers, "override cluster.servers (nats://HOST:PORT,...)");
  app.add_option("--node", node, "override cluster.node (this node's id in the cluster)");
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::from_str(log_level));

  // Signals are taken by sigwait below; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::int64_t stop_began_ns = 0;
  try {
    swarmex::gateway::Config config = swarmex::gateway::load_config(config_path);
    if (!listen.empty()) {
      const auto colon = listen.rfind(':');
      if (colon == std::string::npos) throw std::runtime_error("--listen: must be ADDR:PORT");
      config.server.listen_address = listen.substr(0, colon);
      config.server.listen_port = static_cast<std::uint16_t>(std::stoul(listen.substr(colon + 1)));
    }
    if (dashboard_listen == "off")
      config.server.dashboard_address.clear();
    else if (!dashboard_listen.empty() &&
             !swarmex::gateway::split_listen(dashboard_listen, config.server.dashboard_address,
                                             config.server.dashboard_port))
      throw std::runtime_error("--dashboard-listen: must be ADDR:PORT or off");
    if (!journal_dir.empty()) config.journal.path = journal_dir;
    if (!durability.empty() &&
        !swarmex::journal::parse_durability(durability, &config.journal.durability))
      throw std::runtime_error(
          "--durability: must be none, async, sync, replicated or replicated+sync");
    if (!nats_servers.empty()) config.cluster.servers = swarmex::split_list(nats_servers);
    if (!node.empty()) config.cluster.node = node;
    if (swarmex::journal::replicated(config.journal.durability) && config.cluster.servers.empty())
      throw std::runtime_error("durability replicated needs [cluster] servers or --nats");

    // In a cluster every node starts as a hot standby that applies the journal streams to its
    // exchange, and leads once it holds the lease (cluster_node.hpp).
    const bool clustered = swarmex::journal::replicated(config.journal.durability);
#ifndef SWARMEX_HAVE_CLUSTER
    if (clustered)
      throw std::runtime_error(
          "durability replicated: this swarmexd was built without libnats (libnats-dev)");
#else
    std::unique_ptr<swarmex::gateway::ClusterNode> cluster;
    std::unique_ptr<swarmex::gateway::FillFanout> fanout;  // outlives the server's threads
    if (clustered) cluster = std::make_unique<swarmex::gateway::ClusterNode>(config);
#endif

    swarmex::gateway::Server server(config);
    for (const auto& line : server.recovery_log())
      std::printf("swarmexd: %s\n", line.c_str());
#ifdef SWARMEX_HAVE_CLUSTER
    if (cluster) {
      std::vector<std::pair<swarmex::engine::Seq, std::uint64_t>> at;
      for (std::uint32_t i = 0; i < cluster->partitions(); ++i)
        at.emplace_back(server.exchange().partition(i).engine().last_seq(),
                        server.exchange().state_hash(i));
      cluster->attach(
          [&server](std::uint32_t i, std::span<const swarmex::engine::Command> commands) {
            return server.follow(i, commands);
          },
          at);
      if (server.metrics() != nullptr) {  // a standby is watched too: role, hashes, how far behind
        server.metrics()->set_cluster([&cluster] { return cluster->levels(); });
        server.serve_metrics();
      }
      std::printf("swarmexd: cluster %s node %s: standby, following the journal streams\n",
                  config.cluster.name.c_str(), cluster->node().c_str());
      if (server.metrics_port() != 0)
        std::printf("swarmexd: standby metrics on port %d\n", server.metrics_port());
      std::fflush(stdout);
      const timespec zero{};
      int stop_sig = 0;
      if (!cluster->wait_for_lease([&] {
            stop_sig = sigtimedwait(&signals, nullptr, &zero);
            return stop_sig > 0;
          })) {
        std::printf(
            "swarmexd: signal %d while standby: stopped (%llu commands followed, %llu state "
            "hashes checked)\n",
            stop_sig, static_cast<unsigned long long>(cluster->followed()),
            static_cast<unsigned long long>(cluster->checked()));
        return 0;
      }
      const std::int64_t t0 = swarmex::common::steady_ns();
      const auto replicators = cluster->lead();
      for (const auto& line : server.lead(replicators))
        std::printf("swarmexd: %s\n", line.c_str());
      std::printf(
          "swarmexd: cluster %s node %s: leader (caught up and fenced in %.1f ms, %llu "
          "commands followed, %llu state hashes checked)\n",
          config.cluster.name.c_str(), cluster->node().c_str(),
          static_cast<double>(swarmex::common::steady_ns() - t0) / 1e6,
          static_cast<unsigned long long>(cluster->followed()),
          static_cast<unsigned long long>(cluster->checked()));
    }
    if (cluster && config.cluster.fill_fanout) {  // docs/cluster.md, "Fill fan-out per host"
      fanout = std::make_unique<swarmex::gateway::FillFanout>(config.cluster, server.history());
      const std::uint64_t again = fanout->republish(server);
      server.set_fill_sink(fanout.get());
      std::printf("swarmexd: fill fan-out to stream %s (%llu fills published again)\n",
                  fanout->stream().c_str(), static_cast<unsigned long long>(again));
    }
#endif
    server.start();
#ifdef SWARMEX_HAVE_CLUSTER
    if (cluster) {
      cluster->start_renewal();
      try {  // pools across clusters: this one's claimed, the others' homes read
        cluster->claim_pools(server.pool_map(),
                             config.server.listen_address + ":" + std::to_string(server.port()));
      } catch (const std::exception&) {
        server.stop();
        throw;
      }
    }
#endif
    if (server.metrics_port() != 0) {
      const std::string& m = config.server.metrics_listen;
      std::printf("swarmexd: metrics on http://%s:%d/metrics\n", m.substr(0, m.rfind(':')).c_str(),
                  server.metrics_port());
    }
    const bool inline_engine = config.engine.wait == swarmex::engine::WaitStrategy::Inline;
    const std::string poll =
        config.server.busy_poll_us == 0
            ? std::string()
            : ", busy poll " + std::to_string(config.server.busy_poll_us) + " us";
    std::printf("swarmexd: listening on %s:%u (partitions %u, io threads %u%s%s, durability %s)\n",
                config.server.listen_address.c_str(), server.port(), config.engine.partitions,
                config.server.io_threads, inline_engine ? ", matching inline" : "", poll.c_str(),
                swarmex::journal::to_string(config.journal.durability));
    if (server.dashboard_port() != 0)
      std::printf("swarmexd: dashboard on http://%s:%u/ (operator token required)\n",
                  config.server.dashboard_address.c_str(), server.dashboard_port());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&signals, &sig);
    spdlog::info("signal {}: stopping", sig);
    stop_began_ns = swarmex::common::steady_ns();
    server.stop();
#ifdef SWARMEX_HAVE_CLUSTER
    if (cluster) cluster->release();  // a planned step-down: a standby takes over at once
#endif
    const auto js = server.exchange().journal_stats();
    if (js.writes > 0)
      std::printf(
          "swarmexd: journal: %llu records in %llu writes (one fdatasync each): %.1f "
          "records per write on average, %llu at most\n",
          static_cast<unsigned long long>(js.records), static_cast<unsigned long long>(js.writes),
          static_cast<double>(js.records) / static_cast<double>(js.writes),
          static_cast<unsigned long long>(js.max_records_per_write));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "swarmexd: %s\n", e.what());
    return 1;
  }
  // The whole stop, the server's destruction (sessions, books, ledgers freed) included.
  std::printf("swarmexd: stopped in %.1f ms\n",
              static_cast<double>(swarmex::common::steady_ns() - stop_began_ns) / 1e6);
  return 0;
}
