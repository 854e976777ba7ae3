// What a resting GTD, Day or iceberg order has beyond its arena entry (which has no room left):
// its expiry time, whether it ends with the trading day, and an iceberg's display and hidden
// quantity. Kept by order id in ordered containers (deterministic iteration, snapshots in id
// order), with the expiries in a second index by (time, id): the sweep at each command reads
// only its front. Both hold resting orders only, so they are bounded by the order capacity.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <utility>

#include "swarmex/engine/types.hpp"

namespace swarmex::engine {

struct OrderTerms {
  std::int64_t expire_ns = 0;  // GTD: cancelled (Expired) by the first command at or after it
  Qty display = 0;             // iceberg: the slice shown on the book; 0 = not an iceberg
  Qty hidden = 0;              // iceberg: the remainder not shown yet (Order::qty is shown)
  bool day = false;            // Day on a spot book: cancelled (DayEnd) by EndDay
  bool operator==(const OrderTerms&) const = default;
};

class OrderTermsTable {
 public:
  using Expiry = std::pair<std::int64_t, OrderId>;

  [[nodiscard]] bool empty() const noexcept { return terms_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return terms_.size(); }
  void add(OrderId id, const OrderTerms& t);
  void erase(OrderId id);
  [[nodiscard]] const OrderTerms* find(OrderId id) const noexcept {
    const auto it = terms_.find(id);
    return it == terms_.end() ? nullptr : &it->second;
  }
  // An iceberg's hidden remainder (0 for anything else).
  [[nodiscard]] Qty hidden(OrderId id) const noexcept {
    const OrderTerms* t = find(id);
    return t == nullptr ? 0 : t->hidden;
  }
  void set_hidden(OrderId id, Qty hidden);
  // The earliest expiry, if it is at or before time_ns.
  [[nodiscard]] bool due(std::int64_t time_ns) const noexcept {
    return !expiries_.empty() && expiries_.begin()->first <= time_ns;
  }
  [[nodiscard]] const std::set<Expiry>& expiries() const noexcept { return expiries_; }
  [[nodiscard]] const std::map<OrderId, OrderTerms>& all() const noexcept { return terms_; }
  // Wrapping sum over entries of a hash of (id, terms); 0 when there are none, so engines
  // without such orders hash as before.
  [[nodiscard]] std::uint64_t hash() const noexcept { return hash_; }

 private:
  static std::uint64_t hash_of(OrderId id, const OrderTerms& t) noexcept;

  std::map<OrderId, OrderTerms> terms_;
  std::set<Expiry> expiries_;
  std::uint64_t hash_ = 0;
};

}  // namespace swarmex::engine
