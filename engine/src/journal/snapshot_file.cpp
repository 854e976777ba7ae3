#include "swarmex/journal/snapshot_file.hpp"

#include <cstdio>
#include <cstring>

#include "auction_fields.hpp"
#include "order_terms_fields.hpp"
#include "swarm_fields.hpp"
#include "swarmex/common/little_endian.hpp"
#include "swarmex/journal/record.hpp"

namespace swarmex::journal {
namespace {
// 2 added resting swarm orders after the orders; 3 the calendar time and scheduled products
// after those; 4 the resale holdings last; 5 the supply groups after them; 6 per instrument,
// after its spec, whether SetParams set its parameters and its level array (base, levels; 0 0:
// the band's); 7 the attachment (u32 length, bytes: the gateway's stream ledger); 8 the
// autopilot grants last; 9 each supply group's pool (in supply order), the pool pricing and the
// instruments' fees (id, maker, taker where set) last; 10 the GTD, Day and iceberg terms of
// resting orders (order_terms_fields.hpp), then the trading modes and breakers (auction_fields.hpp:
// detail::kAuctionSinceVersion) last; 11 the same layout, its attachment the stream ledger's
// format 2 (with each principal's recently ended client order ids: the dedup horizon), which a
// version 10 reader would not decode. Older images (none of these) still load.
constexpr std::uint32_t kSnapshotVersion = 11;
// The version that added the order terms section.
constexpr std::uint32_t kOrderTypesSinceVersion = 10;

void put_spec(common::le::VecWriter& w, const engine::InstrumentSpec& s) {
  w.put_string(s.symbol);
  w.put_string(s.resource);
  w.put_string(s.pool);
  w.put(static_cast<std::uint8_t>(s.window.spot));
  w.put(s.window.start_ns);
  w.put(s.window.length_ns);
  w.put(s.tick);
  w.put(s.lot);
  w.put(s.min_qty);
  w.put(s.max_qty);
  w.put(s.band_min);
  w.put(s.band_max);
  w.put(s.market_protection_ticks);
}

void get_spec(common::le::Reader& r, engine::InstrumentSpec& s) {
  s.symbol = r.get_string();
  s.resource = r.get_string();
  s.pool = r.get_string();
  s.window.spot = r.get<std::uint8_t>() != 0;
  s.window.start_ns = r.get<std::int64_t>();
  s.window.length_ns = r.get<std::int64_t>();
  s.tick = r.get<std::int64_t>();
  s.lot = r.get<std::int64_t>();
  s.min_qty = r.get<std::int64_t>();
  s.max_qty = r.get<std::int64_t>();
  s.band_min = r.get<std::int64_t>();
  s.band_max = r.get<std::int64_t>();
  s.market_protection_ticks = r.get<std::int64_t>();
}

}  // namespace

std::string snapshot_name(engine::Seq seq) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s%020llu.snap", kSnapshotPrefix,
                static_cast<unsigned long long>(seq));
  return buf;
}

