// Cache warming over a batch of commands. On a deep book a cancel misses the cache on the order
// id's index bucket and then on the order, and a new order on its bucket (the duplicate check). A
// batch is known in advance, so while command i is applied, the commands kCommand ahead and the
// index bucket of command i+kFar are already on their way. Prefetches change no state: the events
// and the state hash are those of applying each command alone (the flow bench and the partition
// tests check it).
//
// Only addresses computable from the command itself are prefetched. Warming the order a bucket
// names, its FIFO neighbours or a level's tail needs real loads of lines that may still be in
// flight, and stalled the batch more than it saved: on the deep flow, batches took 88 ns a
// command with those three stages and 72 ns with the bucket alone (docs/PERFORMANCE.md, "Tried and
// not kept").
#include "swarmex/engine/cache_prefetch.hpp"
#include "swarmex/engine/engine.hpp"

namespace swarmex::engine {

namespace {

// The commands themselves, when they come from memory (a replayed flow; the shard's are warm).
constexpr std::size_t kCommand = 16;
constexpr std::size_t kFar = 8;  // index buckets; 4 to 12 measured the same

}  // namespace

void Engine::prefetch_far(const Command& cmd) const noexcept {
  switch (cmd.kind) {
    case CommandKind::NewOrder:
      return index_.prefetch_bucket(cmd.new_order.order_id);  // the duplicate check probes it
    case CommandKind::CancelOrder:
      return index_.prefetch_bucket(cmd.cancel.order_id);
    case CommandKind::ModifyOrder:
      return index_.prefetch_bucket(cmd.modify.order_id);
    default:
      return;
  }
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
}

void Engine::apply_batch(std::span<const Command> cmds, EventBuffer& out) {
  apply_batch(cmds, out, [](std::size_t) {});
}

}  // namespace swarmex::engine
