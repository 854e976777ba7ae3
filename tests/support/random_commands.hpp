// Seeded generator of random engine command streams covering every command kind, order type,
// time in force, STP mode and a share of invalid input. Deterministic for a seed on any platform.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "swarmex/engine/command.hpp"
#include "swarmex/engine/instrument.hpp"

namespace swarmex::testing {

// Instruments with different ticks, lots, bands and protections (one with a band high enough to
// make price x qty overflow).
std::vector<engine::InstrumentSpec> random_test_instruments();

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

 private:
  struct Issued {
    engine::OrderId id;
    engine::OwnerId owner;
    engine::InstrumentId instrument;
    engine::Price price;
  };
  engine::Command draw();
  engine::Command new_order();
  void retarget(engine::Command& c, const Issued& pick);
  engine::Price price_near(const engine::InstrumentSpec& s);
  engine::Qty qty_for(const engine::InstrumentSpec& s);

  std::mt19937_64 rng_;
  std::vector<engine::InstrumentSpec> instruments_;
  std::vector<Issued> issued_;
  engine::Seq seq_ = 0;
  engine::OrderId next_id_ = 1;
  std::vector<engine::InstrumentId> halted_;
};

}  // namespace swarmex::testing