std::vector<std::uint8_t> encode_snapshot(const engine::EngineSnapshot& snap) {
  std::vector<std::uint8_t> out;
  out.reserve(64 + snap.instruments.size() * 128 + snap.orders.size() * 52);
  common::le::VecWriter w{out};
  for (const char c : {'S', 'W', 'X', 'S'})
    w.put(static_cast<std::uint8_t>(c));
  w.put(kSnapshotVersion);
  w.put(snap.last_seq);
  w.put(snap.state_hash);
  w.put(static_cast<std::uint32_t>(snap.instruments.size()));
  for (const auto& i : snap.instruments) {
    const engine::InstrumentSpec& s = i.spec;
    w.put(s.id);
    w.put(static_cast<std::uint8_t>(i.halted));
    put_spec(w, s);
    w.put(static_cast<std::uint8_t>(i.admin_params));
    w.put(i.level_base);
    w.put(i.levels);
  }
  w.put(static_cast<std::uint64_t>(snap.orders.size()));
  for (const auto& o : snap.orders) {
    w.put(o.id);
    w.put(o.instrument);
    w.put(static_cast<std::uint8_t>(o.side));
    w.put(o.flags);
    w.put(o.owner);
    w.put(o.host);
    w.put(o.price);
    w.put(o.qty);
    w.put(o.priority_seq);
  }
  w.put(static_cast<std::uint32_t>(snap.swarms.size()));
  for (const auto& sw : snap.swarms) {
    detail::put_swarm(w, sw.order);
    w.put(sw.units);
    w.put(sw.priority_seq);
  }
  w.put(snap.calendar_ns);
  w.put(static_cast<std::uint32_t>(snap.products.size()));
  for (const auto& p : snap.products) {
    w.put(p.rules.id);
    put_spec(w, p.rules);
    w.put(p.length_ns);
    w.put(p.listed_ahead_ns);
    w.put(p.gate_closure_ns);
  }
  w.put(static_cast<std::uint32_t>(snap.holdings.size()));
  for (const auto& h : snap.holdings) {
    w.put(h.key.instrument);
    w.put(h.key.owner);
    w.put(h.key.host);
    w.put(h.qty);
  }
  w.put(static_cast<std::uint32_t>(snap.supply.size()));
  for (const auto& s : snap.supply) {
    w.put(s.host);
    w.put_string(s.resource);
    w.put(s.capacity);
    w.put(static_cast<std::uint32_t>(s.changes.size()));
    for (const auto& [at, d] : s.changes) {
      w.put(at);
      w.put(d);
    }
    w.put(static_cast<std::uint32_t>(s.placements.size()));
    for (const auto& p : s.placements) {
      w.put(p.gpu);
      w.put(p.profile);
      w.put(p.start);
      w.put(p.from_ns);
      w.put(p.to_ns);
    }
  }
  w.put(static_cast<std::uint32_t>(snap.attachment.size()));
  out.insert(out.end(), snap.attachment.begin(), snap.attachment.end());
  w.put(static_cast<std::uint32_t>(snap.grants.size()));
  for (const auto& [key, g] : snap.grants) {
    w.put(key.owner);
    w.put_string(key.resource);
    w.put_string(key.pool);
    w.put(g.max_price);
    w.put(g.budget_per_hour);
    w.put(g.window_ns);
    w.put(g.target_ppm);
    w.put(g.hour);
    w.put(g.committed);
  }
  for (const auto& s : snap.supply)
    w.put_string(s.pool);
  w.put(static_cast<std::uint32_t>(snap.pricing.size()));
  for (const auto& sp : snap.pricing) {
    const engine::PoolPricing& p = sp.pricing;
    w.put_string(sp.pool);
    w.put_string(sp.resource);
    w.put(static_cast<std::uint8_t>(p.has_policy ? 1 : 0));
    w.put(p.policy.points);
    for (std::size_t i = 0; i < p.policy.points && i < engine::kMaxCurvePoints; ++i) {
      w.put(p.policy.curve[i].utilisation_ppm);
      w.put(p.policy.curve[i].multiplier_ppm);
    }
    w.put(p.policy.target_ppm);
    w.put(p.policy.idle_after_ns);
    w.put(p.policy.cut_ppm);
    w.put(p.policy.valid_ns);
    w.put(p.below_since_ns);
    w.put(p.incentive_until_ns);
    w.put(static_cast<std::uint32_t>(p.pegged.size()));
    for (const auto& [id, base] : p.pegged) {
      w.put(id);
      w.put(base);
    }
  }
  std::uint32_t with_fees = 0;
  for (const auto& i : snap.instruments)
    with_fees += i.fees.none() ? 0 : 1;
  w.put(with_fees);
  for (const auto& i : snap.instruments)
    if (!i.fees.none()) {
      w.put(i.spec.id);
      w.put(i.fees.maker_bps);
      w.put(i.fees.taker_bps);
    }
  detail::put_order_terms(w, snap);
  detail::put_auctions(w, snap);
  w.put(crc32c(out.data(), out.size()));
  return out;
}

