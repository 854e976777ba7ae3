// The capacity catalog: per pool and resource, the capacity each host declared, what is sold now
// and in each delivery window trading now, and the last trade prices. Learnt only from engine
// output — the events the publisher routes (live and in journal replay, in sequence order) and
// the snapshots recovery starts from — on the publisher thread, which alone touches it.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "standby_board.hpp"
#include "swarmex/engine/event.hpp"
#include "swarmex/engine/snapshot.hpp"
#include "swarmex/protocol/codec.hpp"

namespace swarmex::gateway {

class Server;

struct CatalogQuery {
  std::uint32_t thread = 0;
  std::uint64_t session_id = 0;
  std::uint64_t request_id = 0;
  std::string pool;  // empty: every pool
  std::string resource;
};

// Most entries (pool and resource), hosts per entry and windows per entry in one answer; past
// them the answer says truncated.
inline constexpr std::size_t kCatalogMaxEntries = 256;
inline constexpr std::size_t kCatalogMaxHosts = 256;
inline constexpr std::size_t kCatalogMaxWindows = 64;

// A pool's resource now: the capacity its hosts declared and what is sold of it (spot leases and
// windows running now).
struct PoolUse {
  std::string pool;
  std::string resource;
  engine::Qty capacity = 0;
  engine::Qty sold = 0;
  bool mig = false;  // a mig.* profile: capacity 0
};

class CatalogBoard {
 public:
  // The best bid and ask (0: none) of a book, as the publisher's replica has them.
  using BestPrices = std::function<std::pair<engine::Price, engine::Price>(engine::InstrumentId)>;

  explicit CatalogBoard(const Server& server) : server_(server) {}

  // Every routed event; only accepted supply declarations and fills change the catalog.
  void note(const engine::Event& e, std::int64_t time_ns);
  // Start-up, before the journal after `snap` replays: the declared capacity and sales the
  // snapshot's supply groups and holdings hold.
  void restore(const engine::EngineSnapshot& snap);
  // The Catalog answer at `now_ns`. Standby hosts not active are listed with the capacity they
  // hold back, outside `declared`.
  std::span<const std::uint8_t> answer(protocol::FrameWriter& w, const CatalogQuery& q,
                                       std::int64_t now_ns, const BestPrices& best,
                                       const std::vector<StandbyListing>& standby = {});
  // Demand utilisation of a pool's supply group ("mig": its busiest profile) as it would be
  // without `host`'s capacity: (sold now + `unmet` bid quantity) / the other hosts' capacity, in
  // ppm, at most 1'000'000 (also when nothing else is declared but something is wanted).
  std::uint32_t demand_ppm(const std::string& pool, const std::string& group, engine::HostId host,
                           engine::Qty unmet, std::int64_t now_ns);
  // Every pool and resource traded: capacity declared (0 for mig profiles, whose hosts declare
  // GPUs, which the profiles share) and sold at now_ns, in catalog units.
  std::vector<PoolUse> pool_use(std::int64_t now_ns);
  // Anything sold from the host (spot or windows) still running or still to come at now_ns.
  [[nodiscard]] bool sells_from(engine::HostId host, std::int64_t now_ns) const;

 private:
  using Key = std::pair<std::string, std::string>;  // pool, resource
  struct Window {
    std::int64_t end_ns = 0;
    engine::Qty sold = 0;
    engine::Price last_price = 0;
  };
  struct Entry {
    std::map<engine::HostId, engine::Qty> capacity;    // declared (not mig.*: see gpus_)
    std::map<std::int64_t, engine::Qty> sold_changes;  // +qty at a lease's start, -qty at its end
    engine::Qty sold_before = 0;                       // the changes folded away (before folded_ns)
    engine::Price last_price = 0;                      // spot
  };
  static void sell(Entry& entry, std::int64_t from_ns, std::int64_t to_ns, engine::Qty qty);
  // Sold at now_ns; folds the changes up to it.
  static engine::Qty sold_at(Entry& entry, std::int64_t now_ns);
  // The pool a snapshot's supply group of `host` and engine resource `resource` sells in.
  [[nodiscard]] std::string pool_of_group(const engine::EngineSnapshot& snap, engine::HostId host,
                                          const std::string& resource) const;

  const Server& server_;
  std::map<Key, Entry> entries_;
  // A host's GPU group, per pool (every mig.* resource of the pool draws on it): GPUs declared.
  std::map<std::pair<std::string, engine::HostId>, engine::Qty> gpus_;
  // Window sales by (product, window start).
  std::map<std::pair<engine::InstrumentId, std::int64_t>, Window> windows_;
  // The latest lease end sold from each host.
  std::map<engine::HostId, std::int64_t> sold_until_ns_;
};

}  // namespace swarmex::gateway
