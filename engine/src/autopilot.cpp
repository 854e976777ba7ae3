// Autopilot grants: a tenant's AutopilotGrant sets or withdraws what the agent may buy for it;
// every agent order is checked against it in sequence (grants.hpp says what a grant holds).
#include "event_builders.hpp"
#include "swarmex/engine/checked_math.hpp"
#include "swarmex/engine/engine.hpp"

namespace swarmex::engine {

namespace {

// What an order commits: price (per unit per hour) x qty x its lease in hours, rounded up; a
// lease of 0 counts as one hour. False when it does not fit in a Price.
bool cost_of(Price price, Qty qty, std::int64_t lease_ns, Price* cost) noexcept {
  const __int128 ns = lease_ns > 0 ? lease_ns : kHourNs;
  const __int128 c = (static_cast<__int128>(price) * qty * ns + kHourNs - 1) / kHourNs;
  if (c > std::numeric_limits<Price>::max()) return false;
  *cost = static_cast<Price>(c);
  return true;
}

}  // namespace

void Engine::on_autopilot(const Command& cmd, EventBuffer& out) {
  const AutopilotGrant& a = cmd.autopilot;
  const auto refuse = [&](RejectReason why) {
    out.push(echo(cmd, EventKind::Rejected, static_cast<std::uint8_t>(why)));
  };
  if (a.owner == 0) return refuse(RejectReason::UnknownCommandOwner);
  const OrderBook* book = book_of(a.instrument);
  if (book == nullptr) return refuse(RejectReason::UnknownInstrument);
  const GrantKey key{a.owner, book->spec().resource, book->spec().pool};
  if (!a.on) {
    grants_.erase(key);  // withdrawing what is not granted is accepted: the outcome is the same
    out.push(echo(cmd, EventKind::Accepted));
    cancel_agent_orders(a.owner, key.resource, key.pool, cmd.seq, out);
    return;
  }
  if (a.max_price <= 0 || a.budget_per_hour <= 0 || a.window_ns < 0 || a.target_ppm == 0 ||
      a.target_ppm >= 1'000'000)
    return refuse(RejectReason::InvalidParameter);
  if (!grants_.set(key, Grant{a.max_price, a.budget_per_hour, a.window_ns, a.target_ppm}))
    return refuse(RejectReason::OrderCapacityExhausted);
  out.push(echo(cmd, EventKind::Accepted));
}

bool Engine::granted(OwnerId owner, const OrderBook& book) const {
  const InstrumentSpec& s = book.spec();
  const Grant* g = grants_.find(GrantKey{owner, s.resource, s.pool});
  const std::int64_t window_ns = book.product() == OrderBook::kNoProduct ? 0 : s.window.length_ns;
  return g != nullptr && g->window_ns == window_ns;
}

RejectReason Engine::admit_agent_order(const NewOrder& o, const OrderBook& book,
                                       std::int64_t time_ns) {
  const InstrumentSpec& s = book.spec();
  const GrantKey key{o.owner, s.resource, s.pool};
  const Grant* g = grants_.find(key);
  if (!granted(o.owner, book) || o.side != Side::Buy) return RejectReason::NotOptedIn;
  if (o.type != OrderType::Limit || o.price > g->max_price) return RejectReason::OverPrice;
  Price cost;
  // Compared as room left, so no sum can overflow.
  if (!cost_of(o.price, o.qty, s.window.length_ns, &cost) ||
      cost > g->budget_per_hour - Grants::spent_in_hour(*g, time_ns))
    return RejectReason::OverBudget;
  grants_.commit(key, time_ns, cost);
  return RejectReason::None;
}

void Engine::cancel_agent_orders(OwnerId owner, const std::string& resource,
                                 const std::string& pool, Seq seq, EventBuffer& out) {
  for (OrderBook& book : books_) {
    if (book.spec().resource != resource || book.spec().pool != pool) continue;
    for (const Side s : {Side::Buy, Side::Sell}) {  // its bids, and its resale asks (downgrades)
      BookSide& side = book.side(s);
      for (std::int64_t lvl = side.best(); lvl != LevelBitmap::kNone;) {
        const std::int64_t next_level = side.next_worse(lvl);
        bool touched = false;
        for (std::uint32_t o = side.level(static_cast<std::uint32_t>(lvl)).head; o != kNil;) {
          const std::uint32_t next = arena_[o].next;
          if (arena_[o].owner == owner && (arena_[o].flags & Order::kAgent) != 0) {
            cancel_resting(book, o, CancelReason::Requested, seq, out);
            touched = true;
          }
          o = next;
        }
        if (touched) emit_level(book, s, static_cast<std::uint32_t>(lvl), seq, out);
        lvl = next_level;
      }
    }
  }
}

}  // namespace swarmex::engine
