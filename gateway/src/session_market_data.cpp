// Session: market data. Subscriptions are de-duplicated (a book the session already has is not
// sent again, unless its last snapshot is older than market_data.resnapshot_interval_ms), and a
// subscriber that falls behind is conflated: while the socket is not taking a backlog over
// market_data.conflate_backlog_bytes, its book updates and trades are dropped (nothing is
// copied) and the books marked dirty; once the backlog is written, each dirty book's latest
// snapshot follows (a BookSnapshot it did not ask for), and then its updates again. A subscriber
// whose backlog is not written for market_data.stuck_timeout_ms is disconnected (slow_consumer).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

#include "io_thread.hpp"
#include "server.hpp"
#include "session.hpp"
#include "swarmex/common/clock.hpp"

namespace swarmex::gateway {

void Session::subscribe_books(std::vector<engine::InstrumentId> ids, std::uint32_t depth) {
  Server& server = thread_.server();
  if (ids.empty()) ids = server.spot_instruments();
  const std::int64_t now = steady_ns();
  const std::int64_t again_ns =
      static_cast<std::int64_t>(server.config().market_data.resnapshot_interval_ms) *
      common::kNsPerMs;
  std::vector<engine::InstrumentId> wanted;
  for (const engine::InstrumentId id : ids) {
    if (!server.has_instrument(id)) continue;
    auto [it, added] = md_books_.try_emplace(id);
    MdBook& b = it->second;
    b.depth = depth;  // the next snapshot's
    // A snapshot on its way (or to come, for a dirty book) already answers this request; a live
    // book is sent again only when its last snapshot is old enough.
    if (!added && (b.state != MdBook::State::Live || now - b.snapshot_ns < again_ns)) continue;
    b.snapshot_ns = now;
    wanted.push_back(id);
  }
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  if (!wanted.empty()) server.subscribe_market_data(thread_.index(), id_, std::move(wanted), depth);
}

void Session::send_market_data(engine::InstrumentId instrument,
                               std::span<const std::uint8_t> frame) {
  if (closed_ || migrated_) return;
  auto it = md_books_.find(instrument);
  if (it == md_books_.end()) return;
  MdBook& b = it->second;
  if (b.state != MdBook::State::Live) return;  // dirty: its snapshot will follow
  // Over the bound only while the socket refuses bytes: a drain's updates to a reader that keeps
  // up sit in pending_ until the drain's end, and do not count.
  const std::uint64_t bound = thread_.server().config().market_data.conflate_backlog_bytes;
  if (write_active_ && pending_.size() + writing_.size() + frame.size() > bound) {
    b.state = MdBook::State::Dirty;
    ++md_dirty_;
    if (md_conflated_since_ == 0) {
      md_conflated_since_ = steady_ns();
      if (++md_conflations_ == 1)  // once per session: a reader near the bound may come and go
        spdlog::info("session {} {}: backlog over {} bytes: market data conflated", id_, remote_,
                     bound);
    }
    return;
  }
  md_send_ = true;  // flushed after the drain's reports
  send(frame);
  md_send_ = false;
}

void Session::send_snapshot(engine::InstrumentId instrument, std::span<const std::uint8_t> frame) {
  if (closed_ || migrated_) return;
  MdBook& b = md_books_[instrument];
  if (b.state == MdBook::State::Dirty) --md_dirty_;  // this snapshot is its latest state
  b.state = MdBook::State::Live;
  send(frame);
}

void Session::refresh_dirty_books() {
  if (md_conflated_since_ == 0 || closed_ || closing_ || write_active_) return;
  md_conflated_since_ = 0;
  if (md_dirty_ == 0) return;  // a snapshot asked for before came meanwhile
  std::map<std::uint32_t, std::vector<engine::InstrumentId>> by_depth;
  const std::int64_t now = steady_ns();
  for (auto& [id, b] : md_books_) {
    if (b.state != MdBook::State::Dirty) continue;
    b.state = MdBook::State::Refreshing;
    b.snapshot_ns = now;
    by_depth[b.depth].push_back(id);
  }
  md_dirty_ = 0;
  for (auto& [depth, ids] : by_depth) {
    std::sort(ids.begin(), ids.end());
    thread_.server().subscribe_market_data(thread_.index(), id_, std::move(ids), depth);
  }
}

void Session::check_market_data_stuck(std::int64_t now_ns) {
  if (md_conflated_since_ == 0) return;
  if (!write_active_) return refresh_dirty_books();
  const std::uint32_t limit_ms = thread_.server().config().market_data.stuck_timeout_ms;
  if (now_ns - md_conflated_since_ <= static_cast<std::int64_t>(limit_ms) * common::kNsPerMs)
    return;
  spdlog::warn("session {} {}: market data backlog not written for {} ms: slow reader disconnected",
               id_, remote_, limit_ms);
  abort(engine::to_string(engine::RejectReason::SlowConsumer).data());
}

}  // namespace swarmex::gateway
