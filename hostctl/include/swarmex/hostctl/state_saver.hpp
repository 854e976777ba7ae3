// Writes the controller's state file on a thread of its own, so the fsyncs of a save (several
// milliseconds on a disk) never hold up reading and enacting the next fills. The newest state
// handed over wins: a save still waiting is replaced, never queued behind. A failed write is
// rethrown to the daemon's thread at its next call, as save_host_state would have thrown.
#pragma once

#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace swarmex::hostctl {

class StateSaver {
 public:
  explicit StateSaver(std::string dir);
  // Writes what is still pending (errors logged), then stops the thread.
  ~StateSaver();
  StateSaver(const StateSaver&) = delete;
  StateSaver& operator=(const StateSaver&) = delete;

  // Hands over format_host_state's text; rethrows an earlier write's failure.
  void save(std::string text);
  // Returns once everything handed over is on disk; rethrows a write's failure.
  void flush();
  // Writes completed so far.
  [[nodiscard]] std::uint64_t written() const;

 private:
  void run();
  void rethrow_failure();  // with mu_ held

  const std::string dir_;
  mutable std::mutex mu_;
  std::condition_variable wake_, done_;
  std::optional<std::string> pending_;
  bool writing_ = false;
  bool stop_ = false;
  std::uint64_t written_ = 0;
  std::exception_ptr failure_;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace swarmex::hostctl
