#include "swarmex/cluster/journal_stream.hpp"

#include <array>
#include <charconv>

#include "swarmex/engine/state_hash.hpp"

namespace swarmex::cluster {

std::string journal_stream_name(const std::string& cluster, std::uint32_t partition) {
  return cluster + "-journal-" + std::to_string(partition);
}

std::string journal_subject(const std::string& cluster, std::uint32_t partition) {
  return cluster + ".journal." + std::to_string(partition);
}

StreamSpec journal_stream_spec(const std::string& cluster, std::uint32_t partition, int replicas) {
  StreamSpec spec;
  spec.name = journal_stream_name(cluster, partition);
  spec.subjects = {journal_subject(cluster, partition)};
  spec.replicas = replicas;
  spec.file_storage = true;
  return spec;
}

JournalStreamReplicator::JournalStreamReplicator(
    JetStream& js, const std::string& cluster, std::uint32_t partition, std::string node,
    std::uint64_t last_seq, std::int64_t deadline_ms,
    std::function<void(const std::string&)> on_deposed,
    std::function<void(const std::string&)> on_unavailable)
    : publisher_(js, journal_stream_name(cluster, partition), journal_subject(cluster, partition),
                 node, last_seq, deadline_ms),
      node_(std::move(node)),
      on_deposed_(std::move(on_deposed)),
      on_unavailable_(std::move(on_unavailable)) {}

std::uint64_t parse_state_hash(const std::string& text) noexcept {
  if (text.size() != 16) return 0;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 16);
  return ec == std::errc{} && end == text.data() + text.size() ? v : 0;
}

journal::ReplicateResult JournalStreamReplicator::replicate(std::span<const std::uint8_t> records,
                                                            engine::Seq first, engine::Seq last,
                                                            std::uint64_t state_hash) {
  if (deposed_) return journal::ReplicateResult::Fenced;
  const std::array<Header, 5> headers{
      Header{kKindHeader, "batch"}, Header{kFirstHeader, std::to_string(first)},
      Header{kLastHeader, std::to_string(last)}, Header{kNodeHeader, node_},
      Header{kHashHeader, state_hash != 0 ? engine::format_state_hash(state_hash) : std::string()}};
  const PublishOutcome out =
      publisher_.publish(records, std::span(headers).first(state_hash != 0 ? 5 : 4));
  if (out.result == PublishResult::Ok) return journal::ReplicateResult::Held;
  {
    std::lock_guard lock(error_mu_);
    error_ = out.error;
  }
  if (out.result == PublishResult::Fenced) {
    deposed_ = true;
    if (on_deposed_) on_deposed_(out.error);
    return journal::ReplicateResult::Fenced;
  }
  if (on_unavailable_) on_unavailable_(out.error);
  return journal::ReplicateResult::Unavailable;
}

std::string JournalStreamReplicator::last_error() const {
  std::lock_guard lock(error_mu_);
  return error_;
}

PublishOutcome JournalStreamReplicator::fence(engine::Seq applied, std::uint64_t state_hash) {
  const std::array<Header, 4> headers{
      Header{kKindHeader, "fence"}, Header{kLastHeader, std::to_string(applied)},
      Header{kNodeHeader, node_},
      Header{kHashHeader, state_hash != 0 ? engine::format_state_hash(state_hash) : std::string()}};
  return publisher_.publish({}, std::span(headers).first(state_hash != 0 ? 4 : 3));
}

}  // namespace swarmex::cluster
