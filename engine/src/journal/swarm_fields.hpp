// Private: the durable form of a swarm order, shared by journal records and snapshots.
//   u64 order_id, u32 owner, u8 tif, u8 placement, i64 limit_total, u64 client_order_id,
//   u8 leg_count, then leg_count x (u32 instrument, i64 qty)
#pragma once

#include "byte_io.hpp"
#include "swarmex/engine/command.hpp"
#include "swarmex/engine/swarm_order.hpp"

namespace swarmex::journal::detail {

template <typename Writer>
void put_swarm(Writer& w, const engine::SwarmOrder& s) {
  w.put(s.order_id);
  w.put(s.owner);
  w.put(static_cast<std::uint8_t>(s.tif));
  w.put(static_cast<std::uint8_t>(s.placement));
  w.put(s.limit_total);
  w.put(s.client_order_id);
  const std::uint8_t n = s.leg_count <= engine::kMaxSwarmLegs ? s.leg_count : 0;
  w.put(n);
  for (std::uint8_t i = 0; i < n; ++i) {
    w.put(s.legs[i].instrument);
    w.put(s.legs[i].qty);
  }
}

// False when the leg count is impossible (the engine validates everything else on apply).
inline bool get_swarm(Reader& r, engine::SwarmOrder& s) {
  s = engine::SwarmOrder{};
  s.order_id = r.get<std::uint64_t>();
  s.owner = r.get<std::uint32_t>();
  s.tif = static_cast<engine::TimeInForce>(r.get<std::uint8_t>());
  s.placement = static_cast<engine::Placement>(r.get<std::uint8_t>());
  s.limit_total = r.get<std::int64_t>();
  s.client_order_id = r.get<std::uint64_t>();
  s.leg_count = r.get<std::uint8_t>();
  if (s.leg_count > engine::kMaxSwarmLegs) return false;
  for (std::uint8_t i = 0; i < s.leg_count; ++i) {
    s.legs[i].instrument = r.get<std::uint32_t>();
    s.legs[i].qty = r.get<std::int64_t>();
  }
  return r.ok;
}

// A resale request: u64 order_id, u32 owner, u32 host, u8 tif, i64 price, u64 client_order_id,
// u8 leg_count, then leg_count x (u32 instrument, i64 qty)
template <typename Writer>
void put_resell(Writer& w, const engine::Resell& s) {
  w.put(s.order_id);
  w.put(s.owner);
  w.put(s.host);
  w.put(static_cast<std::uint8_t>(s.tif));
  w.put(s.price);
  w.put(s.client_order_id);
  const std::uint8_t n = s.leg_count <= engine::kMaxSwarmLegs ? s.leg_count : 0;
  w.put(n);
  for (std::uint8_t i = 0; i < n; ++i) {
    w.put(s.legs[i].instrument);
    w.put(s.legs[i].qty);
  }
}

inline bool get_resell(Reader& r, engine::Resell& s) {
  s = engine::Resell{};
  s.order_id = r.get<std::uint64_t>();
  s.owner = r.get<std::uint32_t>();
  s.host = r.get<std::uint32_t>();
  s.tif = static_cast<engine::TimeInForce>(r.get<std::uint8_t>());
  s.price = r.get<std::int64_t>();
  s.client_order_id = r.get<std::uint64_t>();
  s.leg_count = r.get<std::uint8_t>();
  if (s.leg_count > engine::kMaxSwarmLegs) return false;
  for (std::uint8_t i = 0; i < s.leg_count; ++i) {
    s.legs[i].instrument = r.get<std::uint32_t>();
    s.legs[i].qty = r.get<std::int64_t>();
  }
  return r.ok;
}

}  // namespace swarmex::journal::detail
