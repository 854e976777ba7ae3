// A child process for the demo and the end-to-end tests: started with its output appended to a log
// file, never outliving its parent (PR_SET_PDEATHSIG), stopped with SIGTERM or killed with SIGKILL.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace swarmex::tools {

class ChildProcess {
 public:
  explicit ChildProcess(std::string log_path) : log_(std::move(log_path)) {}
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts argv[0] with the arguments; throws std::runtime_error when fork fails.
  void start(const std::vector<std::string>& argv);
  void stop(int timeout_ms = 10000);  // SIGTERM, then wait (SIGKILL after the timeout)
  void kill();                        // SIGKILL now: a crash
  // True while it runs; reaps it (and keeps its exit status) once it has exited.
  [[nodiscard]] bool running();
  [[nodiscard]] int exit_status() const noexcept { return status_; }
  [[nodiscard]] pid_t pid() const noexcept { return pid_; }
  [[nodiscard]] std::string output() const;  // everything logged so far
  [[nodiscard]] std::size_t output_size() const { return output().size(); }
  // Waits until `marker` appears after byte `from` of the log; returns its position, or
  // std::string::npos on timeout or when the process exits first.
  std::size_t wait_for(const std::string& marker, std::size_t from, int timeout_ms);

 private:
  void reap(int timeout_ms);
  std::string log_;
  pid_t pid_ = -1;
  int status_ = -1;
};

}  // namespace swarmex::tools
