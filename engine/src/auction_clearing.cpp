// One batch auction (docs/auctions.md): the uniform clearing price, the allocation (price
// priority, then pro rata in lots at the margin), supply groups, the fills at that price, the
// curves announced, the IOC orders that joined it cancelled.
#include <algorithm>
#include <limits>

#include "swarmex/engine/engine.hpp"
#include "swarmex/engine/state_hash.hpp"

namespace swarmex::engine {
namespace {

__int128 abs128(__int128 v) noexcept {
  return v < 0 ? -v : v;
}

std::int64_t floor_div(__int128 a, std::int64_t b) noexcept {
  __int128 q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) --q;
  return static_cast<std::int64_t>(q);
}

Qty clamp_qty(__int128 v) noexcept {
  constexpr auto kMax = std::numeric_limits<Qty>::max();
  return v > kMax ? kMax : v < -kMax ? -kMax : static_cast<Qty>(v);
}

}  // namespace

Clearing clear_batch(std::span<const AuctionLevel> levels, Price base_price, Price tick,
                     Price reference) noexcept {
  Clearing best;
  __int128 best_imbalance = 0;
  __int128 best_distance = 0;
  __int128 total_bids = 0;
  for (const AuctionLevel& l : levels)
    total_bids += l.bids;
  const std::int64_t ref_level = floor_div(static_cast<__int128>(reference) - base_price, tick);
  // Every level of [lo, hi] has the same demand and supply: the one nearest the reference.
  const auto consider = [&](std::int64_t lo, std::int64_t hi, __int128 demand, __int128 supply) {
    const __int128 volume = std::min(demand, supply);
    if (volume <= 0) return;
    const std::int64_t a = std::clamp(ref_level, lo, hi);
    const std::int64_t b = std::clamp(ref_level + 1, lo, hi);
    const auto distance = [&](std::int64_t lvl) {
      return abs128(static_cast<__int128>(base_price) + static_cast<__int128>(lvl) * tick -
                    reference);
    };
    const std::int64_t level = distance(b) < distance(a) ? b : a;  // a <= b: ties go lower
    const __int128 imbalance = abs128(demand - supply);
    const __int128 dist = distance(level);
    const bool better =
        best.volume == 0 || volume > best.volume ||
        (volume == best.volume &&
         (imbalance < best_imbalance ||
          (imbalance == best_imbalance &&
           (dist < best_distance || (dist == best_distance && level < best.level)))));
    if (!better) return;
    best = Clearing{level, volume, demand, supply};
    best_imbalance = imbalance;
    best_distance = dist;
  };
  __int128 bids_below = 0;
  __int128 asks_upto = 0;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    asks_upto += levels[i].asks;
    consider(levels[i].level, levels[i].level, total_bids - bids_below, asks_upto);
    bids_below += levels[i].bids;
    if (i + 1 < levels.size() && levels[i + 1].level > levels[i].level + 1)
      consider(levels[i].level + 1, levels[i + 1].level - 1, total_bids - bids_below, asks_upto);
  }
  return best;
}

void pro_rata(std::span<const Qty> qtys, std::span<const OrderId> ids, Qty units,
              std::vector<Qty>* out) {
  __int128 total = 0;
  for (const Qty q : qtys)
    total += q;
  out->assign(qtys.size(), 0);
  if (total <= 0) return;
  std::vector<std::pair<__int128, std::size_t>> rest;  // remainder, index
  Qty given = 0;
  for (std::size_t i = 0; i < qtys.size(); ++i) {
    const __int128 share = static_cast<__int128>(units) * qtys[i];
    (*out)[i] = static_cast<Qty>(share / total);
    given += (*out)[i];
    rest.emplace_back(share % total, i);
  }
  std::sort(rest.begin(), rest.end(), [&](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : ids[x.second] < ids[y.second];
  });
  for (std::size_t k = 0; given < units && k < rest.size(); ++k, ++given)
    ++(*out)[rest[k].second];
}

