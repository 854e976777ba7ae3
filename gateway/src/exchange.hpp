// The exchange behind the gateway: engine shards, each with its journal and snapshot writer,
// recovered from disk at construction. Commands go in by instrument; events come out per shard.
#pragma once

#include <functional>
#include <memory>
#include <vector>

#include "swarmex/engine/shard.hpp"
#include "swarmex/gateway/config.hpp"
#include "swarmex/journal/files.hpp"
#include "swarmex/journal/snapshot_writer.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::gateway {

class Exchange {
 public:
  // Sees every command replayed from the journals at start-up, with its events.
  using ReplayHook = std::function<void(const engine::Command&, const engine::EventBuffer&)>;

  // Every shard publishes its events to `output`.
  Exchange(const Config& config, moodycamel::BlockingConcurrentQueue<engine::Event>* output,
           const ReplayHook& on_replayed);
  ~Exchange();

  void start();
  void stop();  // drains the shards and journals

  [[nodiscard]] std::size_t shards() const noexcept { return shards_.size(); }
  engine::EngineShard& shard(std::size_t i) noexcept { return *shards_[i]->shard; }
  // Routes by instrument (see shard_of_pool); a mass cancel over all instruments goes to every
  // shard.
  void submit(const engine::Command& cmd);
  // The shard that owns an instrument (0 for ids not configured).
  [[nodiscard]] std::uint32_t shard_of(engine::InstrumentId id) const noexcept {
    return id < shard_of_.size() ? shard_of_[id] : 0;
  }
  // A Tick to every shard with scheduled products: lists and closes their windows.
  void tick();
  void request_snapshot();
  [[nodiscard]] bool journal_failed() const noexcept;
  [[nodiscard]] journal::JournalStats journal_stats() const;
  [[nodiscard]] const std::vector<std::string>& recovery_log() const noexcept { return log_; }

 private:
  struct Shard {
    std::unique_ptr<journal::JournalFiles> files;
    std::unique_ptr<journal::JournalWriter> journal;
    std::unique_ptr<journal::SnapshotWriter> snapshots;
    std::unique_ptr<engine::EngineShard> shard;
  };
  std::vector<std::unique_ptr<Shard>> shards_;
  std::vector<std::uint32_t> shard_of_;  // by instrument id; unknown ids go to shard 0
  std::vector<std::uint32_t> ticked_;    // shards that own scheduled products
  std::vector<std::string> log_;
};

}  // namespace swarmex::gateway
