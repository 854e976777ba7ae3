// One engine partition's journal on a JetStream stream: the names, the stream's shape, and the
// replicator the journal writer publishes each write through (durability `replicated` and
// `replicated+sync`). Each message is one write: the encoded records of sequence numbers
// [Swx-First, Swx-Last], published with the expected last stream sequence. A takeover first
// publishes a fence (Swx-Kind: fence, no records) so that a deposed leader's next append fails.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "swarmex/cluster/fenced_publisher.hpp"
#include "swarmex/cluster/stream.hpp"
#include "swarmex/journal/replicator.hpp"

namespace swarmex::cluster {

// Largest message: kept under nats-server's default max_payload (1 MiB) with room for headers.
inline constexpr std::size_t kMaxJournalMessageBytes = 512u << 10;

inline constexpr const char* kKindHeader = "Swx-Kind";
inline constexpr const char* kFirstHeader = "Swx-First";
inline constexpr const char* kLastHeader = "Swx-Last";
inline constexpr const char* kNodeHeader = "Swx-Node";
// The engine's state hash after Swx-Last, 16 hex digits (absent: not taken): a standby compares
// its own after applying the message (engine::format_state_hash).
inline constexpr const char* kHashHeader = "Swx-Hash";

// 0 for an absent or malformed header.
std::uint64_t parse_state_hash(const std::string& text) noexcept;

// "<cluster>-journal-<partition>" and "<cluster>.journal.<partition>".
std::string journal_stream_name(const std::string& cluster, std::uint32_t partition);
std::string journal_subject(const std::string& cluster, std::uint32_t partition);
StreamSpec journal_stream_spec(const std::string& cluster, std::uint32_t partition,
                               int replicas = 3);

class JournalStreamReplicator final : public journal::JournalReplicator {
 public:
  // `last_seq`: the stream's last sequence this node has applied. On the writer's thread,
  // `on_deposed` runs once when a publish is fenced, `on_unavailable` when one found no quorum
  // within `deadline_ms` (the writer releases nothing more either way).
  JournalStreamReplicator(JetStream& js, const std::string& cluster, std::uint32_t partition,
                          std::string node, std::uint64_t last_seq, std::int64_t deadline_ms,
                          std::function<void(const std::string&)> on_deposed = {},
                          std::function<void(const std::string&)> on_unavailable = {});

  journal::ReplicateResult replicate(std::span<const std::uint8_t> records, engine::Seq first,
                                     engine::Seq last, std::uint64_t state_hash) override;
  [[nodiscard]] std::string last_error() const override;
  [[nodiscard]] std::size_t max_bytes() const noexcept override { return kMaxJournalMessageBytes; }
  // A takeover's first publish (before any batch), naming the last journal sequence this node
  // applied (Swx-Last) and its state hash there: fences every earlier leader.
  PublishOutcome fence(engine::Seq applied, std::uint64_t state_hash = 0);
  [[nodiscard]] std::uint64_t last_stream_seq() const noexcept { return publisher_.last_seq(); }

 private:
  FencedPublisher publisher_;
  std::string node_;
  std::function<void(const std::string&)> on_deposed_;
  std::function<void(const std::string&)> on_unavailable_;
  bool deposed_ = false;
  mutable std::mutex error_mu_;
  std::string error_;
};

}  // namespace swarmex::cluster
