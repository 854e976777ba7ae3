// What one engine partition has contributed to the gateway's per-principal state, up to a sequence
// number: how many execution reports and host fills of each principal its events caused (their
// stream numbers), the highest exchange order id its commands carried, and the client order id of
// each of its orders that may still rest. The partition thread keeps it from every batch; each
// snapshot of the partition carries it (EngineSnapshot::attachment, same sequence, same file), and
// at start-up it gives the gateway the state the commands before the snapshot built, before the
// journal after the snapshot replays (docs/journal.md).
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "dedup_window.hpp"
#include "swarmex/engine/engine.hpp"
#include "swarmex/engine/snapshot.hpp"
#include "swarmex/gateway/config.hpp"

namespace swarmex::gateway {

// An order that carried a client order id. A resale's legs are each their own order, named by
// the request's client order id; `first` is the order that id names (the order itself otherwise).
struct LedgerOrder {
  engine::OwnerId owner;
  engine::InstrumentId instrument;
  std::uint64_t client_order_id;
  engine::OrderId first;
  std::uint8_t legs = 1;  // the request's legs (a resale), from `first`
  bool ended = false;     // ended, not forgotten yet (not encoded: snapshots carry resting ones)
};

// The dedup horizon the configuration asks for.
[[nodiscard]] inline DedupHorizon dedup_horizon(const Config& c) {
  return DedupHorizon{c.server.dedup_horizon_orders,
                      static_cast<std::int64_t>(c.server.dedup_horizon_ms) * 1'000'000};
}

struct StreamCounts {
  std::uint64_t reports = 0;  // execution reports with a stream_seq
  std::uint64_t fills = 0;    // host fills
};

// The ledger as one snapshot's copy: taken on the partition thread (a plain copy, no lookups,
// no sorting), encoded on the snapshot thread.
struct LedgerCopy {
  std::vector<engine::OwnerId> owners;
  std::vector<StreamCounts> counts;
  engine::OrderId max_order_id = 0;
  std::vector<std::pair<engine::OrderId, LedgerOrder>> orders;  // in no order; may hold ended ones
  std::vector<std::pair<engine::OwnerId, EndedOrder>> ended;    // within the dedup horizon
};

class LedgerCapture;

class StreamLedger {
 public:
  // Counts only the configured principals, as the publisher routes only to them.
  // `partition`: the engine partition whose events it notes; `horizon`: how long an ended
  // order's client order id is kept (dedup_window.hpp).
  explicit StreamLedger(const std::vector<Principal>& principals, DedupHorizon horizon = {},
                        std::uint32_t partition = 0);

  // A sequenced command and the events it caused, in order. Events count by recipients_of
  // (event_recipients.hpp), the rule the publisher routes by.
  void note(const engine::Command& c);
  void note(const engine::Event& e);
  // A batch of the partition thread. Forgets the orders the batch ended (cancelled, filled, or
  // never resting), so the ledger stays near the resting orders with no pass over all of them on
  // the matching thread; a full pass only when it has doubled since the last one and holds more
  // than twice what rests.
  void note_batch(std::span<const engine::Command> commands, const engine::EventBuffer& events,
                  const engine::Engine& engine);
  // Forgets the orders that no longer rest in `engine`, in one pass.
  void prune(const engine::Engine& engine);
  [[nodiscard]] std::size_t size() const noexcept { return orders_.size(); }

  // Forgets the orders that no longer rest in `engine` and encodes the rest, deterministically
  // (by owner, by order id), in one pass over the orders: it runs on the partition thread at every
  // snapshot, where a prune and then a lookup per order took ~0.5 s with a million resting.
  std::vector<std::uint8_t> encode_resting(const engine::Engine& engine);
  // The partition thread at a snapshot: what encode_copy needs, copied without lookups.
  [[nodiscard]] LedgerCopy copy() const;
  // Any thread: the bytes encode_resting would give at the snapshot's sequence, from the copy taken
  // then and the engine's snapshot (an order rests when the snapshot holds it or a swarm of its
  // id).
  static std::vector<std::uint8_t> encode_copy(LedgerCopy copy, const engine::EngineSnapshot& snap);
  // Replaces this ledger's content; false (and left empty) when the bytes do not decode.
  bool decode(std::span<const std::uint8_t> bytes);

  [[nodiscard]] const std::vector<engine::OwnerId>& owners() const noexcept { return owners_; }
  [[nodiscard]] StreamCounts counts(engine::OwnerId owner) const noexcept;
  [[nodiscard]] engine::OrderId max_order_id() const noexcept { return max_order_id_; }
  [[nodiscard]] std::uint32_t partition() const noexcept { return partition_; }
  // The client order ids of `owner`'s orders ended in this partition within the dedup horizon,
  // oldest first: what PrincipalState's window for this partition holds at the same sequence.
  [[nodiscard]] const std::deque<EndedOrder>& ended(engine::OwnerId owner) const noexcept;
  [[nodiscard]] const std::unordered_map<engine::OrderId, LedgerOrder>& orders() const noexcept {
    return orders_;
  }

 private:
  friend class LedgerCapture;  // ledger_capture.hpp: a snapshot's copy taken in steps
  [[nodiscard]] StreamCounts* find(engine::OwnerId owner) noexcept;
  // Every owner's ended client order ids within the horizon, by owner, oldest first.
  [[nodiscard]] std::vector<std::pair<engine::OwnerId, EndedOrder>> ended_ids() const;
  void note_end(const engine::Event& e, bool maker);
  void clear();

  DedupHorizon horizon_;
  std::uint32_t partition_ = 0;
  std::int64_t time_ns_ = 0;          // the sequenced time of the command noted last
  std::vector<DedupWindow> windows_;  // by owners_ index

  std::vector<engine::OwnerId> owners_;                              // sorted
  std::vector<StreamCounts> counts_;                                 // by owners_ index
  std::vector<std::pair<engine::HostId, engine::OwnerId>> host_of_;  // sorted by host
  engine::OwnerId agent_ = 0;  // the agent principal: a copy of its orders' reports
  engine::OrderId max_order_id_ = 0;
  std::unordered_map<engine::OrderId, LedgerOrder> orders_;
  std::vector<engine::OrderId> ended_;  // note_batch's scratch: orders the batch may have ended
  std::size_t prune_at_ = kMinPrune;
  static constexpr std::size_t kMinPrune = 65536;
  // While a capture runs nothing is erased (an order resting at its sequence keeps its entry):
  // the ids are kept here and looked at again, a bounded number per batch, once it is done.
  LedgerCapture* capture_ = nullptr;
  std::vector<engine::OrderId> deferred_;
  static constexpr std::size_t kDeferredPerBatch = 4096;
};

}  // namespace swarmex::gateway
