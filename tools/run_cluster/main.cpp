// swarmex-run-cluster (run through tools/run-cluster): 3 nats-server (a JetStream cluster on
// loopback ports, store directories of their own) and swarmexd nodes in durability
// "replicated": the first leads, the others stand by. Prints where everything listens, reports
// takeovers, and on Ctrl-C (or SIGTERM) stops every process and removes its directory.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "nats_cluster.hpp"

using swarmex::tools::ChildProcess;

namespace {

struct Node {
  std::string name;
  std::unique_ptr<ChildProcess> process;
  int port = 0;  // once it leads
};

int listening_port(const ChildProcess& p) {
  const std::string marker = "listening on 127.0.0.1:";
  const std::string out = p.output();
  const auto at = out.find(marker);
  return at == std::string::npos ? 0 : std::stoi(out.substr(at + marker.size()));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"3 nats-server + swarmexd leader and standby on this machine"};
  std::string config = "etc/swarmex.toml";
  std::string server = "build/release/bin/swarmexd";
  std::string durability = "replicated";
  int nodes = 2;
  int port_base = 0;
  app.add_option("--config", config, "swarmexd configuration (its [cluster] servers are replaced)");
  app.add_option("--server", server, "swarmexd binary");
  app.add_option("--durability", durability, "replicated or replicated+sync");
  app.add_option("--nodes", nodes, "swarmexd nodes (1 leader, the others standby)")
      ->check(CLI::Range(1, 5));
  app.add_option("--port-base", port_base, "node i listens on port-base + i (0: any free port)");
  CLI11_PARSE(app, argc, argv);

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::unique_ptr<swarmex::tools::NatsCluster> nats;
  std::vector<Node> swarm;
  int status = 0;
  try {
    nats = std::make_unique<swarmex::tools::NatsCluster>(3, "swarmex-run");
    std::printf("run-cluster: nats-server x3 at %s (stores under %s)\n", nats->urls().c_str(),
                nats->dir().c_str());
    for (int i = 0; i < nodes; ++i) {
      Node n;
      n.name = std::string("node-").append(1, static_cast<char>('a' + i));
      const std::string dir = nats->dir() + "/" + n.name;
      std::filesystem::create_directories(dir);
      n.process = std::make_unique<ChildProcess>(dir + "/swarmexd.log");
      const int port = port_base == 0 ? 0 : port_base + i;
      n.process->start({server, "--config", config, "--listen", "127.0.0.1:" + std::to_string(port),
                        "--journal-dir", dir + "/journal", "--durability", durability, "--nats",
                        nats->urls(), "--node", n.name, "--dashboard-listen", "off"});
      // The first leads before the next starts, so the roles are known.
      const std::string marker = i == 0 ? "listening on 127.0.0.1:" : ": standby,";
      if (n.process->wait_for(marker, 0, 30000) == std::string::npos)
        throw std::runtime_error(n.name + " did not start:\n" + n.process->output());
      n.port = listening_port(*n.process);
      if (i == 0)
        std::printf("run-cluster: %s leads on 127.0.0.1:%d (log %s/swarmexd.log)\n", n.name.c_str(),
                    n.port, dir.c_str());
      else
        std::printf("run-cluster: %s stands by (log %s/swarmexd.log)\n", n.name.c_str(),
                    dir.c_str());
      swarm.push_back(std::move(n));
    }
    std::printf("run-cluster: ready; Ctrl-C stops everything\n");
    std::fflush(stdout);
    const timespec period{0, 200'000'000};
    for (;;) {
      if (sigtimedwait(&signals, nullptr, &period) > 0) break;
      for (Node& n : swarm) {
        if (n.port == 0 && n.process->running() && (n.port = listening_port(*n.process)) != 0) {
          std::printf("run-cluster: %s took over: leads on 127.0.0.1:%d\n", n.name.c_str(), n.port);
          std::fflush(stdout);
        }
        if (n.port >= 0 && !n.process->running()) {
          std::printf("run-cluster: %s exited (status %d)\n", n.name.c_str(),
                      n.process->exit_status());
          std::fflush(stdout);
          n.port = -1;
        }
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "run-cluster: %s\n", e.what());
    status = 1;
  }
  for (Node& n : swarm)
    n.process->stop();
  const std::string dir = nats ? nats->dir() : std::string();
  nats.reset();  // stops the servers, removes the directory
  std::printf("run-cluster: stopped %zu swarmexd and 3 nats-server; %s removed\n", swarm.size(),
              dir.c_str());
  return status;
}
