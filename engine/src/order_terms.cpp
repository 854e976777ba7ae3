#include "swarmex/engine/order_terms.hpp"

#include "swarmex/engine/state_hash.hpp"

namespace swarmex::engine {

std::uint64_t OrderTermsTable::hash_of(OrderId id, const OrderTerms& t) noexcept {
  return mix64(id * 0x9E3779B97F4A7C15ull ^
               mix64(static_cast<std::uint64_t>(t.expire_ns) * 0xC2B2AE3D27D4EB4Full +
                     static_cast<std::uint64_t>(t.display) * 0x165667B19E3779F9ull +
                     static_cast<std::uint64_t>(t.hidden) * 0xD6E8FEB86659FD93ull +
                     (t.day ? 0x4441'59ull : 0)));
}

void OrderTermsTable::add(OrderId id, const OrderTerms& t) {
  const auto [it, inserted] = terms_.emplace(id, t);
  if (!inserted) return;
  hash_ += hash_of(id, t);
  if (t.expire_ns != 0) expiries_.emplace(t.expire_ns, id);
}

void OrderTermsTable::erase(OrderId id) {
  const auto it = terms_.find(id);
  if (it == terms_.end()) return;
  hash_ -= hash_of(id, it->second);
  if (it->second.expire_ns != 0) expiries_.erase(Expiry{it->second.expire_ns, id});
  terms_.erase(it);
}

void OrderTermsTable::set_hidden(OrderId id, Qty hidden) {
  const auto it = terms_.find(id);
  if (it == terms_.end()) return;
  hash_ -= hash_of(id, it->second);
  it->second.hidden = hidden;
  hash_ += hash_of(id, it->second);
}

}  // namespace swarmex::engine
