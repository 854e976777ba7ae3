// The publisher thread: takes every event the engine partitions emit and routes it — execution
// reports to the owner's home I/O thread, fills also to the selling host, book changes and
// trades to market-data subscribers. It keeps a replica of every book's levels, so a subscriber
// gets a consistent snapshot followed, in order, by the updates after it. With inline partitions it
// has no thread: the I/O thread pumps it (pump()) whenever the partitions have put events out.
#pragma once

#include <concurrentqueue/blockingconcurrentqueue.h>
#include <atomic>
#include <functional>
#include <map>
#include <thread>
#include <unordered_map>
#include <vector>

#include "catalog_board.hpp"
#include "dashboard_feed.hpp"
#include "notice_board.hpp"
#include "swarmex/engine/event.hpp"
#include "swarmex/engine/snapshot.hpp"
#include "swarmex_generated.h"

namespace swarmex::gateway {

class ExchangeMetrics;
class Server;

// How often standby hosts' pools are measured.
inline constexpr std::int64_t kStandbyCheckNs = 50'000'000;
// How often pools' utilisation is measured for the metrics.
inline constexpr std::int64_t kPoolUseCheckNs = 1'000'000'000;

struct MarketDataRequest {
  std::uint32_t thread = 0;
  std::uint64_t session_id = 0;
  std::vector<engine::InstrumentId> instruments;  // empty: every instrument
  std::uint32_t depth = 10;
};

class Publisher {
 public:
  Publisher(Server& server, moodycamel::BlockingConcurrentQueue<engine::Event>& events);
  ~Publisher();

  void start();
  void stop();  // routes what is queued, then joins
  // Inline, instead of start(): one pass of the thread's loop without waiting — serves queued
  // requests, sends due notices, routes every queued event. Always on the same one thread.
  void pump();
  // Inline: called after a request is queued, so the pumping thread schedules a pump().
  void set_wake(std::function<void()> wake) { wake_ = std::move(wake); }
  // The dashboard's market view, fed from here (before start; null: no dashboard).
  void set_dashboard(DashboardFeed* feed) noexcept { dashboard_ = feed; }
  // Before start() (or the first pump): counts every event routed from now on (null: nothing).
  void set_metrics(ExchangeMetrics* metrics) noexcept { metrics_ = metrics; }

  // The routing of one event of `partition` (the publisher thread, or start-up replay before
  // start()).
  void route(const engine::Event& e, std::int64_t time_ns, std::uint32_t partition);
  void request(MarketDataRequest&& r) {
    requests_.enqueue(std::move(r));
    if (wake_) wake_();
  }
  // A CatalogRequest: answered from the publisher thread, which keeps the catalog.
  void request(CatalogQuery&& q) {
    catalog_requests_.enqueue(std::move(q));
    if (wake_) wake_();
  }
  // Start-up, before the journal after a snapshot replays: the levels of the resting orders the
  // snapshot restored (what the replay of the commands before it would have built).
  void restore_books(const engine::EngineSnapshot& snap);
  // Start-up, likewise: the catalog's capacity and sales as the snapshot holds them.
  void restore_catalog(const engine::EngineSnapshot& snap) { catalog_.restore(snap); }

 private:
  struct Book {
    std::map<engine::Price, wire::Level, std::greater<>> bids;
    std::map<engine::Price, wire::Level> asks;
    engine::Seq seq = 0;
    std::uint64_t thread_mask = 0;  // I/O threads that have subscribers
  };
  void run();
  void serve_requests();
  void route_batch(std::size_t n);  // the first n of batch_
  void serve(const MarketDataRequest& r);
  void serve(const CatalogQuery& q);
  void note_lease(const engine::Event& fill);
  // An auction's curve points (kept until its result) and result, a breaker's halt or resume:
  // encoded once, to the instrument's subscribers; a halt also to the owner of the order that
  // tripped it (publisher_auctions.cpp).
  void route_auction(const engine::Event& e, std::int64_t time_ns);
  void send_due_notices(std::int64_t now_ns);
  // Standby hosts (every kStandbyCheckNs while any is logged on): each pool's demand utilisation
  // to the server's StandbyBoard, which activates or deactivates.
  void check_standby(std::int64_t now_ns);
  // Every kPoolUseCheckNs while metrics are on: each pool's capacity and sales to the metrics.
  void note_pool_use(std::int64_t now_ns);
  // Resting bid quantity over resting ask quantity on the spot books of a pool's resource.
  engine::Qty unmet_bids(const std::string& pool, const std::string& resource) const;

  Server& server_;
  moodycamel::BlockingConcurrentQueue<engine::Event>& events_;
  moodycamel::ConcurrentQueue<MarketDataRequest> requests_;
  moodycamel::ConcurrentQueue<CatalogQuery> catalog_requests_;
  CatalogBoard catalog_;
  std::unordered_map<engine::InstrumentId, Book> books_;
  std::unordered_map<engine::InstrumentId, std::vector<wire::AuctionPoint>> curves_;
  NoticeBoard notices_;
  std::vector<Notice> due_;  // scratch
  std::vector<engine::Event> batch_ = std::vector<engine::Event>(1024);
  std::function<void()> wake_;
  DashboardFeed* dashboard_ = nullptr;
  std::int64_t released_ns_ = 0;  // when this batch was taken (0: start-up replay)
  void publish_dashboard(std::int64_t now_ns);
  std::int64_t next_standby_check_ns_ = 0;
  ExchangeMetrics* metrics_ = nullptr;
  std::int64_t next_pool_use_ns_ = 0;
  std::atomic<bool> running_{false};
  std::thread thread_;
};

}  // namespace swarmex::gateway
