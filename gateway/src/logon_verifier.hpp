// Checks logon tokens (PBKDF2) off the I/O and matching threads: a few threads of its own behind
// a bounded queue. A full queue refuses the job at once, so a flood of logons costs the I/O
// threads nothing but the refusal.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace swarmex::gateway {

class LogonVerifier {
 public:
  // Called on a verifier thread with the outcome; it posts what follows to the session's thread.
  using Done = std::function<void(bool ok)>;

  // `threads` verifier threads (at least 1), at most `queue_capacity` jobs waiting.
  LogonVerifier(std::uint32_t threads, std::size_t queue_capacity);
  ~LogonVerifier();
  LogonVerifier(const LogonVerifier&) = delete;
  LogonVerifier& operator=(const LogonVerifier&) = delete;

  void start();
  // Joins the threads; jobs still queued are dropped (their Done is destroyed, never called).
  void stop();
  // Queues a check of `token` against `stored_hash` (token_hash.hpp's form); false when the
  // queue is full or stopped, and `done` is not called.
  bool submit(std::string token, std::string stored_hash, Done done);
  [[nodiscard]] std::size_t queued() const;
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

 private:
  struct Job {
    std::string token;
    std::string hash;
    Done done;
  };
  void run();

  std::uint32_t thread_count_;
  std::size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace swarmex::gateway
