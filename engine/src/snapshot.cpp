// Engine state image and its restoration.
#include <algorithm>
#include <stdexcept>

#include "swarmex/engine/checked_math.hpp"
#include "swarmex/engine/engine.hpp"
#include "swarmex/engine/state_hash.hpp"

namespace swarmex::engine {

void Engine::snapshot_parts(EngineSnapshot& out, std::vector<CapturedBook>& captured) const {
  out.last_seq = last_seq_;
  out.state_hash = state_hash();
  out.calendar_ns = calendar_ns_;
  out.products.clear();
  for (const ProductBooks& ps : products_)
    out.products.push_back(ps.product);
  out.instruments.clear();
  out.orders.clear();
  out.swarms.clear();
  for (std::uint32_t i = 0; i < swarms_.size(); ++i)
    out.swarms.push_back(swarms_[i]);
  out.supply.clear();
  for (const auto& [key, group] : supply_)
    out.supply.push_back(
        SnapshotSupply{key.host,
                       resource_names_[key.resource],
                       group.capacity,
                       {group.changes().begin(), group.changes().end()},
                       group.placements(),
                       group.pool < pool_names_.size() ? pool_names_[group.pool] : std::string()});
  out.pricing.clear();
  for (const auto& [key, p] : pricing_)
    out.pricing.push_back(SnapshotPricing{pool_names_[key.pool], resource_names_[key.resource], p});
  out.holdings.clear();
  for (const auto& [key, qty] : holdings_.all())
    out.holdings.push_back(SnapshotHolding{key, qty});
  out.grants.assign(grants_.all().begin(), grants_.all().end());
  out.order_terms.assign(terms_.all().begin(), terms_.all().end());
  snapshot_auctions(out);
  captured.clear();
  for (const OrderBook& book : books_) {
    // The level array goes in only where it is not the band's (SetParams moved one of them).
    const bool own_array =
        book.base_price() != book.spec().band_min || book.top_price() != book.spec().band_max;
    out.instruments.push_back(SnapshotInstrument{book.spec(), book.halted(), book.admin_params(),
                                                 own_array ? book.base_price() : 0,
                                                 own_array ? book.levels() : 0, book.fees()});
    captured.push_back(CapturedBook{book.spec().id, book.base_price(), book.spec().tick});
  }
}

void Engine::snapshot(EngineSnapshot& out) const {
  SnapshotCapture capture;
  snapshot_parts(out, capture.books);
  arena_.copy_all(capture);
  finish_snapshot(out, capture);
}

void Engine::begin_snapshot(EngineSnapshot& out, SnapshotCapture& capture) {
  snapshot_parts(out, capture.books);
  arena_.begin_capture(capture);
}

bool Engine::snapshot_step(std::uint32_t max_slots) noexcept {
  arena_.capture_step(max_slots);
  return !arena_.capturing();
}

void Engine::restore(const EngineSnapshot& snap) {
  if (!books_.empty() || arena_.live() != 0 || last_seq_ != 0)
    throw std::runtime_error("restore needs an empty engine");
  if (snap.orders.size() > arena_.capacity())
    throw std::runtime_error("snapshot holds more orders than the order capacity");
  for (const Product& p : snap.products)
    add_product(p);
  calendar_ns_ = snap.calendar_ns;
  latest_time_ns_ = snap.calendar_ns;
  roll_calendar(0, nullptr);
  for (const SnapshotInstrument& si : snap.instruments) {
    if (product_of(si.spec.id) == nullptr) add_instrument(si.spec);
    OrderBook* book = book_of(si.spec.id);
    if (si.levels != 0) {  // an array SetParams widened: resting orders may lie outside the band
      Price span = 0;
      Price top = 0;
      const bool covers = si.levels <= kMaxBandLevels && si.level_base > 0 &&
                          si.level_base % si.spec.tick == 0 && si.level_base <= si.spec.band_min &&
                          checked_mul(Price{si.levels - 1}, si.spec.tick, &span) &&
                          checked_add(si.level_base, span, &top) && top >= si.spec.band_max;
      if (!covers || book->product() != OrderBook::kNoProduct)
        throw std::runtime_error("snapshot level array of instrument " +
                                 std::to_string(si.spec.id) + " is inconsistent");
      book->set_levels(si.level_base, si.levels, arena_);
    }
    if (si.admin_params) {
      book->set_admin_params(true);
      params_hash_ += params_hash_of(*book);
    }
    if (!si.fees.none()) {
      if (check_fees(si.fees) != RejectReason::None)
        throw std::runtime_error("snapshot fees of instrument " + std::to_string(si.spec.id) +
                                 " are out of range");
      book->set_fees(si.fees);
      fees_hash_ += fees_hash_of(*book);
    }
    if (si.halted) {
      book->set_halted(true);
      halted_hash_ += halted_hash(si.spec.id);
    }
  }
  std::size_t with_terms = 0;
  for (const SnapshotOrder& so : snap.orders) {
    OrderBook* book = book_of(so.instrument);
    if (book == nullptr || so.qty <= 0 || !book->in_array(so.price) || !book->on_tick(so.price) ||
        static_cast<std::uint8_t>(so.side) > 1 || index_.find(so.id) != kNil)
      throw std::runtime_error("snapshot order " + std::to_string(so.id) + " is inconsistent");
    const std::uint32_t idx = arena_.allocate();
    Order& o = arena_[idx];
    o.id = so.id;
    o.qty = so.qty;
    o.priority_seq = so.priority_seq;
    o.owner = so.owner;
    o.host = so.host;
    o.book = book->index();
    o.side = so.side;
    o.flags = so.flags;
    with_terms += (so.flags & Order::kTerms) != 0 ? 1 : 0;
    book->side(so.side).link_tail(arena_, idx, book->level_of(so.price));
    index_.insert(so.id, idx);
    orders_hash_ += hash_of(*book, o);
  }
  for (const auto& [id, terms] : snap.order_terms) {
    const std::uint32_t idx = index_.find(id);
    if (idx == kNil || (arena_[idx].flags & Order::kTerms) == 0 || terms.expire_ns < 0 ||
        terms.display < 0 || terms.hidden < 0 || (terms.display == 0 && terms.hidden != 0) ||
        terms_.find(id) != nullptr)
      throw std::runtime_error("snapshot terms of order " + std::to_string(id) +
                               " are inconsistent");
    terms_.add(id, terms);
  }
  if (with_terms != terms_.size())
    throw std::runtime_error("snapshot orders with terms and their terms differ");
  if (snap.swarms.size() > swarms_.capacity())
    throw std::runtime_error("snapshot holds more swarm orders than the swarm capacity");
  for (const RestingSwarm& r : snap.swarms) {
    bool legs_known = r.order.leg_count >= 1 && r.order.leg_count <= kMaxSwarmLegs;
    for (std::uint8_t i = 0; legs_known && i < r.order.leg_count; ++i)
      legs_known = book_of(r.order.legs[i].instrument) != nullptr;
    if (!legs_known || r.units != swarm_units(r.order) || r.units <= 0 ||
        swarms_.find(r.order.order_id) != SwarmBook::kNotFound ||
        index_.find(r.order.order_id) != kNil)
      throw std::runtime_error("snapshot swarm order " + std::to_string(r.order.order_id) +
                               " is inconsistent");
    swarms_.insert(r);
  }
  for (const SnapshotSupply& s : snap.supply) {
    const std::uint16_t resource = resource_id(s.resource);
    if (resource == 0xFFFF || s.host == 0 || s.capacity < 0)
      throw std::runtime_error("snapshot supply group of host " + std::to_string(s.host) +
                               " is inconsistent");
    SupplyGroup& g = add_group(SupplyKey{s.host, resource});
    g.capacity = s.capacity;
    g.gpu = s.resource == "mig";
    g.set_changes({s.changes.begin(), s.changes.end()});
    for (const MigPlacement& p : s.placements)
      if (!g.gpu || p.profile >= kH100Profiles.size() || p.start >= kMigSlices ||
          p.gpu >= g.capacity)
        throw std::runtime_error("snapshot MIG placement of host " + std::to_string(s.host) +
                                 " is inconsistent");
    g.set_placements(s.placements);
    const auto pool = std::find(pool_names_.begin(), pool_names_.end(), s.pool);
    if (pool != pool_names_.end()) g.pool = static_cast<std::uint16_t>(pool - pool_names_.begin());
  }
  for (const SnapshotPricing& sp : snap.pricing) {
    const auto pool = std::find(pool_names_.begin(), pool_names_.end(), sp.pool);
    const std::uint16_t resource = resource_id(sp.resource);
    if (pool == pool_names_.end() || resource == 0xFFFF)
      throw std::runtime_error("snapshot pricing of pool " + sp.pool + " is inconsistent");
    const PoolKey key{static_cast<std::uint16_t>(pool - pool_names_.begin()), resource};
    for (const auto& [id, base] : sp.pricing.pegged) {
      const std::uint32_t idx = index_.find(id);
      if (idx == kNil || (arena_[idx].flags & Order::kPegged) == 0 ||
          key_of(books_[arena_[idx].book]) != key || base <= 0)
        throw std::runtime_error("snapshot pegged ask " + std::to_string(id) + " is inconsistent");
      pegged_hash_ += peg_hash(id, base);
      ++pegged_count_;
    }
    pricing_[key] = sp.pricing;
  }
  touched_.clear();  // indexing marks groups; a live engine has none marked between commands
  for (const SnapshotHolding& h : snap.holdings) {
    if (product_of(h.key.instrument) == nullptr || h.qty < 0)
      throw std::runtime_error("snapshot holding on instrument " +
                               std::to_string(h.key.instrument) + " is inconsistent");
    holdings_.credit(h.key, h.qty);
  }
  for (const auto& [key, grant] : snap.grants)
    grants_.restore(key, grant);
  restore_auctions(snap);
  last_seq_ = snap.last_seq;
  if (state_hash() != snap.state_hash)
    throw std::runtime_error("restored state hash differs from the snapshot's");
}

}  // namespace swarmex::engine
