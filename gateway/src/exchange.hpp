// The exchange behind the gateway: engine shards, each with its journal and snapshot writer,
// recovered from disk at construction. Commands go in by instrument; events come out per shard.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "swarmex/engine/shard.hpp"
#include "swarmex/gateway/config.hpp"
#include "swarmex/journal/files.hpp"
#include "swarmex/journal/snapshot_writer.hpp"
#include "swarmex/journal/writer.hpp"

#include "stream_ledger.hpp"

namespace swarmex::gateway {

class Exchange {
 public:
  // Sees every command replayed from the journals at start-up, with its events.
  using ReplayHook = std::function<void(const engine::Command&, const engine::EventBuffer&)>;
  // Sees every spot instrument a recovered shard has that the configuration lacks (created live
  // by CreateInstrument): those a snapshot holds before the journal replays, then each one the
  // replay creates, as it does.
  using InstrumentHook = std::function<void(const engine::InstrumentSpec&)>;
  // Sees each journaled shard's restored engine (its snapshot plus the configuration) with the
  // stream ledger its snapshot carried (null when the snapshot has none: older than version 7),
  // for every shard before any journal replays.
  using RestoredHook = std::function<void(const engine::Engine&, const StreamLedger*)>;

  // Every shard publishes its events to `output`. Inline shards (engine.wait = "inline") call
  // `wake` (any thread) when they have commands to flush() or have put events out.
  Exchange(const Config& config, moodycamel::BlockingConcurrentQueue<engine::Event>* output,
           const ReplayHook& on_replayed, const InstrumentHook& on_learned,
           const RestoredHook& on_restored, const std::function<void()>& wake = {});
  ~Exchange();

  void start();
  void stop();  // drains the shards and journals

  [[nodiscard]] std::size_t shards() const noexcept { return shards_.size(); }
  engine::EngineShard& shard(std::size_t i) noexcept { return *shards_[i]->shard; }
  // Routes by instrument (see shard_of_pool); a mass cancel over all instruments goes to every
  // shard.
  void submit(const engine::Command& cmd);
  // To one shard (a CreateInstrument, before its id has a route).
  void submit_to(std::uint32_t shard, const engine::Command& cmd);
  // Inline shards, on the I/O thread: applies what was submitted since the last flush.
  void flush() {
    for (auto& s : shards_)
      s->shard->flush();
  }
  // The shard that owns an instrument (0 for unknown ids).
  [[nodiscard]] std::uint32_t shard_of(engine::InstrumentId id) const noexcept {
    return id <= engine::kMaxInstrumentId ? shard_of_[id].load(std::memory_order_acquire) : 0;
  }
  // Admin path: the shard a new instrument of `pool` goes to (its pool's; a new pool takes the
  // next shard in turn), and the route of an instrument once it exists.
  std::uint32_t shard_for_pool(const std::string& pool);
  void set_route(engine::InstrumentId id, std::uint32_t shard) noexcept {
    if (id <= engine::kMaxInstrumentId) shard_of_[id].store(shard, std::memory_order_release);
  }
  // A Tick to every shard with scheduled products: lists and closes their windows.
  void tick();
  void request_snapshot();
  [[nodiscard]] bool journal_failed() const noexcept;
  [[nodiscard]] journal::JournalStats journal_stats() const;
  [[nodiscard]] const std::vector<std::string>& recovery_log() const noexcept { return log_; }
  // A journaled shard's ledger (null without a journal); the shard thread's once started.
  [[nodiscard]] const StreamLedger* ledger(std::size_t i) const noexcept {
    return shards_[i]->ledger.get();
  }

 private:
  struct Shard {
    std::unique_ptr<journal::JournalFiles> files;
    std::unique_ptr<journal::JournalWriter> journal;
    std::unique_ptr<journal::SnapshotWriter> snapshots;
    // The gateway state this shard's commands built; the shard thread's (journaled only).
    std::unique_ptr<StreamLedger> ledger;
    std::unique_ptr<engine::EngineShard> shard;
  };
  std::vector<std::unique_ptr<Shard>> shards_;
  // By instrument id (every id up to kMaxInstrumentId, so a live-created one gets its route
  // without moving anything under readers); unknown ids go to shard 0.
  std::unique_ptr<std::atomic<std::uint32_t>[]> shard_of_;
  std::mutex pools_mu_;
  std::map<std::string, std::uint32_t> pool_shard_;  // every known pool's shard
  std::vector<std::uint32_t> ticked_;                // shards that own scheduled products
  std::vector<std::string> log_;
};

}  // namespace swarmex::gateway
