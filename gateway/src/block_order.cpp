#include "swarmex/gateway/block_order.hpp"

namespace swarmex::gateway {

using engine::RejectReason;

const engine::Product* find_product(const std::vector<engine::Product>& products,
                                    std::string_view resource, std::string_view pool,
                                    std::int64_t length_ns) {
  const engine::Product* found = nullptr;
  for (const engine::Product& p : products) {
    if (p.rules.resource != resource || p.rules.pool != pool) continue;
    if (length_ns != 0 && p.length_ns != length_ns) continue;
    if (found != nullptr) return nullptr;  // ambiguous without a length
    found = &p;
  }
  return found;
}

RejectReason block_legs(const engine::Product& p, const BlockSpec& b, std::int64_t now_ns,
                        engine::SwarmOrder& s) {
  if (b.windows == 0 || b.windows > engine::kMaxSwarmLegs) return RejectReason::InvalidWindow;
  if (!b.qtys.empty() && b.qtys.size() != b.windows) return RejectReason::InvalidLegs;
  const std::int64_t first = engine::window_at(p, b.start_ns);
  if (first == engine::kNoWindow) return RejectReason::InvalidWindow;
  s.leg_count = 0;
  for (std::uint32_t i = 0; i < b.windows; ++i) {
    const std::int64_t w = first + i;
    const std::uint32_t book = engine::book_of(p, w);
    if (engine::trading_window(p, book, now_ns) != w) return RejectReason::WindowNotTrading;
    s.legs[s.leg_count++] = engine::SwarmLeg{p.rules.id + book, b.qtys.empty() ? b.qty : b.qtys[i]};
  }
  return RejectReason::None;
}

}  // namespace swarmex::gateway