void Engine::gather_auction_levels(const OrderBook& book) {
  auction_levels_.clear();
  const BookSide& bids = book.side(Side::Buy);
  const BookSide& asks = book.side(Side::Sell);
  if (bids.empty() || asks.empty() || bids.best() < asks.best()) return;  // nothing crosses
  const std::int64_t lo = asks.best();
  const std::int64_t hi = bids.best();
  for (std::int64_t l = asks.best(); l != LevelBitmap::kNone && l <= hi; l = asks.next_worse(l))
    auction_levels_.push_back(AuctionLevel{l, 0, asks.level(static_cast<std::uint32_t>(l)).total});
  const std::size_t ask_count = auction_levels_.size();
  for (std::int64_t l = bids.best(); l != LevelBitmap::kNone && l >= lo; l = bids.next_worse(l))
    auction_levels_.push_back(AuctionLevel{l, bids.level(static_cast<std::uint32_t>(l)).total, 0});
  std::reverse(auction_levels_.begin() + static_cast<std::ptrdiff_t>(ask_count),
               auction_levels_.end());
  std::inplace_merge(
      auction_levels_.begin(), auction_levels_.begin() + static_cast<std::ptrdiff_t>(ask_count),
      auction_levels_.end(),
      [](const AuctionLevel& x, const AuctionLevel& y) { return x.level < y.level; });
  std::size_t w = 0;  // one entry per level
  for (std::size_t r = 0; r < auction_levels_.size(); ++r) {
    if (w > 0 && auction_levels_[w - 1].level == auction_levels_[r].level) {
      auction_levels_[w - 1].bids += auction_levels_[r].bids;
      auction_levels_[w - 1].asks += auction_levels_[r].asks;
    } else {
      auction_levels_[w++] = auction_levels_[r];
    }
  }
  auction_levels_.resize(w);
}

void Engine::allocate_side(const OrderBook& book, Side s, std::int64_t level, Qty volume,
                           std::vector<AuctionAlloc>& out) {
  out.clear();
  const BookSide& side = book.side(s);
  Qty left = volume;
  for (std::int64_t l = side.best();
       l != LevelBitmap::kNone && left > 0 && (s == Side::Buy ? l >= level : l <= level);
       l = side.next_worse(l)) {
    const Level& lv = side.level(static_cast<std::uint32_t>(l));
    if (lv.total <= left) {  // priced better than the margin, or the margin fits whole
      for (std::uint32_t o = lv.head; o != kNil; o = arena_[o].next)
        out.push_back(AuctionAlloc{o, arena_[o].qty});
      left -= lv.total;
      continue;
    }
    // The marginal level: pro rata over its orders' quantities, in lots (no time priority).
    const Qty lot = book.spec().lot;
    bool in_lots = left % lot == 0;
    std::vector<Qty> qtys;
    std::vector<OrderId> ids;
    std::vector<std::uint32_t> idx;
    for (std::uint32_t o = lv.head; o != kNil; o = arena_[o].next) {
      in_lots = in_lots && arena_[o].qty % lot == 0;
      qtys.push_back(arena_[o].qty);
      ids.push_back(arena_[o].id);
      idx.push_back(o);
    }
    const Qty unit = in_lots ? lot : 1;
    for (Qty& q : qtys)
      q /= unit;
    std::vector<Qty> shares;
    pro_rata(qtys, ids, left / unit, &shares);
    for (std::size_t i = 0; i < idx.size(); ++i)
      if (shares[i] > 0) out.push_back(AuctionAlloc{idx[i], shares[i] * unit});
    left = 0;
  }
}

bool Engine::trim_auction_supply(OrderBook& book, Seq seq, EventBuffer& out) {
  if (supply_.empty()) return false;
  const Lease lease = lease_of(book);
  std::vector<std::pair<SupplyGroup*, Qty>> taken;  // what this batch already gives per group
  bool trimmed = false;
  for (const AuctionAlloc& a : auction_asks_) {
    Order& m = arena_[a.order];
    SupplyGroup* g = seller_group(book, m.host, (m.flags & Order::kResale) != 0);
    if (g == nullptr) continue;
    auto it = std::find_if(taken.begin(), taken.end(), [&](const auto& t) { return t.first == g; });
    if (it == taken.end()) it = taken.insert(taken.end(), {g, 0});
    const Qty room = room_in(book, *g, lease) - it->second;
    if (a.qty <= room) {
      it->second += a.qty;
      continue;
    }
    trimmed = true;
    const std::uint32_t level = m.level;
    auction_touched_.emplace_back(Side::Sell, level);
    if (room <= 0) {
      cancel_resting(book, a.order, CancelReason::SupplyExhausted, seq, out);
      continue;
    }
    it->second += room;
    orders_hash_ -= hash_of(book, m);
    book.side(Side::Sell).level(level).total -= m.qty - room;
    m.qty = room;
    orders_hash_ += hash_of(book, m);
    out.entry() = Event{.seq = seq,
                        .kind = EventKind::Modified,
                        .command = current_command_,
                        .reason = static_cast<std::uint8_t>(CancelReason::SupplyExhausted),
                        .side = Side::Sell,
                        .instrument = book.spec().id,
                        .order_id = m.id,
                        .owner = m.owner,
                        .host = m.host,
                        .price = book.price_of(level),
                        .qty = room,
                        .leaves_qty = room};
  }
  return trimmed;
}

