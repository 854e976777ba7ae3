// Private: the durable form of a swarm order, shared by journal records and snapshots.
//   u64 order_id, u32 owner, u8 tif, u8 placement, i64 limit_total, u64 client_order_id,
//   u8 leg_count, then leg_count x (u32 instrument, i64 qty)
#pragma once

#include "swarmex/common/little_endian.hpp"
#include "swarmex/engine/command.hpp"
#include "swarmex/engine/swarm_order.hpp"

namespace swarmex::journal::detail {

using common::le::Reader;

// leg_count (0 when impossible), then leg_count x (u32 instrument, i64 qty).
template <typename Writer>
void put_legs(Writer& w, std::uint8_t count, const engine::SwarmLeg* legs) {
  const std::uint8_t n = count <= engine::kMaxSwarmLegs ? count : 0;
  w.put(n);
  for (std::uint8_t i = 0; i < n; ++i) {
    w.put(legs[i].instrument);
    w.put(legs[i].qty);
  }
}

// False when the leg count is impossible.
inline bool get_legs(Reader& r, std::uint8_t* count, engine::SwarmLeg* legs) {
  *count = r.get<std::uint8_t>();
  if (*count > engine::kMaxSwarmLegs) return false;
  for (std::uint8_t i = 0; i < *count; ++i) {
    legs[i].instrument = r.get<std::uint32_t>();
    legs[i].qty = r.get<std::int64_t>();
  }
  return r.ok;
}

template <typename Writer>
void put_swarm(Writer& w, const engine::SwarmOrder& s) {
  w.put(s.order_id);
  w.put(s.owner);
  w.put(static_cast<std::uint8_t>(s.tif));
  w.put(static_cast<std::uint8_t>(s.placement));
  w.put(s.limit_total);
  w.put(s.client_order_id);
  put_legs(w, s.leg_count, s.legs);
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
  return get_legs(r, &s.leg_count, s.legs);
}

// A resale request: u64 order_id, u32 owner, u32 host, u8 tif, i64 price, u64 client_order_id,
// u8 leg_count, then leg_count x (u32 instrument, i64 qty); an agent's: u32 agent last
template <typename Writer>
void put_resell(Writer& w, const engine::Resell& s) {
  w.put(s.order_id);
  w.put(s.owner);
  w.put(s.host);
  w.put(static_cast<std::uint8_t>(s.tif));
  w.put(s.price);
  w.put(s.client_order_id);
  put_legs(w, s.leg_count, s.legs);
  if (s.agent != 0) w.put(s.agent);  // appended only for the agent's: older records match
}

inline bool get_resell(Reader& r, engine::Resell& s) {
  s = engine::Resell{};
  s.order_id = r.get<std::uint64_t>();
  s.owner = r.get<std::uint32_t>();
  s.host = r.get<std::uint32_t>();
  s.tif = static_cast<engine::TimeInForce>(r.get<std::uint8_t>());
  s.price = r.get<std::int64_t>();
  s.client_order_id = r.get<std::uint64_t>();
  if (!get_legs(r, &s.leg_count, s.legs)) return false;
  s.agent = r.p != r.end ? r.get<std::uint32_t>() : 0;
  return r.ok;
}

}  // namespace swarmex::journal::detail
