// Starts the real swarmexd as a child process on a free loopback port (or a given address) with a
// configuration written to its directory, and stops (or kills) it again. The demo and the
// end-to-end tests run the exchange through it.
#pragma once

#include <string>

#include "child_process.hpp"

namespace swarmex::tools {

class SwarmexdProcess {
 public:
  // `config_toml` is written to `dir`/swarmex.toml; the journal goes to `dir`/journal.
  SwarmexdProcess(std::string binary, std::string dir, std::string config_toml);
  SwarmexdProcess(const SwarmexdProcess&) = delete;
  SwarmexdProcess& operator=(const SwarmexdProcess&) = delete;

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
  tools::ChildProcess process_;
  int port_ = 0;
};

}  // namespace swarmex::tools
