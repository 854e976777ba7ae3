// Resale of held delivery-window capacity (the partition marketplace): a Resell request becomes one
// limit ask per window, all validated before any is placed, so the request has one outcome.
#include "event_builders.hpp"
#include "swarmex/engine/engine.hpp"

namespace swarmex::engine {

RejectReason Engine::check_resell(const Resell& r) const noexcept {
  if (r.owner == 0) return RejectReason::UnknownCommandOwner;
  if (r.leg_count == 0 || r.leg_count > kMaxSwarmLegs) return RejectReason::InvalidLegs;
  if (r.tif != TimeInForce::Gtc && r.tif != TimeInForce::Ioc)
    return RejectReason::InvalidTimeInForce;
  std::uint32_t resting = 0;
  for (std::uint8_t i = 0; i < r.leg_count; ++i) {
    const SwarmLeg& leg = r.legs[i];
    for (std::uint8_t j = 0; j < i; ++j)
      if (r.legs[j].instrument == leg.instrument) return RejectReason::InvalidLegs;
    const OrderBook* book = book_of(leg.instrument);
    if (book == nullptr) return RejectReason::UnknownInstrument;
    if (book->halted()) return RejectReason::InstrumentHalted;
    if (!book->trading_at(now_ns_)) return RejectReason::WindowNotTrading;
    if (const RejectReason why = check_price_qty(*book, r.price, leg.qty);
        why != RejectReason::None)
      return why;
    // Only window books hold anything; a spot lease is not resold.
    if (book->product() == OrderBook::kNoProduct ||
        holdings_.free(HoldingKey{leg.instrument, r.owner, r.host}) < leg.qty)
      return RejectReason::InsufficientHolding;
    if (index_.find(r.order_id + i) != kNil) return RejectReason::DuplicateOrderId;
    if (r.agent != 0 && !granted(r.owner, *book)) return RejectReason::NotOptedIn;
    ++resting;
  }
  if (r.tif == TimeInForce::Gtc && arena_.live() + resting > arena_.capacity())
    return RejectReason::OrderCapacityExhausted;
  return RejectReason::None;
}

void Engine::on_resell(const Command& cmd, EventBuffer& out) {
  const Resell& r = cmd.resell;
  if (const RejectReason why = check_resell(r); why != RejectReason::None) {
    out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(why)));
    return;
  }
  Event acc = echo(cmd, EventKind::Accepted);
  acc.leaves_qty = acc.qty;
  out.push(acc);
  taker_agent_ = r.agent != 0 ? kByAgent : 0;  // the agent's asks: its fills and cancels say so
  // The stp mode a tenant would not want to break: never trade with its own bids.
  constexpr StpMode kStp = StpMode::CancelNewest;
  for (std::uint8_t i = 0; i < r.leg_count; ++i) {
    const SwarmLeg& leg = r.legs[i];
    OrderBook& book = *book_of(leg.instrument);
    const HoldingKey held{leg.instrument, r.owner, r.host};
    holdings_.debit(held, leg.qty);
    Taker t{r.order_id + i,         r.owner, r.host, Side::Sell, kStp, leg.qty,
            book.level_of(r.price), true,    false};
    const bool stopped = match(book, t, cmd.seq, out);
    if (t.leaves == 0) continue;
    if (stopped || r.tif == TimeInForce::Ioc) {
      Event& c = out.emplace();
      c.seq = cmd.seq;
      c.kind = EventKind::Cancelled;
      c.command = CommandKind::Resell;
      c.reason =
          static_cast<std::uint8_t>(stopped ? CancelReason::SelfTrade : CancelReason::IocRemainder);
      c.side = Side::Sell;
      c.instrument = leg.instrument;
      c.order_id = t.id;
      c.owner = r.owner;
      c.host = r.host;
      c.agent = taker_agent_;
      c.price = r.price;
      c.qty = t.leaves;
      holdings_.credit(held, t.leaves);
      continue;
    }
    rest(book, t, r.price,
         static_cast<std::uint8_t>(static_cast<std::uint8_t>(kStp) | Order::kResale |
                                   (r.agent != 0 ? Order::kAgent : 0)),
         cmd.seq, out);
    if (!swarms_.empty()) reevaluate_swarms(leg.instrument, cmd.seq, out);
  }
}

}  // namespace swarmex::engine
