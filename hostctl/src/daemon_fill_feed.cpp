// Fills from JetStream ([exchange] fills = "jetstream", docs/cluster.md): the feed is started at
// each logon from the last enacted sequence, its queued fills go through the same intake as the
// session's (take_fill: exactly once by sequence, history checked), and the loop waits on the
// session's socket and the feed together. A gap on the subject (a fill the exchange did not fan
// out) is logged at error level and the fills are then taken from the session instead, from the
// last enacted one, until the next logon.
#include <poll.h>

#include <spdlog/spdlog.h>

#include "host_metrics.hpp"
#include "swarmex/hostctl/daemon.hpp"
#include "swarmex/protocol/codec.hpp"

namespace swarmex::hostctl {

void Daemon::subscribe_to_fills() {
  if (feed_ == nullptr) {
    client_.subscribe_fills(host_id_, state_.last_seq);
    return;
  }
  feed_fallback_ = false;
  feed_->start(host_id_, state_.last_seq);
}

void Daemon::take_feed(std::vector<Received>& burst) {
  if (feed_ == nullptr || feed_fallback_ || !feed_->running()) return;
  if (feed_->stream_missing()) {
    spdlog::error(
        "no fill stream {}-fills in the NATS cluster (is swarmexd's [cluster] fill_fanout on, and "
        "[exchange] cluster its [cluster] name?): taking the fills from the session",
        config_.fills_cluster);
    feed_->stop();
    feed_fallback_ = true;
    client_.subscribe_fills(host_id_, state_.last_seq);
    return;
  }
  const auto slice = static_cast<std::size_t>(config_.enact_slice_fills);
  std::vector<FeedItem> items;
  while (burst.size() < slice && feed_->take(items, slice - burst.size()) > 0) {
    for (FeedItem& item : items) {
      switch (feed_step(item.seq, item.prev, state_.last_seq)) {
        case FeedStep::Duplicate:
          ++stats_.duplicates;
          if (metrics_) metrics_->duplicate_fill();
          continue;
        case FeedStep::Gap:
          spdlog::error(
              "fill stream gap on JetStream: fill {} follows {}, but the last enacted is {}: "
              "fills {}..{} were not fanned out; taking the fills from the session from {} on",
              item.seq, item.prev, state_.last_seq, state_.last_seq + 1, item.prev,
              state_.last_seq + 1);
          feed_->stop();
          feed_fallback_ = true;
          client_.subscribe_fills(host_id_, state_.last_seq);
          return;
        case FeedStep::Take:
          break;
      }
      const wire::Message* m = nullptr;
      if (protocol::decode_frame(item.frame, &m) != engine::RejectReason::None ||
          m->body_type() != wire::Body::Fill) {
        spdlog::error("fill {} from JetStream is not a Fill frame: skipped", item.seq);
        continue;
      }
      const wire::Fill& fill = *m->body_as_Fill();
      // The session met this history at logon: a fill of another one is a leftover on the
      // subject (the cluster's streams outlived its exchange), never this host's to take.
      if (fill.history() != 0 && state_.history != 0 && fill.history() != state_.history) {
        spdlog::warn("fill {} on JetStream belongs to another exchange history: skipped", item.seq);
        continue;
      }
      take_fill(fill, burst);
    }
    items.clear();
  }
}

const wire::Message* Daemon::next_message(std::chrono::nanoseconds timeout,
                                          std::vector<Received>& burst) {
  if (feed_ == nullptr || feed_fallback_ || !feed_->running()) return client_.receive(timeout);
  take_feed(burst);
  if (burst.empty() && !client_.has_buffered_frame()) {
    pollfd fds[2] = {{client_.native_handle(), POLLIN, 0}, {feed_->wake_fd(), POLLIN, 0}};
    const auto ms = std::chrono::ceil<std::chrono::milliseconds>(timeout).count();
    (void)::poll(fds, 2, static_cast<int>(ms));
    take_feed(burst);
  }
  return client_.try_receive();
}

}  // namespace swarmex::hostctl
