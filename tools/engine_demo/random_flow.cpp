#include "random_flow.hpp"

#include <algorithm>
#include <array>

namespace swarmex::demo {
namespace {

// splitmix64: tiny, fast and the same on every platform (std distributions are not).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  std::uint64_t below(std::uint64_t n) noexcept { return next() % n; }
  // Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) noexcept {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
  }

 private:
  std::uint64_t state_;
};

struct Recent {  // a recently sent GTC order, a candidate for cancel / modify
  OrderId id;
  OwnerId owner;
  InstrumentId instrument;
  Price price;
};

Price near(const Product& p, Rng& rng, std::int64_t lo_ticks, std::int64_t hi_ticks) {
  const Price price = p.reference_price + rng.between(lo_ticks, hi_ticks) * p.spec.tick;
  return std::clamp(price, p.spec.band_min, p.spec.band_max);
}

Qty size_for(const Product& p, Rng& rng, Qty cpu_max) {
  if (p.spec.resource == "cpu") return rng.between(1, cpu_max);
  if (p.spec.resource == "mem") return rng.between(1, cpu_max * 4);
  return rng.between(1, 2);  // MIG slices
}

}  // namespace

std::vector<Command> random_flow(const Market& market, const RandomFlowConfig& config,
                                 OrderId& next_order_id) {
  Rng rng(config.seed);
  std::vector<Command> out;
  out.reserve(config.commands);
  constexpr std::size_t kRecent = 256;
  std::array<Recent, kRecent> recent{};
  std::size_t recent_count = 0;
  const auto remember = [&](const OrderTicket& t) {
    recent[recent_count++ % kRecent] = Recent{t.order_id, t.owner, t.instrument, t.price};
  };
  const auto pick_recent = [&]() -> const Recent& {
    return recent[rng.below(std::min(recent_count, kRecent))];
  };

  while (out.size() < config.commands) {
    const std::uint64_t roll = rng.below(100);
    if (roll < 30) {  // a host adds supply around and above the reference price
      const Host& h = market.host(rng.below(market.hosts().size()));
      const std::vector<InstrumentId> mine = market.instruments_of(h);
      const Product& p = market.product(mine[rng.below(mine.size())]);
      OrderTicket t;
      t.order_id = next_order_id++;
      t.instrument = p.spec.id;
      t.owner = h.owner;
      t.host = h.host_id;
      t.side = Side::Sell;
      t.tif = rng.below(10) == 0 ? TimeInForce::Ioc : TimeInForce::Gtc;
      t.price = near(p, rng, -4, 12);
      t.qty = size_for(p, rng, 32);
      if (t.tif == TimeInForce::Gtc) remember(t);
      out.push_back(new_order(t));
    } else if (roll < 75 || recent_count == 0) {  // a tenant bids around and below it
      const Tenant& tenant = market.tenant(rng.below(market.tenants().size()));
      const Product& p = market.products()[rng.below(market.products().size())];
      OrderTicket t;
      t.order_id = next_order_id++;
      t.instrument = p.spec.id;
      t.owner = tenant.owner;
      t.side = Side::Buy;
      t.price = near(p, rng, -12, 4);
      t.qty = size_for(p, rng, 32);
      const std::uint64_t kind = rng.below(100);
      if (kind < 12) {
        t.tif = TimeInForce::Ioc;
      } else if (kind < 18) {
        t.tif = TimeInForce::Fok;
      } else if (kind < 24) {
        t.type = OrderType::Market;
        t.tif = TimeInForce::Ioc;
        t.price = 0;  // protection from the instrument's ticks
      } else if (kind < 30) {
        t.post_only = true;
      } else if (kind < 35) {
        t.min_qty = std::max<Qty>(1, t.qty / 2);
      }
      if (t.tif == TimeInForce::Gtc && t.type == OrderType::Limit) remember(t);
      out.push_back(new_order(t));
    } else if (roll < 90) {  // cancel a recent order (it may have traded away already)
      const Recent& r = pick_recent();
      out.push_back(cancel_order(r.id, r.owner, r.instrument));
    } else {  // modify a recent order: half keep price and shrink, half move price
      const Recent& r = pick_recent();
      const Product& p = market.product(r.instrument);
      const bool keep_price = rng.below(2) == 0;
      const Price price = keep_price ? r.price
                                     : std::clamp(r.price + rng.between(-3, 3) * p.spec.tick,
                                                  p.spec.band_min, p.spec.band_max);
      out.push_back(modify_order(r.id, r.owner, r.instrument, price, size_for(p, rng, 16)));
    }
  }
  return out;
}

}  // namespace swarmex::demo
