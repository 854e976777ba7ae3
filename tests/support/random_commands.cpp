#include "random_commands.hpp"

#include <algorithm>
#include <limits>

namespace swarmex::testing {

using namespace swarmex::engine;

std::vector<InstrumentSpec> random_test_instruments() {
  std::vector<InstrumentSpec> v;
  InstrumentSpec a;
  a.id = 1;
  a.symbol = "cpu.pool-a.spot";
  a.resource = "cpu";
  a.pool = "pool-a";
  a.band_min = 1;
  a.band_max = 200;
  a.max_qty = 1000;
  a.market_protection_ticks = 10;
  v.push_back(a);

  InstrumentSpec b = a;
  b.id = 7;
  b.symbol = "mem.pool-a.spot";
  b.resource = "mem";
  b.tick = 5;
  b.lot = 10;
  b.min_qty = 20;
  b.max_qty = 5000;
  b.band_min = 50;
  b.band_max = 2000;
  b.market_protection_ticks = 4;
  v.push_back(b);

  InstrumentSpec c = a;
  c.id = 42;
  c.symbol = "cpu.pool-b.spot";
  c.pool = "pool-b";
  c.band_min = 1000;
  c.band_max = 1100;
  c.max_qty = 1'000'000;
  c.market_protection_ticks = 0;
  v.push_back(c);

  InstrumentSpec d = a;  // price x max qty overflows int64
  d.id = 99;
  d.symbol = "mig.7g.80gb.pool-a.spot";
  d.resource = "mig.7g.80gb";
  d.tick = 1'000'000'000'000;
  d.band_min = 1'000'000'000'000'000;
  d.band_max = 1'100'000'000'000'000;
  d.max_qty = 1'000'000;
  v.push_back(d);
  return v;
}

RandomCommands::RandomCommands(std::uint64_t seed, std::vector<InstrumentSpec> instruments)
    : rng_(seed), instruments_(std::move(instruments)) {}

Price RandomCommands::price_near(const InstrumentSpec& s) {
  const std::int64_t levels = (s.band_max - s.band_min) / s.tick + 1;
  const std::int64_t mid = levels / 2;
  const std::int64_t spread = std::min<std::int64_t>(levels / 2, 12);
  const std::int64_t lvl = mid - spread + static_cast<std::int64_t>(below(2 * spread + 1));
  Price p = s.band_min + lvl * s.tick;
  switch (below(60)) {
    case 0:
      return 0;
    case 1:
      return -s.tick;
    case 2:
      return p + (s.tick > 1 ? 1 : 0);  // off tick where ticks exist
    case 3:
      return s.band_max + s.tick;  // outside band
    case 4:
      return s.band_min - s.tick;
    case 5:
      return std::numeric_limits<Price>::max();  // extreme
    default:
      return p;
  }
}

Qty RandomCommands::qty_for(const InstrumentSpec& s) {
  switch (below(80)) {
    case 0:
      return 0;
    case 1:
      return -s.lot;
    case 2:
      return s.lot + 1;  // off lot where lots exist
    case 3:
      return s.max_qty + s.lot;
    case 4:
      return s.max_qty;
    case 5:
      return std::numeric_limits<Qty>::max();
    default:
      return s.lot * static_cast<Qty>(1 + below(12));
  }
}

Command RandomCommands::new_order() {
  Command c;
  c.kind = CommandKind::NewOrder;
  const InstrumentSpec& s = instruments_[below(instruments_.size())];
  NewOrder& o = c.new_order;
  o.order_id = next_id_++;
  o.client_order_id = o.order_id * 7 + 1;
  o.instrument = below(150) == 0 ? 12345 : s.id;
  o.owner = below(300) == 0 ? 0 : static_cast<OwnerId>(1 + below(5));
  o.side = below(400) == 0 ? static_cast<Side>(2 + below(200)) : static_cast<Side>(below(2));
  o.host = o.side == Side::Sell ? 100 + o.owner : 0;
  const std::uint64_t t = below(100);
  o.type = t < 8 ? OrderType::Market : (t == 8 ? static_cast<OrderType>(7) : OrderType::Limit);
  const std::uint64_t f = below(100);
  o.tif = f < 65 ? TimeInForce::Gtc
                 : (f < 85 ? TimeInForce::Ioc
                           : (f < 99 ? TimeInForce::Fok : static_cast<TimeInForce>(3)));
  if (o.type == OrderType::Market && below(4) != 0) o.tif = TimeInForce::Ioc;
  o.stp = below(300) == 0 ? static_cast<StpMode>(4) : static_cast<StpMode>(below(4));
  o.post_only = below(10) == 0;
  o.price = price_near(s);
  if (o.type == OrderType::Market && below(2) == 0) o.price = 0;
  o.qty = qty_for(s);
  o.min_qty = 0;
  if (below(8) == 0) {
    switch (below(6)) {
      case 0:
        o.min_qty = -s.lot;
        break;
      case 1:
        o.min_qty = o.qty < s.max_qty ? o.qty + s.lot : -1;
        break;
      case 2:
        o.min_qty = s.lot + (s.lot > 1 ? 1 : 0);
        break;
      default:
        // At most qty, in lots (capped so extreme quantities cannot overflow the draw).
        o.min_qty =
            o.qty > 0 ? s.lot * static_cast<Qty>(1 + below(std::min<Qty>(o.qty / s.lot, 1'000'000)))
                      : 0;
    }
  }
  issued_.push_back(Issued{o.order_id, o.owner, o.instrument, o.price});
  return c;
}

void RandomCommands::retarget(Command& c, const Issued& pick) {
  if (c.kind == CommandKind::NewOrder) {  // duplicate of a live order's id
    c.new_order.order_id = pick.id;
    return;
  }
  const bool wrong_owner = below(30) == 0;
  const bool wrong_instrument = below(30) == 0;
  const OwnerId owner = wrong_owner ? pick.owner % 5 + 1 : pick.owner;
  const InstrumentId instrument = wrong_instrument ? 7 : pick.instrument;
  if (c.kind == CommandKind::CancelOrder) {
    c.cancel = CancelOrder{pick.id, owner, instrument};
  } else {
    const InstrumentSpec* s = &instruments_[0];
    for (const InstrumentSpec& i : instruments_)
      if (i.id == pick.instrument) s = &i;
    Price p = pick.price;
    const std::uint64_t how = below(4);
    if (how == 1) p = price_near(*s);  // price change
    if (how == 2 && pick.price < s->band_max) p = pick.price + s->tick;
    c.modify = ModifyOrder{pick.id, owner, instrument, p, qty_for(*s)};
  }
}

Command RandomCommands::draw() {
  Command c;
  if (!market_ || !market_command(c)) c = spot_command();
  // Stale or replayed sequence numbers now and then; otherwise strictly increasing with gaps.
  if (below(200) == 0 && seq_ > 0) {
    c.seq = seq_ - below(3);
  } else {
    seq_ += 1 + (below(50) == 0 ? below(5) : 0);
    c.seq = seq_;
  }
  c.time_ns = static_cast<std::int64_t>(c.seq) * ns_per_seq_;
  return c;
}

Command RandomCommands::spot_command() {
  Command c;
  const std::uint64_t k = below(1000);
  if (k < 680) {
    c = new_order();
  } else if (k < 800) {
    c.kind = CommandKind::CancelOrder;
    c.cancel = CancelOrder{next_id_ + below(3), static_cast<OwnerId>(1 + below(5)), 1};
  } else if (k < 975) {
    c.kind = CommandKind::ModifyOrder;
    c.modify = ModifyOrder{next_id_ + below(3), static_cast<OwnerId>(1 + below(5)), 1, 100, 1};
  } else if (k < 985) {
    c.kind = CommandKind::MassCancel;
    c.mass_cancel.owner = below(20) == 0 ? 0 : static_cast<OwnerId>(1 + below(5));
    c.mass_cancel.instrument =
        below(2) == 0 ? kAllInstruments
                      : (below(10) == 0 ? 555 : instruments_[below(instruments_.size())].id);
  } else if (k < 986 || (!halted_.empty() && below(50) == 0)) {
    // Halts are rare and short: each halted instrument is resumed ~50 commands later.
    if (!halted_.empty()) {
      c.kind = CommandKind::Resume;
      c.control.instrument = halted_.back();
      halted_.pop_back();
    } else {
      c.kind = below(2) == 0 ? CommandKind::Halt : CommandKind::Resume;
      c.control.instrument = below(10) == 0 ? 555 : instruments_[below(instruments_.size())].id;
      if (c.kind == CommandKind::Halt && c.control.instrument != 555)
        halted_.push_back(c.control.instrument);
    }
  } else if (k < 993) {
    // An unknown command kind (swarm orders are exercised by swarm_reference_test).
    c.kind = static_cast<CommandKind>(static_cast<std::uint64_t>(CommandKind::kCount) + below(100));
  } else {
    c = new_order();
  }
  return c;
}

}  // namespace swarmex::testing
