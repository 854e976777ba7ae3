// Cache warming over a batch of commands. On a deep book nearly every command misses the cache
// two or three times in a row (the order id's index slot, then the order, then its neighbours or
// level), and nothing overlaps one command's misses with the next's. A batch is known in
// advance, so while command i is applied, the index slot of command i+kFar and the order of
// command i+kNear are already on their way. Prefetches change no state: the events and the state
// hash are those of applying each command alone (the flow bench and the shard tests check it).
#include "swarmex/engine/engine.hpp"

namespace swarmex::engine {

namespace {

// The commands themselves, when they come from memory (a replayed flow; the shard's are warm).
constexpr std::size_t kCommand = 16;
constexpr std::size_t kFar = 8;    // index slots: a DRAM latency ahead at ~85 ns a command
constexpr std::size_t kNear = 4;   // orders: their slot arrived kFar - kNear commands ago
constexpr std::size_t kClose = 2;  // FIFO neighbours and level tails: known once those arrived

}  // namespace

void Engine::prefetch_far(const Command& cmd) const noexcept {
  switch (cmd.kind) {
    case CommandKind::NewOrder: {
      index_.prefetch_slot(cmd.new_order.order_id);  // the duplicate check probes it
      if (const OrderBook* book = book_of(cmd.new_order.instrument))
        book->prefetch_level(cmd.new_order.side, cmd.new_order.price);
      return;
    }
    case CommandKind::CancelOrder:
      return index_.prefetch_slot(cmd.cancel.order_id);
    case CommandKind::ModifyOrder:
      return index_.prefetch_slot(cmd.modify.order_id);
    default:
      return;
  }
}

void Engine::prefetch_near(const Command& cmd) const noexcept {
  switch (cmd.kind) {
    case CommandKind::CancelOrder:
      return index_.prefetch_order(cmd.cancel.order_id);
    case CommandKind::ModifyOrder:
      return index_.prefetch_order(cmd.modify.order_id);
    default:
      return;
  }
}

void Engine::prefetch_close(const Command& cmd) const noexcept {
  std::uint32_t order = kNil;
  switch (cmd.kind) {
    case CommandKind::NewOrder:
      if (const OrderBook* book = book_of(cmd.new_order.instrument)) {
        // A new order that rests links behind its level's tail.
        const std::uint32_t tail = book->level_tail(cmd.new_order.side, cmd.new_order.price);
        if (tail < pool_.capacity()) prefetch_line(&pool_[tail]);
      }
      return;
    case CommandKind::CancelOrder:
      order = index_.peek(cmd.cancel.order_id);
      break;
    case CommandKind::ModifyOrder:
      order = index_.peek(cmd.modify.order_id);
      break;
    default:
      return;
  }
  if (order == kNil) return;
  // Unlinking writes both neighbours.
  const Order& o = pool_[order];
  if (o.next < pool_.capacity()) prefetch_line(&pool_[o.next]);
  if (o.prev < pool_.capacity()) prefetch_line(&pool_[o.prev]);
}

void Engine::warm_first(std::span<const Command> cmds) const noexcept {
  for (std::size_t i = 0; i < cmds.size() && i < kFar; ++i)
    prefetch_far(cmds[i]);
}

void Engine::warm(std::span<const Command> cmds, std::size_t i) const noexcept {
  const std::size_t n = cmds.size();
  if (i + kCommand < n) {  // its first two lines: the kind and a new order's fields
    prefetch_line(&cmds[i + kCommand]);
    prefetch_line(reinterpret_cast<const char*>(&cmds[i + kCommand]) + 64);
  }
  if (i + kFar < n) prefetch_far(cmds[i + kFar]);
  if (i + kNear < n) prefetch_near(cmds[i + kNear]);
  if (i + kClose < n) prefetch_close(cmds[i + kClose]);
}

void Engine::apply_batch(std::span<const Command> cmds, EventBuffer& out) {
  apply_batch(cmds, out, [](std::size_t) {});
}

}  // namespace swarmex::engine
