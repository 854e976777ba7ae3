#include "swarmex/hostctl/state_saver.hpp"

#include <spdlog/spdlog.h>

#include "swarmex/hostctl/host_state.hpp"

namespace swarmex::hostctl {

StateSaver::StateSaver(std::string dir) : dir_(std::move(dir)), thread_([this] { run(); }) {}

StateSaver::~StateSaver() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
  if (failure_) {
    try {
      std::rethrow_exception(failure_);
    } catch (const std::exception& e) {
      spdlog::error("saving state: {}", e.what());
    }
  }
}

void StateSaver::rethrow_failure() {
  if (!failure_) return;
  std::exception_ptr e = std::exchange(failure_, nullptr);
  std::rethrow_exception(e);
}

void StateSaver::save(std::string text) {
  {
    std::lock_guard lock(mu_);
    rethrow_failure();
    pending_ = std::move(text);
  }
  wake_.notify_one();
}

void StateSaver::flush() {
  std::unique_lock lock(mu_);
  done_.wait(lock, [this] { return (!pending_ && !writing_) || failure_; });
  rethrow_failure();
}

std::uint64_t StateSaver::written() const {
  std::lock_guard lock(mu_);
  return written_;
}

void StateSaver::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [this] { return pending_ || stop_; });
    if (!pending_) return;  // stopping with nothing left to write
    std::string text = std::move(*pending_);
    pending_.reset();
    writing_ = true;
    lock.unlock();
    std::exception_ptr failed;
    try {
      write_host_state(dir_, text);
    } catch (...) {
      failed = std::current_exception();
    }
    lock.lock();
    writing_ = false;
    if (failed)
      failure_ = failed;
    else
      ++written_;
    done_.notify_all();
  }
}

}  // namespace swarmex::hostctl
