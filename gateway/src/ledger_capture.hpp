// A snapshot's copy of a partition's stream ledger, taken in bounded steps on the partition thread
// (like the engine's orders, snapshot_capture.hpp) and encoded on the snapshot thread. Made as the
// engine's snapshot begins: the counts and the highest order id are copied then (one entry per
// principal); each ended-id window is copied from its oldest entry, and an entry the window is
// about to forget before the steps reached it is copied first; then each order resting at the
// snapshot's sequence is looked up for its client order id. Meanwhile the ledger erases nothing
// (an order resting then keeps its entry): what it would have forgotten waits (StreamLedger).
#pragma once

#include <cstdint>
#include <vector>

#include "stream_ledger.hpp"
#include "swarmex/journal/assembly.hpp"

namespace swarmex::gateway {

class LedgerCapture final : public journal::AttachmentCapture {
 public:
  explicit LedgerCapture(StreamLedger& ledger);
  ~LedgerCapture() override;
  LedgerCapture(const LedgerCapture&) = delete;
  LedgerCapture& operator=(const LedgerCapture&) = delete;

  bool step(const engine::SnapshotCapture& orders, const engine::EngineSnapshot& snap,
            std::uint32_t budget) override;
  std::vector<std::uint8_t> encode(const engine::EngineSnapshot& snap) override;

  // The ledger, before window `w` forgets its oldest entry.
  void forgetting(std::size_t w, const EndedOrder& gone);

 private:
  struct Window {
    std::uint64_t next;  // the next entry to copy (counted from the window's first ever)
    std::uint64_t end;   // one past its newest at the snapshot's sequence
    std::vector<EndedOrder> copied;
  };
  void release() noexcept;  // the ledger erases again

  StreamLedger* ledger_;  // null once complete
  LedgerCopy copy_;
  std::vector<Window> windows_;
  std::size_t window_ = 0;  // the window being copied
  std::size_t order_ = 0;   // the captured order (then swarm) being looked up
};

}  // namespace swarmex::gateway
