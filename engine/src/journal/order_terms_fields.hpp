// The snapshot section of GTD, Day and iceberg terms (snapshot version 10 on): u32 count, then
// per resting order with terms, in id order: id u64, expire_ns i64, display i64, hidden i64,
// day u8.
#pragma once

#include <cstddef>

#include "swarmex/common/little_endian.hpp"
#include "swarmex/engine/snapshot.hpp"

namespace swarmex::journal::detail {

inline void put_order_terms(common::le::VecWriter& w, const engine::EngineSnapshot& snap) {
  w.put(static_cast<std::uint32_t>(snap.order_terms.size()));
  for (const auto& [id, t] : snap.order_terms) {
    w.put(id);
    w.put(t.expire_ns);
    w.put(t.display);
    w.put(t.hidden);
    w.put(static_cast<std::uint8_t>(t.day ? 1 : 0));
  }
}

// False when the section is malformed.
inline bool get_order_terms(common::le::Reader& r, std::size_t image_bytes,
                            engine::EngineSnapshot& snap) {
  const auto n = r.get<std::uint32_t>();
  if (!r.ok || n > image_bytes / 32) return false;
  snap.order_terms.reserve(n);
  for (std::uint32_t i = 0; i < n && r.ok; ++i) {
    const auto id = r.get<std::uint64_t>();
    engine::OrderTerms t;
    t.expire_ns = r.get<std::int64_t>();
    t.display = r.get<std::int64_t>();
    t.hidden = r.get<std::int64_t>();
    const auto day = r.get<std::uint8_t>();
    if (day > 1) return false;
    t.day = day == 1;
    snap.order_terms.emplace_back(id, t);
  }
  return r.ok;
}

}  // namespace swarmex::journal::detail
