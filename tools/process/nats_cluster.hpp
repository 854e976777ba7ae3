// A NATS JetStream cluster of real nats-server processes on free loopback ports, each with its
// own store directory under a fresh temporary directory; the tests, tools/cluster-test and
// tools/run-cluster start one. Stopping it (or destroying it) stops every server and removes the
// directory: nothing is left behind. Each server dies with its parent (PR_SET_PDEATHSIG).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"

namespace swarmex::tools {

// The nats-server to run: $SWARMEX_NATS_SERVER, else `nats-server` on PATH, /usr/sbin or
// /usr/local/sbin; "" when there is none.
std::string find_nats_server();

class NatsCluster {
 public:
  // Starts `nodes` servers (cluster name `name`) and waits until each accepts clients. Throws
  // std::runtime_error when a server does not start.
  explicit NatsCluster(int nodes = 3, const std::string& name = "swarmex",
                       const std::string& server = find_nats_server());
  ~NatsCluster();
  NatsCluster(const NatsCluster&) = delete;
  NatsCluster& operator=(const NatsCluster&) = delete;

  [[nodiscard]] int size() const noexcept { return static_cast<int>(nodes_.size()); }
  // "nats://127.0.0.1:<port>" of node i, and all of them joined with commas.
  [[nodiscard]] std::string url(int i) const;
  [[nodiscard]] std::string urls() const;
  [[nodiscard]] std::string server_name(int i) const;                // "n<i>"
  [[nodiscard]] int index_of(const std::string& server_name) const;  // -1: unknown
  [[nodiscard]] const std::string& dir() const noexcept { return dir_; }

  void kill(int i);     // SIGKILL
  void restart(int i);  // starts a stopped or killed node again (same ports, same store)
  void pause(int i);    // SIGSTOP
  void resume(int i);   // SIGCONT
  [[nodiscard]] bool running(int i);
  void stop();  // every server, then the directory
  [[nodiscard]] std::string log(int i) const;

 private:
  struct Node {
    std::string name;
    std::uint16_t client_port = 0;
    std::uint16_t cluster_port = 0;
    std::string config;
    std::unique_ptr<ChildProcess> process;
  };
  void start(int i);
  std::string server_;
  std::string dir_;
  std::vector<Node> nodes_;
};

}  // namespace swarmex::tools