void Engine::auction_fill(OrderBook& book, std::uint32_t bid, std::uint32_t ask, Qty q, Price price,
                          Seq seq, EventBuffer& out) {
  Order& b = arena_[bid];
  Order& s = arena_[ask];
  const Lease lease = lease_of(book);
  const SupplyGroup* placed_in = nullptr;
  std::size_t placed_from = 0;
  if (!supply_.empty())
    if (SupplyGroup* g = seller_group(book, s.host, (s.flags & Order::kResale) != 0)) {
      if (g->gpu) {
        placed_in = g;
        placed_from = g->placements().size();
      }
      sell_in(book, *g, lease, q);
      touch(g);
    }
  Event fill{
      .seq = seq,
      .kind = EventKind::Fill,
      .command = current_command_,
      .side = Side::Buy,  // an auction has no aggressor: the buyer is named first
      .instrument = book.spec().id,
      .order_id = b.id,
      .maker_order_id = s.id,
      .owner = b.owner,
      .maker_owner = s.owner,
      .host = s.host,
      .agent = static_cast<std::uint8_t>(((b.flags & Order::kAgent) != 0 ? kByAgent : 0) |
                                         ((s.flags & Order::kAgent) != 0 ? kMakerByAgent : 0)),
      .price = price,
      .qty = q,
      .leaves_qty = b.qty - q,
      .maker_leaves_qty = s.qty - q,
      .lease_start_ns = lease.from_ns,
      .lease_end_ns = lease.to_ns};
  if (!book.fees().none()) {  // both sides made the batch: each pays the maker fee
    const std::int64_t value = fill_value(price, q, lease.to_ns - lease.from_ns);
    fill.taker_fee = fee_of(value, book.fees().maker_bps);
    fill.maker_fee = fill.taker_fee;
  }
  if (placed_in == nullptr)
    out.entry() = fill;
  else
    emit_instances(book, fill, *placed_in, placed_from, out);
  credit_buyer(book, b.owner, s.host, q);
  for (const std::uint32_t idx : {bid, ask}) {
    Order& o = arena_[idx];
    auction_touched_.emplace_back(o.side, o.level);
    if (o.qty == q) {
      remove_order(book, idx);
      continue;
    }
    orders_hash_ -= hash_of(book, o);
    o.qty -= q;
    book.side(o.side).level(o.level).total -= q;
    orders_hash_ += hash_of(book, o);
  }
}

void Engine::emit_auction_curves(const OrderBook& book, const Clearing& c, const AuctionState& a,
                                 Seq seq, EventBuffer& out) {
  // The levels of the crossing range and the clearing level: up to kAuctionCurveSide at or
  // below the price, as many above, nearest first.
  std::vector<std::int64_t> points;
  for (const AuctionLevel& l : auction_levels_)
    points.push_back(l.level);
  if (!std::binary_search(points.begin(), points.end(), c.level))
    points.insert(std::upper_bound(points.begin(), points.end(), c.level), c.level);
  const auto at = std::find(points.begin(), points.end(), c.level) - points.begin();
  const std::ptrdiff_t side = kAuctionCurveSide;
  const auto first = std::max<std::ptrdiff_t>(0, at + 1 - side);
  const auto last =
      std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(points.size()), at + 1 + side);
  for (std::ptrdiff_t i = first; i < last; ++i) {
    __int128 demand = 0;
    __int128 supply = 0;
    for (const AuctionLevel& l : auction_levels_) {
      if (l.level >= points[i]) demand += l.bids;
      if (l.level <= points[i]) supply += l.asks;
    }
    out.entry() = Event{.seq = seq,
                        .kind = EventKind::AuctionResult,
                        .command = current_command_,
                        .reason = static_cast<std::uint8_t>(AuctionPart::CurvePoint),
                        .instrument = book.spec().id,
                        .price = book.price_of(points[i]),
                        .qty = clamp_qty(demand),
                        .leaves_qty = clamp_qty(supply)};
  }
  out.entry() = Event{
      .seq = seq,
      .kind = EventKind::AuctionResult,
      .command = current_command_,
      .reason = static_cast<std::uint8_t>(AuctionPart::Result),
      .side = c.demand >= c.supply ? Side::Buy : Side::Sell,
      .instrument = book.spec().id,
      .price = book.price_of(c.level),
      .qty = clamp_qty(c.volume),
      .leaves_qty = clamp_qty(c.demand - c.supply),
      .maker_leaves_qty = last - first,
      .lease_end_ns = a.mode == TradingMode::Batch ? next_batch_end_ns(now_ns_, a.interval_ns) : 0};
}

