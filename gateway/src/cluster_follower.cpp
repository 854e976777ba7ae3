#include "cluster_follower.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <stdexcept>

#include "swarmex/cluster/journal_stream.hpp"
#include "swarmex/cluster/stream.hpp"
#include "swarmex/engine/state_hash.hpp"
#include "swarmex/journal/reader.hpp"
#include "swarmex/journal/record.hpp"

namespace swarmex::gateway {

namespace {

engine::Seq last_of(const cluster::StreamMessage& m) {
  const std::string v = m.header(cluster::kLastHeader);
  return v.empty() ? 0 : std::stoull(v);
}

}  // namespace

ClusterFollower::ClusterFollower(cluster::JetStream& js, const std::string& cluster_name,
                                 std::uint32_t partition, engine::Seq applied,
                                 std::uint64_t state_hash, Apply apply)
    : js_(js),
      stream_(cluster::journal_stream_name(cluster_name, partition)),
      subject_(cluster::journal_subject(cluster_name, partition)),
      partition_(partition),
      apply_(std::move(apply)),
      journal_seq_(applied),
      state_hash_(state_hash) {
  const cluster::StreamState st = cluster::stream_state(js_, stream_);
  if (st.last_seq == 0) {
    if (journal_seq_ > 0)
      spdlog::warn(
          "partition {}: the local journal holds {} commands and stream {} is empty: the stream "
          "starts after them (a standby needs a copy of this journal)",
          partition_, journal_seq_, stream_);
  } else {
    const auto last = cluster::get_message(js_, stream_, st.last_seq);
    const engine::Seq stream_last = last ? last_of(*last) : 0;
    if (journal_seq_ > stream_last)
      throw std::runtime_error(
          "partition " + std::to_string(partition_) + ": the local journal ends at seq " +
          std::to_string(journal_seq_) + ", after the cluster's stream " + stream_ + " (seq " +
          std::to_string(stream_last) +
          "): it holds commands the cluster never held; move it aside and start again");
    stream_seq_ = first_after(journal_seq_, st.first_seq, st.last_seq) - 1;
  }
  follower_ = std::make_unique<cluster::StreamFollower>(js_, stream_, subject_, stream_seq_ + 1);
}

// The first stream sequence in [first, last] whose message ends after `seq` (last + 1: none).
// Every message names the last journal sequence it holds (a fence: the one its node applied), so
// these only grow along the stream.
std::uint64_t ClusterFollower::first_after(engine::Seq seq, std::uint64_t first,
                                           std::uint64_t last) {
  std::uint64_t lo = first, hi = last + 1;
  while (lo < hi) {
    const std::uint64_t mid = lo + (hi - lo) / 2;
    const auto m = cluster::get_message(js_, stream_, mid);
    if (m && last_of(*m) > seq)
      hi = mid;
    else
      lo = mid + 1;
  }
  return lo;
}

void ClusterFollower::apply(const cluster::StreamMessage& m) {
  stream_seq_ = m.seq;
  behind_.store(m.pending, std::memory_order_relaxed);
  commands_.clear();
  if (m.header(cluster::kKindHeader) == "batch") {
    std::size_t off = 0;
    engine::Seq next = journal_seq_;
    while (off < m.data.size()) {
      engine::Command c;
      std::size_t len = 0;
      const auto st = journal::decode_record(std::span(m.data).subspan(off), &c, &len);
      if (st != journal::DecodeStatus::Ok)
        throw std::runtime_error(stream_ + " message " + std::to_string(m.seq) + ": record at " +
                                 std::to_string(off) + ": " + journal::to_string(st));
      off += len;
      if (c.seq <= next) continue;  // the partition has it already
      if (c.seq != next + 1)
        throw std::runtime_error(stream_ + " message " + std::to_string(m.seq) + " jumps to seq " +
                                 std::to_string(c.seq) + " after " + std::to_string(next));
      commands_.push_back(c);
      ++next;
    }
    if (!commands_.empty()) {
      state_hash_ = apply_(partition_, commands_);
      journal_seq_ = next;
      appended_.fetch_add(commands_.size(), std::memory_order_relaxed);
    }
  }
  // A batch's hash is the leader's state after it; a fence's, the new leader's as it took over.
  const std::uint64_t theirs = cluster::parse_state_hash(m.header(cluster::kHashHeader));
  if (theirs == 0 || last_of(m) != journal_seq_) return;
  checked_.fetch_add(1, std::memory_order_relaxed);
  if (theirs != state_hash_)
    throw Diverged("partition " + std::to_string(partition_) + ": state diverged from node " +
                   m.header(cluster::kNodeHeader) + " at seq " + std::to_string(journal_seq_) +
                   " (" + stream_ + " message " + std::to_string(m.seq) + "): its state hash " +
                   engine::format_state_hash(theirs) + ", this node's " +
                   engine::format_state_hash(state_hash_));
}

std::size_t ClusterFollower::poll(std::int64_t timeout_ms, std::size_t max_messages) {
  std::size_t n = 0;
  while (n < max_messages) {
    const auto m = follower_->next(n == 0 ? timeout_ms : 1);
    if (!m) break;
    apply(*m);
    ++n;
  }
  return n;
}

void ClusterFollower::catch_up() {
  const std::uint64_t target = cluster::stream_state(js_, stream_).last_seq;
  auto progress = std::chrono::steady_clock::now();
  while (stream_seq_ < target) {
    if (poll(500, 1024) > 0)
      progress = std::chrono::steady_clock::now();
    else if (std::chrono::steady_clock::now() - progress > std::chrono::seconds(30))
      throw std::runtime_error(stream_ + ": no progress catching up at " +
                               std::to_string(stream_seq_) + " of " + std::to_string(target));
  }
}

void ClusterFollower::close() {
  follower_.reset();
}

}  // namespace swarmex::gateway
