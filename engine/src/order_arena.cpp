#include "swarmex/engine/order_arena.hpp"

#include <stdexcept>

namespace swarmex::engine {

OrderArena::OrderArena(std::uint32_t capacity) : orders_(capacity) {
  if (capacity == 0 || capacity == kNil) throw std::invalid_argument("order arena capacity");
  // Free list in ascending index order, so allocation order is deterministic.
  for (std::uint32_t i = 0; i < capacity; ++i)
    orders_[i].next = i + 1 < capacity ? i + 1 : kNil;
  free_head_ = 0;
}

}  // namespace swarmex::engine
