// Private: the durable form of trading modes and breakers, shared by journal records and
// snapshots.
//   SetTradingMode: u32 owner, u32 instrument, u64 request_id, u8 mode, i64 interval_ns
//   SetBreaker:     u32 owner, u32 instrument, u64 request_id, u8 on, i32 max_move_bps,
//                   i64 window_ns, i64 cooloff_ns
//   snapshot section (kAuctionSinceVersion): u32 count, then per instrument u32 id, u8 mode,
//   i64 interval_ns, i64 batch_end_ns, i32 max_move_bps, i64 window_ns, i64 cooloff_ns,
//   i64 reference, i64 reference_ns, u8 breaker_halted, i64 resume_ns, i64 last_price
#pragma once

#include "swarmex/common/little_endian.hpp"
#include "swarmex/engine/command.hpp"
#include "swarmex/engine/snapshot.hpp"

namespace swarmex::journal::detail {

// The snapshot version from which the trading-mode section follows the fees.
inline constexpr std::uint32_t kAuctionSinceVersion = 10;

template <typename Writer>
void put_trading_mode(Writer& w, const engine::SetTradingMode& c) {
  w.put(c.owner);
  w.put(c.instrument);
  w.put(c.request_id);
  w.put(static_cast<std::uint8_t>(c.mode));
  w.put(c.interval_ns);
}

inline bool get_trading_mode(common::le::Reader& r, engine::SetTradingMode& c) {
  c.owner = r.get<std::uint32_t>();
  c.instrument = r.get<std::uint32_t>();
  c.request_id = r.get<std::uint64_t>();
  c.mode = static_cast<engine::TradingMode>(r.get<std::uint8_t>());
  c.interval_ns = r.get<std::int64_t>();
  return r.ok;
}

template <typename Writer>
void put_breaker(Writer& w, const engine::SetBreaker& c) {
  w.put(c.owner);
  w.put(c.instrument);
  w.put(c.request_id);
  w.put(static_cast<std::uint8_t>(c.on ? 1 : 0));
  w.put(c.max_move_bps);
  w.put(c.window_ns);
  w.put(c.cooloff_ns);
}

inline bool get_breaker(common::le::Reader& r, engine::SetBreaker& c) {
  c.owner = r.get<std::uint32_t>();
  c.instrument = r.get<std::uint32_t>();
  c.request_id = r.get<std::uint64_t>();
  const auto on = r.get<std::uint8_t>();
  c.on = on == 1;
  c.max_move_bps = r.get<std::int32_t>();
  c.window_ns = r.get<std::int64_t>();
  c.cooloff_ns = r.get<std::int64_t>();
  return r.ok && on <= 1;
}

template <typename Writer>
void put_auctions(Writer& w, const engine::EngineSnapshot& snap) {
  w.put(static_cast<std::uint32_t>(snap.auctions.size()));
  for (const engine::SnapshotAuction& sa : snap.auctions) {
    const engine::AuctionState& a = sa.state;
    w.put(sa.instrument);
    w.put(static_cast<std::uint8_t>(a.mode));
    w.put(a.interval_ns);
    w.put(a.batch_end_ns);
    w.put(a.max_move_bps);
    w.put(a.window_ns);
    w.put(a.cooloff_ns);
    w.put(a.reference);
    w.put(a.reference_ns);
    w.put(static_cast<std::uint8_t>(a.breaker_halted ? 1 : 0));
    w.put(a.resume_ns);
    w.put(a.last_price);
  }
}

inline bool get_auctions(common::le::Reader& r, std::size_t bytes, engine::EngineSnapshot& snap) {
  const auto n = r.get<std::uint32_t>();
  if (!r.ok || n > bytes / 16) return false;
  for (std::uint32_t i = 0; i < n && r.ok; ++i) {
    engine::SnapshotAuction sa{};
    engine::AuctionState& a = sa.state;
    sa.instrument = r.get<std::uint32_t>();
    a.mode = static_cast<engine::TradingMode>(r.get<std::uint8_t>());
    a.interval_ns = r.get<std::int64_t>();
    a.batch_end_ns = r.get<std::int64_t>();
    a.max_move_bps = r.get<std::int32_t>();
    a.window_ns = r.get<std::int64_t>();
    a.cooloff_ns = r.get<std::int64_t>();
    a.reference = r.get<std::int64_t>();
    a.reference_ns = r.get<std::int64_t>();
    a.breaker_halted = r.get<std::uint8_t>() != 0;
    a.resume_ns = r.get<std::int64_t>();
    a.last_price = r.get<std::int64_t>();
    snap.auctions.push_back(sa);
  }
  return r.ok;
}

}  // namespace swarmex::journal::detail