std::optional<engine::EngineSnapshot> decode_snapshot(const std::vector<std::uint8_t>& bytes) {
  if (bytes.size() < 12 || std::memcmp(bytes.data(), "SWXS", 4) != 0) return std::nullopt;
  common::le::Reader tail{bytes.data() + bytes.size() - 4, bytes.data() + bytes.size()};
  if (crc32c(bytes.data(), bytes.size() - 4) != tail.get<std::uint32_t>()) return std::nullopt;
  common::le::Reader r{bytes.data() + 4, bytes.data() + bytes.size() - 4};
  const auto version = r.get<std::uint32_t>();
  if (version < 1 || version > kSnapshotVersion) return std::nullopt;
  engine::EngineSnapshot snap;
  snap.last_seq = r.get<std::uint64_t>();
  snap.state_hash = r.get<std::uint64_t>();
  const auto n_instruments = r.get<std::uint32_t>();
  for (std::uint32_t k = 0; k < n_instruments && r.ok; ++k) {
    engine::SnapshotInstrument i;
    engine::InstrumentSpec& s = i.spec;
    s.id = r.get<std::uint32_t>();
    i.halted = r.get<std::uint8_t>() != 0;
    get_spec(r, s);
    if (version >= 6) {
      i.admin_params = r.get<std::uint8_t>() != 0;
      i.level_base = r.get<std::int64_t>();
      i.levels = r.get<std::uint32_t>();
    }
    snap.instruments.push_back(std::move(i));
  }
  const auto n_orders = r.get<std::uint64_t>();
  if (!r.ok || n_orders > bytes.size() / 8) return std::nullopt;
  snap.orders.reserve(n_orders);
  for (std::uint64_t k = 0; k < n_orders && r.ok; ++k) {
    engine::SnapshotOrder o{};
    o.id = r.get<std::uint64_t>();
    o.instrument = r.get<std::uint32_t>();
    o.side = static_cast<engine::Side>(r.get<std::uint8_t>());
    o.flags = r.get<std::uint8_t>();
    o.owner = r.get<std::uint32_t>();
    o.host = r.get<std::uint32_t>();
    o.price = r.get<std::int64_t>();
    o.qty = r.get<std::int64_t>();
    o.priority_seq = r.get<std::uint64_t>();
    snap.orders.push_back(o);
  }
  if (version >= 2) {
    const auto n_swarms = r.get<std::uint32_t>();
    if (!r.ok || n_swarms > bytes.size() / 8) return std::nullopt;
    for (std::uint32_t k = 0; k < n_swarms && r.ok; ++k) {
      engine::RestingSwarm sw{};
      if (!detail::get_swarm(r, sw.order)) return std::nullopt;
      sw.units = r.get<std::int64_t>();
      sw.priority_seq = r.get<std::uint64_t>();
      snap.swarms.push_back(sw);
    }
  }
  if (version >= 3) {
    snap.calendar_ns = r.get<std::int64_t>();
    const auto n_products = r.get<std::uint32_t>();
    if (!r.ok || n_products > bytes.size() / 8) return std::nullopt;
    for (std::uint32_t k = 0; k < n_products && r.ok; ++k) {
      engine::Product p;
      p.rules.id = r.get<std::uint32_t>();
      get_spec(r, p.rules);
      p.length_ns = r.get<std::int64_t>();
      p.listed_ahead_ns = r.get<std::int64_t>();
      p.gate_closure_ns = r.get<std::int64_t>();
      snap.products.push_back(std::move(p));
    }
  }
  if (version >= 4) {
    const auto n_holdings = r.get<std::uint32_t>();
    if (!r.ok || n_holdings > bytes.size() / 8) return std::nullopt;
    for (std::uint32_t k = 0; k < n_holdings && r.ok; ++k) {
      engine::SnapshotHolding h{};
      h.key.instrument = r.get<std::uint32_t>();
      h.key.owner = r.get<std::uint32_t>();
      h.key.host = r.get<std::uint32_t>();
      h.qty = r.get<std::int64_t>();
      snap.holdings.push_back(h);
    }
  }
  if (version >= 5) {
    const auto n_groups = r.get<std::uint32_t>();
    if (!r.ok || n_groups > bytes.size() / 8) return std::nullopt;
    for (std::uint32_t k = 0; k < n_groups && r.ok; ++k) {
      engine::SnapshotSupply s;
      s.host = r.get<std::uint32_t>();
      s.resource = r.get_string();
      s.capacity = r.get<std::int64_t>();
      const auto n_changes = r.get<std::uint32_t>();
      if (!r.ok || n_changes > bytes.size() / 16) return std::nullopt;
      for (std::uint32_t j = 0; j < n_changes && r.ok; ++j) {
        const auto at = r.get<std::int64_t>();
        s.changes.emplace_back(at, r.get<std::int64_t>());
      }
      const auto n_placements = r.get<std::uint32_t>();
      if (!r.ok || n_placements > bytes.size() / 16) return std::nullopt;
      for (std::uint32_t j = 0; j < n_placements && r.ok; ++j) {
        engine::MigPlacement p{};
        p.gpu = r.get<std::uint32_t>();
        p.profile = r.get<std::uint8_t>();
        p.start = r.get<std::uint8_t>();
        p.from_ns = r.get<std::int64_t>();
        p.to_ns = r.get<std::int64_t>();
        s.placements.push_back(p);
      }
      snap.supply.push_back(std::move(s));
    }
  }
  if (version >= 7) {
    const auto n = r.get<std::uint32_t>();
    if (!r.ok || static_cast<std::size_t>(r.end - r.p) < n) return std::nullopt;
    snap.attachment.assign(r.p, r.p + n);
    r.p += n;
  }
  if (version >= 8) {
    const auto n = r.get<std::uint32_t>();
    for (std::uint32_t i = 0; i < n && r.ok; ++i) {
      engine::GrantKey key;
      engine::Grant g;
      key.owner = r.get<engine::OwnerId>();
      key.resource = r.get_string();
      key.pool = r.get_string();
      g.max_price = r.get<engine::Price>();
      g.budget_per_hour = r.get<engine::Price>();
      g.window_ns = r.get<std::int64_t>();
      g.target_ppm = r.get<std::uint32_t>();
      g.hour = r.get<std::int64_t>();
      g.committed = r.get<engine::Price>();
      snap.grants.emplace_back(std::move(key), g);
    }
  }
  if (version >= 9) {
    for (auto& s : snap.supply)
      s.pool = r.get_string();
    const auto n = r.get<std::uint32_t>();
    if (!r.ok || n > bytes.size() / 8) return std::nullopt;
    for (std::uint32_t i = 0; i < n && r.ok; ++i) {
      engine::SnapshotPricing sp;
      engine::PoolPricing& p = sp.pricing;
      sp.pool = r.get_string();
      sp.resource = r.get_string();
      p.has_policy = r.get<std::uint8_t>() != 0;
      p.policy.points = r.get<std::uint8_t>();
      if (p.policy.points > engine::kMaxCurvePoints) return std::nullopt;
      for (std::size_t k = 0; k < p.policy.points; ++k) {
        p.policy.curve[k].utilisation_ppm = r.get<std::uint32_t>();
        p.policy.curve[k].multiplier_ppm = r.get<std::uint32_t>();
      }
      p.policy.target_ppm = r.get<std::uint32_t>();
      p.policy.idle_after_ns = r.get<std::int64_t>();
      p.policy.cut_ppm = r.get<std::uint32_t>();
      p.policy.valid_ns = r.get<std::int64_t>();
      p.below_since_ns = r.get<std::int64_t>();
      p.incentive_until_ns = r.get<std::int64_t>();
      const auto pegs = r.get<std::uint32_t>();
      if (!r.ok || pegs > bytes.size() / 16) return std::nullopt;
      for (std::uint32_t k = 0; k < pegs && r.ok; ++k) {
        const auto id = r.get<std::uint64_t>();
        p.pegged.emplace(id, r.get<std::int64_t>());
      }
      snap.pricing.push_back(std::move(sp));
    }
    const auto fees = r.get<std::uint32_t>();
    for (std::uint32_t i = 0; i < fees && r.ok; ++i) {
      const auto id = r.get<std::uint32_t>();
      const engine::FeeSchedule f{r.get<std::int32_t>(), r.get<std::int32_t>()};
      bool found = false;
      for (auto& inst : snap.instruments)
        if (inst.spec.id == id) {
          inst.fees = f;
          found = true;
        }
      if (!found) return std::nullopt;
    }
  }
  if (version >= kOrderTypesSinceVersion && !detail::get_order_terms(r, bytes.size(), snap))
    return std::nullopt;
  if (version >= detail::kAuctionSinceVersion && !detail::get_auctions(r, bytes.size(), snap))
    return std::nullopt;
  if (!r.ok || r.p != r.end) return std::nullopt;
  return snap;
}

int write_snapshot(JournalFiles& files, const engine::EngineSnapshot& snap) {
  return files.write_atomic(snapshot_name(snap.last_seq), encode_snapshot(snap));
}

}  // namespace swarmex::journal
