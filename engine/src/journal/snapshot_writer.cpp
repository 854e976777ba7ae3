#include "swarmex/journal/snapshot_writer.hpp"

#include <cerrno>
#include <chrono>
#include <exception>

#include "swarmex/common/clock.hpp"
#include "swarmex/journal/snapshot_file.hpp"

namespace swarmex::journal {

SnapshotWriter::SnapshotWriter(JournalFiles& files, const JournalWriter* journal, std::size_t keep,
                               RetentionPolicy retention)
    : files_(files),
      journal_(journal),
      keep_(keep < 2 ? 2 : keep),
      retention_(std::move(retention)) {}

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

bool SnapshotWriter::ready() {
  std::lock_guard lock(mu_);
  return !busy_ && !pending_;
}

engine::EngineSnapshot SnapshotWriter::take_spare() {
  std::lock_guard lock(mu_);
  if (!spare_) return {};
  engine::EngineSnapshot s = std::move(*spare_);
  spare_.reset();
  return s;
}

bool SnapshotWriter::submit(engine::EngineSnapshot&& snap, Attachment attachment,
                            std::int64_t stall_ns, std::uint64_t steps) {
  std::unique_lock lock(mu_);
  if (busy_ || pending_) return false;
  pending_ = std::move(snap);
  pending_attachment_ = std::move(attachment);
  pending_stall_ns_ = stall_ns;
  pending_steps_ = steps;
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
    Attachment attachment = std::move(pending_attachment_);
    pending_attachment_ = nullptr;
    SnapshotReport report;
    report.stall_ns = pending_stall_ns_;
    report.steps = pending_steps_;
    busy_ = true;
    lock.unlock();
    const std::int64_t t0 = common::steady_ns();
    report.seq = snap.last_seq;
    int rc = 0;
    if (attachment) {
      try {
        snap.attachment = attachment(snap);  // same sequence, same file
      } catch (const std::exception&) {      // a capture that does not hold together: not written
        rc = -EINVAL;
      }
      report.encode_ns = common::steady_ns() - t0;
    }
    report.orders = snap.orders.size();
    // Wait for the journal to hold everything the snapshot contains.
    while (rc == 0 && journal_ != nullptr && journal_->durable_seq() < snap.last_seq &&
           !journal_->failed())
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    if (rc == 0 && journal_ != nullptr && journal_->failed()) rc = -5;
    if (rc == 0) rc = write_snapshot(files_, snap);
    if (rc == 0) {
      last_written_.store(snap.last_seq);
      prune();
      // Only segments the snapshots kept no longer need: a failure leaves them (and is reported).
      const RetentionResult r = retain_from_oldest_snapshot(files_, retention_);
      report.segments_trimmed = r.done.size();
      trimmed_.fetch_add(r.done.size());
      if (r.error != 0) report.error = r.error;
    } else {
      report.error = rc;
      failures_.fetch_add(1);
    }
    report.write_ns = common::steady_ns() - t0;
    if (on_written_) on_written_(report);
    snap.attachment.clear();
    lock.lock();
    spare_ = std::move(snap);  // its buffers serve the next copy
    busy_ = false;
  }
}

void SnapshotWriter::prune() {
  const std::vector<std::string> names = files_.list(kSnapshotPrefix);
  for (std::size_t i = 0; i + keep_ < names.size(); ++i)
    files_.remove(names[i]);
}

}  // namespace swarmex::journal
