// Holdings: how much delivery-window capacity each owner holds from each host and may still
// resell. Bought on fills of window books, offered back by Resell, returned when a resale ask
// ends unfilled, forgotten when the window's book rolls on. Ordered (std::map) so snapshots and
// hashes never depend on hash-table iteration; touched only on window books.
#pragma once

#include <compare>
#include <cstdint>
#include <map>

#include "swarmex/engine/types.hpp"

namespace swarmex::engine {

struct HoldingKey {
  InstrumentId instrument;
  OwnerId owner;
  HostId host;
  auto operator<=>(const HoldingKey&) const = default;
};

class Holdings {
 public:
  // What `key` holds and has not offered for resale (0 when nothing).
  [[nodiscard]] Qty free(const HoldingKey& key) const noexcept;
  void credit(const HoldingKey& key, Qty qty);
  // The caller has checked free(key) >= qty.
  void debit(const HoldingKey& key, Qty qty) noexcept;
  // A book moved on to another window: what its previous window held is delivered, not tradable.
  void clear_instrument(InstrumentId instrument) noexcept;

  [[nodiscard]] std::uint64_t hash() const noexcept { return hash_; }
  [[nodiscard]] bool empty() const noexcept { return free_.empty(); }
  [[nodiscard]] const std::map<HoldingKey, Qty>& all() const noexcept { return free_; }

 private:
  static std::uint64_t entry_hash(const HoldingKey& key, Qty qty) noexcept;
  std::map<HoldingKey, Qty> free_;
  std::uint64_t hash_ = 0;
};

}  // namespace swarmex::engine
