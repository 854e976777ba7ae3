// Seeded generator of random engine command streams covering every command kind, order type,
// time in force, STP mode and a share of invalid input. Deterministic for a seed on any platform.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "swarmex/engine/calendar.hpp"
#include "swarmex/engine/command.hpp"
#include "swarmex/engine/instrument.hpp"

namespace swarmex::testing {

// Instruments with different ticks, lots, bands and protections (one with a band high enough to
// make price x qty overflow).
std::vector<engine::InstrumentSpec> random_test_instruments();

// The same spot instruments with lease lengths (a fill takes its host's supply for that long),
// and two scheduled products whose windows roll within a run (cpu windows share the spot cpu
// supply groups). Add the instruments first, then the products.
std::vector<engine::InstrumentSpec> random_market_instruments();
std::vector<engine::Product> random_market_products();

// What `owner` holds of window book `instrument` from `host` (the generator peeks so that most
// resale requests offer capacity that is held).
using HeldProbe = std::function<engine::Qty(engine::InstrumentId, engine::OwnerId, engine::HostId)>;

class RandomCommands {
 public:
  RandomCommands(std::uint64_t seed, std::vector<engine::InstrumentSpec> instruments);

  // The next command. `is_live` answers whether an order id currently rests (the generator peeks
  // at the engine so that cancels and modifies mostly hit live orders).
  template <typename IsLive>
  engine::Command next(IsLive&& is_live) {
    engine::Command c = draw();
    // Mostly aim cancels/modifies at live orders.
    if ((c.kind == engine::CommandKind::CancelOrder || c.kind == engine::CommandKind::ModifyOrder ||
         (c.kind == engine::CommandKind::NewOrder && below(100) == 0)) &&
        below(10) < 9) {
      while (!issued_.empty()) {
        const std::size_t i = below(issued_.size());
        if (!is_live(issued_[i].id)) {  // traded or cancelled: ids are never live again
          issued_[i] = issued_.back();
          issued_.pop_back();
          continue;
        }
        retarget(c, issued_[i]);
        break;
      }
    }
    return c;
  }

  [[nodiscard]] std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : rng_() % n; }

  // Also calendar Rolls, SetSupply and Resell, orders on the products' window books, and
  // `ns_per_seq` of command time per sequence number, so windows list, close and roll. Off
  // until called: a seed's spot-only stream is unchanged.
  void enable_market(const std::vector<engine::Product>& products, HeldProbe held,
                     std::int64_t ns_per_seq = 2'000'000);

 private:
  struct Issued {
    engine::OrderId id;
    engine::OwnerId owner;
    engine::InstrumentId instrument;
    engine::Price price;
  };
  engine::Command draw();
  engine::Command spot_command();
  engine::Command new_order();
  // Market commands (random_market.cpp): false when this draw is a spot command.
  bool market_command(engine::Command& c);
  engine::Command set_supply();
  engine::Command resell();
  void retarget(engine::Command& c, const Issued& pick);
  engine::Price price_near(const engine::InstrumentSpec& s);
  engine::Qty qty_for(const engine::InstrumentSpec& s);

  std::mt19937_64 rng_;
  std::vector<engine::InstrumentSpec> instruments_;
  std::vector<Issued> issued_;
  engine::Seq seq_ = 0;
  engine::OrderId next_id_ = 1;
  std::vector<engine::InstrumentId> halted_;
  bool market_ = false;
  std::vector<engine::Product> products_;
  HeldProbe held_;
  std::int64_t ns_per_seq_ = 1000;
};

}  // namespace swarmex::testing