void Engine::auction(OrderBook& book, AuctionState& a, Seq seq, EventBuffer& out) {
  auction_touched_.clear();
  const InstrumentSpec& spec = book.spec();
  // The tie-break reference: the last trade, else the band's midpoint (rounded down).
  const Price reference =
      a.last_price != 0 ? a.last_price : spec.band_min + (spec.band_max - spec.band_min) / 2;
  Clearing c;
  for (;;) {  // asks whose supply group cannot deliver their share are trimmed, then again
    gather_auction_levels(book);
    c = clear_batch(auction_levels_, book.base_price(), spec.tick, reference);
    if (c.volume <= 0) break;
    const Qty volume = clamp_qty(c.volume);
    allocate_side(book, Side::Buy, c.level, volume, auction_bids_);
    allocate_side(book, Side::Sell, c.level, volume, auction_asks_);
    if (!trim_auction_supply(book, seq, out)) break;
  }
  if (c.volume > 0) {
    const Price price = book.price_of(c.level);
    emit_auction_curves(book, c, a, seq, out);
    std::size_t i = 0;
    std::size_t j = 0;
    Qty bid_left = auction_bids_.empty() ? 0 : auction_bids_[0].qty;
    Qty ask_left = auction_asks_.empty() ? 0 : auction_asks_[0].qty;
    while (i < auction_bids_.size() && j < auction_asks_.size()) {
      const Qty q = std::min(bid_left, ask_left);
      auction_fill(book, auction_bids_[i].order, auction_asks_[j].order, q, price, seq, out);
      bid_left -= q;
      ask_left -= q;
      if (bid_left == 0 && ++i < auction_bids_.size()) bid_left = auction_bids_[i].qty;
      if (ask_left == 0 && ++j < auction_asks_.size()) ask_left = auction_asks_[j].qty;
    }
    a.last_price = price;
    if (a.max_move_bps != 0) {  // the auction's price opens the breaker's next window
      a.reference = price;
      a.reference_ns = now_ns_;
    }
  }
  // IOC and market orders joined this batch only.
  for (const Side s : {Side::Buy, Side::Sell}) {
    BookSide& side = book.side(s);
    for (std::int64_t l = side.best(); l != LevelBitmap::kNone;) {
      const std::int64_t next_level = side.next_worse(l);
      for (std::uint32_t o = side.level(static_cast<std::uint32_t>(l)).head; o != kNil;) {
        const std::uint32_t next = arena_[o].next;
        if ((arena_[o].flags & Order::kBatchIoc) != 0) {
          auction_touched_.emplace_back(s, static_cast<std::uint32_t>(l));
          cancel_resting(book, o, CancelReason::IocRemainder, seq, out);
        }
        o = next;
      }
      l = next_level;
    }
  }
  // One BookLevel per level touched: bids best first, then asks best first.
  std::sort(auction_touched_.begin(), auction_touched_.end(), [](const auto& x, const auto& y) {
    if (x.first != y.first) return x.first == Side::Buy;
    return x.first == Side::Buy ? x.second > y.second : x.second < y.second;
  });
  auction_touched_.erase(std::unique(auction_touched_.begin(), auction_touched_.end()),
                         auction_touched_.end());
  for (const auto& [s, level] : auction_touched_)
    emit_level(book, s, level, seq, out);
}

}  // namespace swarmex::engine
