#include "swarmex/journal/snapshot_writer.hpp"

#include <chrono>

#include "swarmex/journal/snapshot_file.hpp"

namespace swarmex::journal {

SnapshotWriter::SnapshotWriter(JournalFiles& files, const JournalWriter* journal, std::size_t keep)
    : files_(files), journal_(journal), keep_(keep < 2 ? 2 : keep) {}

SnapshotWriter::~SnapshotWriter() {
  stop();
}

void SnapshotWriter::start() {
  std::lock_guard lock(mu_);
  if (running_) return;
  running_ = true;
  thread_ = std::thread([this] { run(); });
}

void SnapshotWriter::stop() {
  {
    std::lock_guard lock(mu_);
    if (!running_) return;
    running_ = false;
  }
  cv_.notify_all();
  thread_.join();
}

bool SnapshotWriter::submit(engine::EngineSnapshot&& snap) {
  std::unique_lock lock(mu_, std::try_to_lock);
  if (!lock.owns_lock() || busy_ || pending_) return false;
  pending_ = std::move(snap);
  lock.unlock();
  cv_.notify_all();
  return true;
}

void SnapshotWriter::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return pending_.has_value() || !running_; });
    if (!pending_) return;
    engine::EngineSnapshot snap = std::move(*pending_);
    pending_.reset();
    busy_ = true;
    lock.unlock();
    // Wait for the journal to hold everything the snapshot contains.
    while (journal_ != nullptr && journal_->durable_seq() < snap.last_seq && !journal_->failed())
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    if ((journal_ == nullptr || !journal_->failed()) && write_snapshot(files_, snap) == 0) {
      last_written_.store(snap.last_seq);
      prune();
    } else {
      failures_.fetch_add(1);
    }
    lock.lock();
    busy_ = false;
  }
}

void SnapshotWriter::prune() {
  const std::vector<std::string> names = files_.list(kSnapshotPrefix);
  for (std::size_t i = 0; i + keep_ < names.size(); ++i)
    files_.remove(names[i]);
}

}  // namespace swarmex::journal
