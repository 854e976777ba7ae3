// The market side of the operator dashboard, fed by the publisher thread, which sees every event:
// per pool, its spot books' best levels, last prices and volume, the trade tape, declared and
// sold capacity, and a history of prices and utilisation. The publisher thread keeps the working
// state alone; every kPublishNs it publishes an immutable MarketView that the dashboard thread
// takes under a mutex held only for a pointer copy. Everything is bounded: kLadderDepth levels a
// side, kTapeTrades trades and kHistoryPoints points per pool, kMaxPools pools.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "swarmex/engine/event.hpp"

namespace swarmex::gateway {

class Server;

inline constexpr std::size_t kLadderDepth = 10;
inline constexpr std::size_t kTapeTrades = 50;
inline constexpr std::size_t kHistoryPoints = 600;  // 10 minutes at kHistoryNs
inline constexpr std::size_t kMaxPools = 64;
inline constexpr std::size_t kMaxPoolInstruments = 32;  // spot books shown per pool
inline constexpr std::int64_t kPublishNs = 250'000'000;
inline constexpr std::int64_t kHistoryNs = 1'000'000'000;

struct LadderLevel {
  engine::Price price = 0;
  engine::Qty qty = 0;
  std::uint32_t orders = 0;
};

struct TapeTrade {
  std::int64_t time_ns = 0;
  engine::InstrumentId instrument = 0;
  std::string symbol;
  engine::Price price = 0;
  engine::Qty qty = 0;
  engine::Side side = engine::Side::Buy;  // the taker's
};

struct InstrumentView {
  engine::InstrumentId id = 0;
  std::string symbol;
  std::string resource;
  engine::Price last_price = 0;  // 0: no trade since start
  engine::Qty volume = 0;        // traded since start
  std::uint64_t trades = 0;
  std::vector<LadderLevel> bids, asks;  // best first
};

// One resource of a pool: capacity hosts declared and what is sold now (catalog units).
struct ResourceUse {
  std::string resource;
  engine::Qty capacity = 0;
  engine::Qty sold = 0;
};

struct HistoryPoint {
  std::int64_t time_ns = 0;
  std::vector<engine::Price> last_price;  // per the pool's instruments, in order; 0: none yet
  std::vector<double> utilisation;        // per the pool's resources, in order; < 0: no capacity
};

struct PoolView {
  std::string name;
  std::vector<InstrumentView> instruments;
  std::vector<ResourceUse> use;
  std::vector<TapeTrade> tape;  // newest first
  // History series: instrument ids and resources as of the newest point.
  std::vector<engine::InstrumentId> history_instruments;
  std::vector<std::string> history_resources;
  // Oldest first; rebuilt only when a point is added (shared by the views in between).
  std::shared_ptr<const std::vector<HistoryPoint>> history;
};

struct MarketView {
  std::int64_t time_ns = 0;
  std::uint64_t trades = 0;  // since start, all pools
  std::vector<PoolView> pools;
};

class DashboardFeed {
 public:
  explicit DashboardFeed(const Server& server) : server_(server) {}

  // The publisher thread: every routed event (only fills change anything here).
  void note(const engine::Event& e, std::int64_t time_ns);
  [[nodiscard]] bool due(std::int64_t now_ns) const noexcept { return now_ns >= next_publish_ns_; }
  // The publisher thread, when due: `levels` fills one book's best levels (best first, at most
  // kLadderDepth a side), `use` gives every (pool, resource)'s capacity and sold quantity.
  using Levels = std::function<void(engine::InstrumentId, std::vector<LadderLevel>& bids,
                                    std::vector<LadderLevel>& asks)>;
  void publish(std::int64_t now_ns, const Levels& levels,
               std::vector<std::pair<std::string, ResourceUse>> use);
  // Any thread: the latest published view (never null).
  [[nodiscard]] std::shared_ptr<const MarketView> view() const;

 private:
  struct Traded {
    engine::Price last_price = 0;
    engine::Qty volume = 0;
    std::uint64_t trades = 0;
  };
  struct Pool {
    std::deque<TapeTrade> tape;  // newest at the front
    std::deque<HistoryPoint> history;
    std::shared_ptr<const std::vector<HistoryPoint>> published;
    std::vector<engine::InstrumentId> history_instruments;
    std::vector<std::string> history_resources;
  };
  Pool* pool_named(const std::string& name);

  const Server& server_;
  std::map<std::string, Pool> pools_;
  std::unordered_map<engine::InstrumentId, Traded> traded_;
  std::uint64_t trades_ = 0;
  std::int64_t next_publish_ns_ = 0;
  std::int64_t next_history_ns_ = 0;
  mutable std::mutex mu_;  // guards view_ (a pointer copy)
  std::shared_ptr<const MarketView> view_ = std::make_shared<const MarketView>();
};

}  // namespace swarmex::gateway
