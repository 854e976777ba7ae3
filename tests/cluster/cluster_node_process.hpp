// A real swarmexd node of a cluster (durability "replicated") in the tests: its configuration
// names the test's NATS cluster, its journal and log are in a directory of its own.
#pragma once

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "child_process.hpp"
#include "server_process.hpp"

namespace swarmex::testing {

// The [cluster] table of a test node: short lease timings so that a failover takes seconds.
inline std::string cluster_toml(const std::string& servers, const std::string& name) {
  std::string list;
  std::size_t at = 0;
  while (at <= servers.size()) {
    const std::size_t end = std::min(servers.find(',', at), servers.size());
    list += (list.empty() ? "\"" : ", \"") + servers.substr(at, end - at) + "\"";
    at = end + 1;
  }
  return "[cluster]\nservers = [" + list + "]\nname = \"" + name +
         "\"\nlease_ttl_ms = 2000\nlease_renew_ms = 500\npublish_timeout_ms = 15000\n"
         "state_hash_interval = 8\n";
}

class ClusterNodeProcess {
 public:
  // `cluster_extra`: more [cluster] keys (pools = [...], pool_map = "..."); `server_extra`: more
  // [server] keys.
  ClusterNodeProcess(const std::string& dir, std::string node, const std::string& servers,
                     const std::string& cluster_name, const std::string& durability = "replicated",
                     const std::string& cluster_extra = "", const std::string& server_extra = "")
      : dir_(dir), node_(std::move(node)), process_(dir + "/swarmexd.log") {
    std::ofstream(dir_ + "/swarmex.toml") << test_config(
        server_extra, durability, 2, cluster_toml(servers, cluster_name) + cluster_extra);
  }

  void start() {
    process_.start({SWARMEX_SERVER_BINARY, "--config", dir_ + "/swarmex.toml", "--listen",
                    "127.0.0.1:0", "--journal-dir", dir_ + "/journal", "--node", node_,
                    "--log-level", "info"});
  }
  // The port once it leads and listens (0 after the timeout or when it exited).
  int wait_leader(int timeout_ms) {
    const std::string marker = "listening on 127.0.0.1:";
    const auto at = process_.wait_for(marker, 0, timeout_ms);
    if (at == std::string::npos) return 0;
    return std::stoi(process_.output().substr(at + marker.size()));
  }
  bool wait_standby(int timeout_ms) {
    return process_.wait_for(": standby,", 0, timeout_ms) != std::string::npos;
  }
  void kill() { process_.kill(); }
  void stop() { process_.stop(); }
  // SIGSTOP, returning once the kernel shows the process stopped (state T), or after ~2 s.
  void pause() {
    ::kill(process_.pid(), SIGSTOP);
    const std::string stat = "/proc/" + std::to_string(process_.pid()) + "/stat";
    for (int i = 0; i < 200; ++i) {
      std::ifstream in(stat);
      std::string line;
      std::getline(in, line);
      const auto close = line.rfind(')');
      if (close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'T') return;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  void resume() { ::kill(process_.pid(), SIGCONT); }
  bool running() { return process_.running(); }
  // The exit code once it exited (-1 while it runs or when a signal ended it).
  int exit_code() {
    if (process_.running()) return -1;
    const int st = process_.exit_status();
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }
  std::string output() const { return process_.output(); }

 private:
  std::string dir_;
  std::string node_;
  tools::ChildProcess process_;
};

}  // namespace swarmex::testing
