#include "logon_verifier.hpp"

#include <algorithm>

#include "swarmex/common/token_hash.hpp"

namespace swarmex::gateway {

LogonVerifier::LogonVerifier(std::uint32_t threads, std::size_t queue_capacity)
    : thread_count_(std::max<std::uint32_t>(threads, 1)),
      capacity_(std::max<std::size_t>(queue_capacity, 1)) {}

LogonVerifier::~LogonVerifier() {
  stop();
}

void LogonVerifier::start() {
  std::lock_guard lock(mu_);
  if (!threads_.empty() || stopping_) return;
  for (std::uint32_t i = 0; i < thread_count_; ++i)
    threads_.emplace_back([this] { run(); });
}

void LogonVerifier::stop() {
  std::deque<Job> dropped;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    dropped.swap(queue_);
  }
  cv_.notify_all();
  for (std::thread& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
}

bool LogonVerifier::submit(std::string token, std::string stored_hash, Done done) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= capacity_) return false;
    queue_.push_back(Job{std::move(token), std::move(stored_hash), std::move(done)});
  }
  cv_.notify_one();
  return true;
}

std::size_t LogonVerifier::queued() const {
  std::lock_guard lock(mu_);
  return queue_.size();
}

void LogonVerifier::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    const bool ok = common::verify_token(job.token, job.hash);
    job.done(ok);
  }
}

}  // namespace swarmex::gateway
