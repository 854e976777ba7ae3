// The market part of the random command stream: delivery-window products, calendar Rolls,
// hosts' supply capacities and resale of held window capacity.
#include <algorithm>

#include "random_commands.hpp"

namespace swarmex::testing {

using namespace swarmex::engine;

namespace {

constexpr std::int64_t kSecondNs = 1'000'000'000;
constexpr OwnerId kOwners = 5;
constexpr HostId kFirstHost = 101;  // a sell order's host is 100 + its owner

}  // namespace

std::vector<InstrumentSpec> random_market_instruments() {
  std::vector<InstrumentSpec> v = random_test_instruments();
  const std::int64_t lease_s[] = {5, 20, 2, 0};  // cpu, mem, cpu pool-b, mig (no group)
  for (std::size_t i = 0; i < v.size(); ++i)
    v[i].window.length_ns = lease_s[i % 4] * kSecondNs;
  return v;
}

std::vector<Product> random_market_products() {
  Product cpu;
  cpu.rules.id = 200;
  cpu.rules.symbol = "cpu.pool-a";
  cpu.rules.resource = "cpu";
  cpu.rules.pool = "pool-a";
  cpu.rules.band_min = 1;
  cpu.rules.band_max = 200;
  cpu.rules.max_qty = 1000;
  cpu.rules.market_protection_ticks = 10;
  cpu.length_ns = 10 * kSecondNs;
  cpu.listed_ahead_ns = 40 * kSecondNs;
  cpu.gate_closure_ns = 5 * kSecondNs;

  Product mem;
  mem.rules = cpu.rules;
  mem.rules.id = 300;
  mem.rules.symbol = "mem.pool-a";
  mem.rules.resource = "mem";
  mem.rules.tick = 5;
  mem.rules.lot = 10;
  mem.rules.min_qty = 20;
  mem.rules.max_qty = 5000;
  mem.rules.band_min = 50;
  mem.rules.band_max = 400;
  mem.rules.market_protection_ticks = 4;
  mem.length_ns = 20 * kSecondNs;
  mem.listed_ahead_ns = 50 * kSecondNs;
  mem.gate_closure_ns = 8 * kSecondNs;
  return {cpu, mem};
}

void RandomCommands::enable_market(const std::vector<Product>& products, HeldProbe held,
                                   std::int64_t ns_per_seq) {
  market_ = true;
  products_ = products;
  held_ = std::move(held);
  ns_per_seq_ = ns_per_seq;
  for (const Product& p : products)
    for (std::uint32_t s = 0; s < book_count(p); ++s)
      instruments_.push_back(book_spec(p, s));
}

bool RandomCommands::market_command(Command& c) {
  const std::uint64_t k = below(1000);
  if (k < 5) {  // the calendar: rare enough that gates close well before their Roll
    c.kind = CommandKind::Roll;
    return true;
  }
  if (k < 15) {
    c = set_supply();
    return true;
  }
  if (k < 65) {
    c = resell();
    return true;
  }
  return false;
}

Command RandomCommands::set_supply() {
  Command c;
  c.kind = CommandKind::SetSupply;
  SupplyCapacity& s = c.supply;
  s.owner = below(100) == 0 ? 0 : static_cast<OwnerId>(1 + below(kOwners));
  s.host = below(100) == 0 ? 0 : kFirstHost + static_cast<HostId>(below(kOwners));
  // Any instrument of a quantity resource (GPU groups are not in the reference model).
  const InstrumentSpec* spec = &instruments_[below(instruments_.size())];
  while (spec->resource.starts_with("mig."))
    spec = &instruments_[below(instruments_.size())];
  s.instrument = below(100) == 0 ? 555 : spec->id;
  s.capacity = below(50) == 0 ? -spec->lot : spec->lot * static_cast<Qty>(below(100));
  return c;
}

Command RandomCommands::resell() {
  Command c;
  c.kind = CommandKind::Resell;
  Resell& r = c.resell;
  const Product& p = products_[below(products_.size())];
  const auto books = book_count(p);
  r.owner = below(100) == 0 ? 0 : static_cast<OwnerId>(1 + below(kOwners));
  const std::uint64_t t = below(100);
  r.tif = t < 30 ? TimeInForce::Ioc : (t < 32 ? TimeInForce::Fok : TimeInForce::Gtc);
  const std::uint64_t n = below(100);
  r.leg_count = static_cast<std::uint8_t>(n == 0 ? 0 : (n == 1 ? 9 : 1 + below(3)));
  const std::uint32_t first = static_cast<std::uint32_t>(below(books));
  for (std::uint8_t i = 0; i < std::min<std::uint8_t>(r.leg_count, kMaxSwarmLegs); ++i)
    r.legs[i].instrument = p.rules.id + (first + i) % books;
  if (r.leg_count > 1 && below(30) == 0) r.legs[1].instrument = r.legs[0].instrument;
  if (below(50) == 0) r.legs[0].instrument = instruments_[below(4)].id;  // a spot book
  // The host it bought from, when it holds something on the first leg; any host otherwise.
  r.host = kFirstHost + static_cast<HostId>(below(kOwners));
  for (HostId h = 0; h < kOwners; ++h) {
    const HostId host = kFirstHost + (r.host - kFirstHost + h) % kOwners;
    if (held_ && held_(r.legs[0].instrument, r.owner, host) >= p.rules.lot) {
      r.host = host;
      break;
    }
  }
  for (std::uint8_t i = 0; i < std::min<std::uint8_t>(r.leg_count, kMaxSwarmLegs); ++i) {
    const Qty have = held_ ? held_(r.legs[i].instrument, r.owner, r.host) / p.rules.lot : 0;
    // Mostly what is held or less; now and then more than that.
    const Qty lots = have > 0 && below(5) != 0 ? 1 + static_cast<Qty>(below(have))
                                               : 1 + static_cast<Qty>(below(3));
    r.legs[i].qty = below(100) == 0 ? qty_for(p.rules) : lots * p.rules.lot;
  }
  r.price = price_near(p.rules);
  r.order_id = next_id_;
  r.client_order_id = r.order_id * 7 + 1;
  next_id_ += std::max<std::uint8_t>(r.leg_count, 1);
  for (std::uint8_t i = 0; i < std::min<std::uint8_t>(r.leg_count, kMaxSwarmLegs); ++i)
    issued_.push_back(Issued{r.order_id + i, r.owner, r.legs[i].instrument, r.price});
  return c;
}

}  // namespace swarmex::testing
