// Starts the real swarmexd as a child process on a free loopback port, with a configuration
// written for the test, and stops (or kills) it again.
#pragma once

#include <string>

#include "child_process.hpp"

namespace swarmex::testing {

class ServerProcess {
 public:
  // `config_toml` is written to `dir`/swarmex.toml; the journal goes to `dir`/journal.
  ServerProcess(std::string binary, std::string dir, std::string config_toml);
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts and waits for "listening on"; throws with the process output when it does not come.
  void start(int timeout_ms = 20000);
  // The address the next start listens on (default 127.0.0.1:0: any free port). A restart on
  // the same port: set_listen("127.0.0.1:" + std::to_string(port())).
  void set_listen(std::string address) { listen_ = std::move(address); }
  void stop() { process_.stop(); }  // SIGTERM, then wait (SIGKILL after 10 s)
  void kill() { process_.kill(); }  // SIGKILL now: a crash
  [[nodiscard]] bool running() { return process_.running(); }
  [[nodiscard]] int port() const noexcept { return port_; }
  [[nodiscard]] const std::string& journal_dir() const noexcept { return journal_; }
  [[nodiscard]] std::string output() const { return process_.output(); }

 private:
  std::string binary_;
  std::string dir_;
  std::string journal_;
  std::string listen_ = "127.0.0.1:0";
  ChildProcess process_;
  int port_ = 0;
};

// A test configuration: instrument 1 (cpu, tick 100, band 100..10,000,000), 2 (mem), 3 (cpu
// pool-b), 9 (a band where price x qty overflows int64), principals tenant-a/b/c, host-a1 (host 1),
// host-b1 (host 2), operator, each with token "<name>-token". `server_extra` lines are added to
// [server]; `extra` (e.g. more [[instruments]]) is added at the end.
std::string test_config(const std::string& server_extra = "",
                        const std::string& durability = "sync", int shards = 2,
                        const std::string& extra = "");

}  // namespace swarmex::testing
