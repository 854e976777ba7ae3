// The reference book's holdings and resale: a map (book, owner, host) -> units held and not
// offered back; a Resell is validated leg by leg before any leg trades, then each leg sells as a
// cancel-newest taker and rests as a resale ask.
#include "reference_book.hpp"
#include "swarmex/engine/state_hash.hpp"

namespace swarmex::testing {

using namespace swarmex::engine;

Qty ReferenceBook::held(InstrumentId instrument, OwnerId owner, HostId host) const {
  auto it = holdings_.find(HoldingKey{instrument, owner, host});
  return it == holdings_.end() ? 0 : it->second;
}

void ReferenceBook::credit(InstrumentId instrument, OwnerId owner, HostId host, Qty qty) {
  holdings_[HoldingKey{instrument, owner, host}] += qty;  // an emptied holding stays, at 0
}

std::uint64_t ReferenceBook::holdings_hash() const {
  std::uint64_t sum = 0;
  for (const auto& [key, qty] : holdings_) {
    const auto [instrument, owner, host] = key;
    const std::uint64_t who = static_cast<std::uint64_t>(owner) << 32 | host;
    sum += mix64(0x484f4c44ull ^ mix64(who ^ (static_cast<std::uint64_t>(instrument) << 7)) ^
                 static_cast<std::uint64_t>(qty) * 0x9E3779B97F4A7C15ull);
  }
  return sum;
}

RejectReason ReferenceBook::check_resell(const Resell& r) {
  if (r.owner == 0) return RejectReason::UnknownCommandOwner;
  if (r.leg_count == 0 || r.leg_count > kMaxSwarmLegs) return RejectReason::InvalidLegs;
  if (r.tif != TimeInForce::Gtc && r.tif != TimeInForce::Ioc)
    return RejectReason::InvalidTimeInForce;
  for (std::size_t i = 0; i < r.leg_count; ++i) {
    const SwarmLeg& leg = r.legs[i];
    for (std::size_t j = 0; j < i; ++j)
      if (r.legs[j].instrument == leg.instrument) return RejectReason::InvalidLegs;
    const Book* b = find_book(leg.instrument);
    if (b == nullptr) return RejectReason::UnknownInstrument;
    if (b->halted) return RejectReason::InstrumentHalted;
    if (!trading(*b)) return RejectReason::WindowNotTrading;
    if (const RejectReason why = check_price_qty(*b, r.price, leg.qty); why != RejectReason::None)
      return why;
    if (b->product < 0 || held(leg.instrument, r.owner, r.host) < leg.qty)
      return RejectReason::InsufficientHolding;
    Located where;
    if (find_order(r.order_id + i, &where)) return RejectReason::DuplicateOrderId;
  }
  if (r.tif == TimeInForce::Gtc && live_ + r.leg_count > capacity_)
    return RejectReason::OrderCapacityExhausted;
  return RejectReason::None;
}

void ReferenceBook::on_resell(const Command& cmd, EventBuffer& out) {
  const Resell& r = cmd.resell;
  if (const RejectReason why = check_resell(r); why != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, why));
    return;
  }
  Event acc = echo(cmd, EventKind::Accepted);
  acc.leaves_qty = acc.qty;
  out.push(acc);
  for (std::size_t i = 0; i < r.leg_count; ++i) {
    const SwarmLeg& leg = r.legs[i];
    Book& b = *find_book(leg.instrument);
    credit(leg.instrument, r.owner, r.host, -leg.qty);  // offered: no longer free
    Taker t{r.order_id + i,        r.owner, r.host,  Side::Sell,
            StpMode::CancelNewest, leg.qty, r.price, true};
    const bool stopped = match(b, t, out);
    if (t.leaves == 0) continue;
    if (stopped || r.tif == TimeInForce::Ioc) {
      Event c;
      c.seq = seq_;
      c.kind = EventKind::Cancelled;
      c.command = CommandKind::Resell;
      c.reason =
          static_cast<std::uint8_t>(stopped ? CancelReason::SelfTrade : CancelReason::IocRemainder);
      c.side = Side::Sell;
      c.instrument = leg.instrument;
      c.order_id = t.id;
      c.owner = r.owner;
      c.host = r.host;
      c.price = r.price;
      c.qty = t.leaves;
      out.push(c);
      credit(leg.instrument, r.owner, r.host, t.leaves);
      continue;
    }
    rest(b, t, static_cast<std::uint8_t>(static_cast<int>(StpMode::CancelNewest) | kResaleFlag),
         out);
  }
}

}  // namespace swarmex::testing
