// One engine partition's journal stream followed into the partition's local journal: what a
// standby does, and what a new leader does to catch up before it recovers. Starts after the
// last record the local journal holds (found by a binary search over the stream's Swx-Last
// headers), appends every later record in order and refuses a gap or a local journal that is
// ahead of the stream (it holds commands the cluster never held).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "swarmex/cluster/stream_follower.hpp"
#include "swarmex/journal/files.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::gateway {

class ClusterFollower {
 public:
  // `dir`: the partition's journal directory. Throws std::runtime_error on a divergence.
  ClusterFollower(cluster::JetStream& js, const std::string& cluster_name, std::uint32_t partition,
                  const std::string& dir, std::uint64_t segment_bytes);

  // Appends what arrives within `timeout_ms` (at most `max_messages`); the count of messages.
  std::size_t poll(std::int64_t timeout_ms, std::size_t max_messages = 256);
  // Until the stream's end as it is now.
  void catch_up();

  [[nodiscard]] std::uint64_t stream_seq() const noexcept { return stream_seq_; }
  [[nodiscard]] engine::Seq journal_seq() const noexcept { return journal_seq_; }
  [[nodiscard]] std::uint64_t appended() const noexcept { return appended_; }
  // Closes the local journal (before the exchange opens it for itself).
  void close();

 private:
  void apply(const cluster::StreamMessage& m);
  std::uint64_t first_after(engine::Seq seq, std::uint64_t first, std::uint64_t last);

  cluster::JetStream& js_;
  std::string stream_;
  std::string subject_;
  std::uint32_t partition_;
  std::unique_ptr<journal::JournalFiles> files_;
  std::unique_ptr<journal::JournalWriter> writer_;
  std::unique_ptr<cluster::StreamFollower> follower_;
  std::uint64_t segment_bytes_;
  std::uint64_t stream_seq_ = 0;  // the last stream message applied (or skipped)
  engine::Seq journal_seq_ = 0;   // the local journal's last record
  std::uint64_t appended_ = 0;
};

}  // namespace swarmex::gateway
