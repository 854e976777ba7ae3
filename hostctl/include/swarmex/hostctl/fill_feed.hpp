// Fills from JetStream instead of the session ([exchange] fills = "jetstream", docs/cluster.md,
// "Fill fan-out per host"): a thread of the feed reads the host's subject "<cluster>.fills.<host>"
// with an ordered consumer and queues each fill; the daemon's loop takes them from the queue (the
// enactment is single-threaded) into the same intake as the session's fills. Where the subject is
// read from, and what each message is to the host, are the pure functions below.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "swarmex/hostctl/host_config.hpp"

namespace swarmex::hostctl {

// The newest message on the host's subject: its stream sequence and its fill's Swx-Seq.
struct SubjectTail {
  std::uint64_t stream_seq = 0;
  std::uint64_t fill_seq = 0;
};

// The stream sequence to read the subject from, for a host whose last enacted fill is
// `last_enacted`: right after the newest message when that one is already enacted (nothing new);
// otherwise the subject's start (1), whose fills up to `last_enacted` are then skipped.
std::uint64_t feed_start(const std::optional<SubjectTail>& tail, std::uint64_t last_enacted);

enum class FeedStep : std::uint8_t {
  Take,       // the next fill: enact it
  Duplicate,  // enacted already (seq <= last enacted): skipped
  Gap,        // fills between the last enacted and this one are missing from the subject
};
// `seq` / `prev`: the message's Swx-Seq and Swx-Prev (the host's fill before it).
FeedStep feed_step(std::uint64_t seq, std::uint64_t prev, std::uint64_t last_enacted);

struct FeedItem {
  std::uint64_t seq = 0;            // Swx-Seq
  std::uint64_t prev = 0;           // Swx-Prev
  std::vector<std::uint8_t> frame;  // the encoded Fill, as a session gets it
};

class FillFeed {
 public:
  virtual ~FillFeed() = default;
  // (Re)starts reading `host_id`'s subject for the fills after `last_enacted`; what was queued
  // before is dropped.
  virtual void start(std::uint32_t host_id, std::uint64_t last_enacted) = 0;
  virtual void stop() = 0;
  [[nodiscard]] virtual bool running() const = 0;
  // Moves up to `max` queued fills (oldest first) to `out`; the daemon's thread.
  virtual std::size_t take(std::vector<FeedItem>& out, std::size_t max) = 0;
  // Readable while fills are queued (poll it with the session's socket).
  [[nodiscard]] virtual int wake_fd() const = 0;
  // The cluster has no fill stream (swarmexd's [cluster] fill_fanout is off): the reader stopped.
  [[nodiscard]] virtual bool stream_missing() const = 0;
};

// The JetStream feed of `config` (fills_servers, fills_cluster). Throws std::runtime_error when
// this build has no NATS client (libnats-dev).
std::unique_ptr<FillFeed> make_jetstream_fill_feed(const HostConfig& config);

}  // namespace swarmex::hostctl
