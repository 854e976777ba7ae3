// The resting orders of a snapshot, taken in bounded steps between batches while matching goes on
// (docs/journal.md, "Snapshots"). Engine::begin_snapshot copies everything else at the snapshot's
// sequence and arms the order arena; each Engine::snapshot_step copies at most a given number of
// arena slots, from the lowest up. An order the engine is about to change, free or release before
// the steps reached its slot is copied first, as it still is (the arena's write barrier: every
// write to an order goes through OrderArena::operator[], allocate or release). Each slot is thus
// copied exactly once, as it was at the snapshot's sequence; finish_snapshot (any thread) then
// rebuilds the books' FIFOs from the copied links, in the order Engine::snapshot gives.
#pragma once

#include <cstdint>
#include <vector>

#include "swarmex/engine/order_arena.hpp"
#include "swarmex/engine/snapshot.hpp"

namespace swarmex::engine {

struct CapturedOrder {
  std::uint32_t slot;
  Order order;  // as at the snapshot's sequence, its level links included
};

// A book at the snapshot's sequence: what turns an order's level into its price.
struct CapturedBook {
  InstrumentId instrument;
  Price base;
  Price tick;
};

struct SnapshotCapture {
  std::vector<CapturedOrder> orders;  // unordered; reserved for every order live at begin
  std::vector<CapturedBook> books;    // by book index
  std::vector<std::uint64_t> done;    // slots at or above `cursor` already copied (or free then)
  std::uint32_t cursor = 0;           // slots below it are copied
  std::uint32_t capacity = 0;         // the arena's
  std::uint64_t steps = 0;            // snapshot_step calls
  std::uint64_t kept = 0;             // orders copied by the write barrier, ahead of the steps
  std::uint32_t max_step_slots = 0;   // the most slots one step scanned
  [[nodiscard]] bool complete() const noexcept { return cursor >= capacity; }
};

// Any thread, once the capture is complete: `out.orders` from the captured orders, per book,
// bids then asks, best level first, FIFO. Throws std::runtime_error when the links do not form
// the books' FIFOs (a capture that missed a write).
void finish_snapshot(EngineSnapshot& out, const SnapshotCapture& capture);

}  // namespace swarmex::engine
