#include "swarmex/journal/writer.hpp"

#include <cstring>
#include <stdexcept>

#include "swarmex/common/clock.hpp"
#include "swarmex/journal/record.hpp"
#include "swarmex/journal/segment.hpp"

namespace swarmex::journal {

const char* to_string(Durability d) noexcept {
  switch (d) {
    case Durability::None:
      return "none";
    case Durability::Async:
      return "async";
    case Durability::Sync:
      return "sync";
    case Durability::Replicated:
      return "replicated";
    case Durability::ReplicatedSync:
      return "replicated+sync";
  }
  return "invalid";
}

bool parse_durability(const std::string& s, Durability* out) noexcept {
  if (s == "none")
    *out = Durability::None;
  else if (s == "async")
    *out = Durability::Async;
  else if (s == "sync")
    *out = Durability::Sync;
  else if (s == "replicated")
    *out = Durability::Replicated;
  else if (s == "replicated+sync")
    *out = Durability::ReplicatedSync;
  else
    return false;
  return true;
}

JournalWriter::JournalWriter(JournalFiles& files, std::uint64_t segment_bytes, engine::Seq next_seq,
                             Release release)
    : files_(files),
      segment_bytes_(segment_bytes),
      next_seq_(next_seq),
      release_(std::move(release)),
      durable_seq_(next_seq - 1) {
  buf_.reserve(kMaxBatchBytes);
}

JournalWriter::~JournalWriter() {
  stop();
}

void JournalWriter::start() {
  if (running_.exchange(true)) return;
  thread_ = std::thread([this] { run(); });
}

void JournalWriter::stop() {
  if (!running_.exchange(false)) return;
  thread_.join();
}

JournalBatch* JournalWriter::acquire() {
  JournalBatch* b = nullptr;
  if (free_.try_dequeue(b)) return b;
  std::lock_guard lock(owned_mu_);
  owned_.push_back(std::make_unique<JournalBatch>());
  owned_.back()->commands.reserve(256);
  owned_.back()->events.reserve(2048);
  return owned_.back().get();
}

std::string JournalWriter::failure() const {
  std::lock_guard lock(failure_mu_);
  return failure_;
}

JournalStats JournalWriter::stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

void JournalWriter::fail(const std::string& what) {
  {
    std::lock_guard lock(failure_mu_);
    if (failure_.empty()) failure_ = what;
  }
  failed_.store(true, std::memory_order_release);
}

int JournalWriter::flush() {
  if (buf_.empty()) return 0;
  // The cluster first: a deposed leader's batch must not reach even its own segment.
  if (replicator_ != nullptr) {
    const engine::Seq last = next_seq_ - 1;
    const ReplicateResult r =
        replicator_->replicate(buf_, buf_first_seq_, last, buf_hash_seq_ == last ? buf_hash_ : 0);
    if (r != ReplicateResult::Held) {
      fail(std::string(r == ReplicateResult::Fenced ? "journal replication fenced (deposed): "
                                                    : "journal replication unavailable: ") +
           replicator_->last_error());
      return -5;
    }
  }
  // Roll before a write that would overflow the segment, never in the middle of one.
  if (!segment_ ||
      (segment_->size() > kSegmentHeaderBytes && segment_->size() + buf_.size() > segment_bytes_)) {
    try {
      segment_ = files_.create(segment_name(buf_first_seq_));
    } catch (const std::exception& e) {
      fail(e.what());
      return -5;
    }
    std::uint8_t header[kSegmentHeaderBytes];
    encode_segment_header(buf_first_seq_, header);
    if (const int rc = segment_->append(header, true); rc < 0) {
      fail("journal segment header write failed: " + std::string(std::strerror(-rc)));
      return rc;
    }
    std::lock_guard lock(stats_mu_);
    ++stats_.segments;
  }
  const std::int64_t write_ns = observer_ != nullptr ? common::steady_ns() : 0;
  if (const int rc = segment_->append(buf_, local_sync_); rc < 0) {
    fail("journal write failed: " + std::string(std::strerror(-rc)));
    return rc;
  }
  if (observer_ != nullptr)
    observer_->on_write(partition_, buf_records_, buf_.size(), common::steady_ns() - write_ns);
  {
    std::lock_guard lock(stats_mu_);
    ++stats_.writes;
    stats_.records += buf_records_;
    stats_.bytes += buf_.size();
    if (buf_records_ > stats_.max_records_per_write) stats_.max_records_per_write = buf_records_;
  }
  durable_seq_.store(next_seq_ - 1, std::memory_order_release);
  buf_.clear();
  buf_records_ = 0;
  return 0;
}

int JournalWriter::write_batches(JournalBatch* const* batches, std::size_t n) {
  if (failed()) return -5;
  for (std::size_t i = 0; i < n; ++i) {
    for (const engine::Command& c : batches[i]->commands) {
      if (c.seq != next_seq_) {
        fail("journal: sequence " + std::to_string(c.seq) + " where " + std::to_string(next_seq_) +
             " was due");
        return -22;
      }
      if (buf_.size() + kMaxRecordBytes > max_batch_bytes_)
        if (const int rc = flush(); rc < 0) return rc;
      if (buf_.empty()) buf_first_seq_ = c.seq;
      const std::size_t at = buf_.size();
      buf_.resize(at + kMaxRecordBytes);
      buf_.resize(at + encode_record(c, buf_.data() + at));
      ++buf_records_;
      ++next_seq_;
    }
    if (!batches[i]->commands.empty()) {
      buf_hash_ = batches[i]->state_hash;
      buf_hash_seq_ = next_seq_ - 1;
    }
  }
  if (const int rc = flush(); rc < 0) return rc;
  if (observer_ != nullptr) {
    const std::int64_t durable_ns = common::wall_ns();
    for (std::size_t i = 0; i < n; ++i)
      if (!batches[i]->commands.empty())
        observer_->on_durable(partition_, batches[i]->commands.front().time_ns,
                              batches[i]->commands.size(), durable_ns);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (release_ && !batches[i]->events.empty()) release_(batches[i]->events);
    batches[i]->commands.clear();
    batches[i]->events.clear();
    batches[i]->state_hash = 0;
  }
  return 0;
}

void JournalWriter::run() {
  std::vector<JournalBatch*> got(64);
  for (;;) {
    const std::size_t n = queue_.wait_dequeue_bulk_timed(got.data(), got.size(), 1000);
    if (n == 0) {
      if (!running_.load(std::memory_order_acquire) && queue_.size_approx() == 0) return;
      continue;
    }
    // After a failure nothing more is released: unacknowledged work stays unacknowledged.
    if (!failed()) write_batches(got.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      got[i]->commands.clear();
      got[i]->events.clear();
      got[i]->state_hash = 0;
      free_.enqueue(got[i]);
    }
  }
}

}  // namespace swarmex::journal
