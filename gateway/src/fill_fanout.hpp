// The leader's fill fan-out per host (docs/cluster.md, "Fill fan-out per host"): each host fill,
// as its home I/O thread appends it to the host's fill stream, is also published to
// "<cluster>.fills.<host_id>" on the stream "<cluster>-fills", so that a host controller can take
// its fills from JetStream instead of a session (swarmex-hostctl [exchange] fills = "jetstream").
//
// Publishing is asynchronous on a NATS connection of its own (the journal's is not slowed): an
// I/O thread never waits. At most kMaxPending publishes wait for their acknowledgement; past it a
// fill is not published (counted, logged once a second): the host controller sees the gap in
// Swx-Prev and takes the missing fills from its session. Headers: Swx-Seq (the fill's stream_seq),
// Swx-Prev (the host's fill before it) and Nats-Msg-Id "<history>-<host>-<seq>", so the same fill
// published again (by a new leader) is dropped by the stream.
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "swarmex/cluster/connection.hpp"
#include "swarmex/gateway/config.hpp"

#include "fill_sink.hpp"

namespace swarmex::gateway {

class Server;

class FillFanout final : public FillSink {
 public:
  static constexpr std::int64_t kMaxPending = 65'536;

  // Connects and creates (or checks) the fill stream. Throws on failure.
  FillFanout(const ClusterSection& cluster, std::uint64_t history);
  ~FillFanout() override;
  FillFanout(const FillFanout&) = delete;
  FillFanout& operator=(const FillFanout&) = delete;

  void publish(std::uint32_t host_id, std::uint64_t seq,
               std::span<const std::uint8_t> frame) override;

  // Before the server starts (its I/O threads do not run yet): for each host, the fills its
  // rebuilt fill stream holds after the last one on the host's subject are published again
  // (those an earlier leader acknowledged but had not fanned out), then waits up to `wait_ms`
  // for their acknowledgements. Returns how many were published.
  std::uint64_t republish(Server& server, std::int64_t wait_ms = 10'000);

  [[nodiscard]] FillSinkStats stats() const noexcept override;
  [[nodiscard]] const std::string& stream() const noexcept { return stream_; }

 private:
  static void on_ack(jsCtx* js, natsMsg* msg, jsPubAck* pa, jsPubAckErr* pae, void* closure);
  bool send(std::uint32_t host_id, std::uint64_t seq, std::span<const std::uint8_t> frame);
  void warn_behind(const char* what, std::uint64_t count);

  std::string cluster_;
  std::string stream_;
  std::string history_;
  std::unique_ptr<cluster::Connection> conn_;
  jsCtx* js_ = nullptr;
  std::atomic<std::int64_t> pending_{0};
  std::atomic<std::uint64_t> published_{0};
  std::atomic<std::uint64_t> acked_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::atomic<std::uint64_t> dropped_{0};
  std::atomic<std::int64_t> warned_at_ns_{0};
};

}  // namespace swarmex::gateway
