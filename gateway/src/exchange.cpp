#include "exchange.hpp"

#include <algorithm>
#include <memory>

#include <spdlog/spdlog.h>

#include "ledger_capture.hpp"

namespace swarmex::gateway {

Exchange::Exchange(const Config& config, moodycamel::BlockingConcurrentQueue<engine::Event>* output,
                   const ReplayHook& on_replayed, const InstrumentHook& on_learned,
                   const RestoredHook& on_restored, const std::function<void()>& wake,
                   journal::JournalObserver* journal_observer,
                   std::vector<journal::JournalReplicator*> replicators) {
  journal::AssemblyConfig ac = assembly_config(config, output, wake);
  ac.journal_observer = journal_observer;
  ac.replicators = std::move(replicators);
  if (ac.durability != journal::Durability::None)
    for (std::uint32_t i = 0; i < std::max<std::uint32_t>(ac.partitions, 1); ++i)
      ledgers_.push_back(
          std::make_unique<StreamLedger>(config.principals, dedup_horizon(config), i));
  journal::AssemblyHooks hooks;
  hooks.on_learned = on_learned;
  hooks.on_restored = [this, &on_restored](std::uint32_t i, const engine::Engine& e,
                                           const journal::Recovered& rec) {
    StreamLedger& ledger = *ledgers_[i];
    bool restored = rec.snapshot_seq == 0;  // from the start: nothing to restore
    if (rec.snapshot_seq != 0) restored = ledger.decode(rec.attachment);
    if (!restored)
      log_.push_back("partition " + std::to_string(i) + ": the snapshot at seq " +
                     std::to_string(rec.snapshot_seq) +
                     " holds no stream ledger (written before snapshot version 7): report and "
                     "fill stream numbers, client order ids and the replay rings restart "
                     "from it");
    if (on_restored) on_restored(i, e, restored ? &ledger : nullptr);
  };
  hooks.on_replayed = [this, &on_replayed](std::uint32_t i, const engine::Command& c,
                                           const engine::EventBuffer& ev) {
    ledgers_[i]->note(c);
    for (const engine::Event& e : ev)
      ledgers_[i]->note(e);
    if (on_replayed) on_replayed(i, c, ev);
  };
  // A standby's commands: the ledger notes them in on_batch, as the partition thread's.
  hooks.on_followed = on_replayed;
  hooks.on_recovered = [this](std::uint32_t i, const engine::Engine& e) {
    if (i < ledgers_.size()) ledgers_[i]->prune(e);
  };
  hooks.on_batch = [this](std::uint32_t i, std::span<const engine::Command> cmds,
                          const engine::EventBuffer& events,
                          const engine::Engine& e) { ledgers_[i]->note_batch(cmds, events, e); };
  // The gateway's state at the snapshot's sequence, in the same file: copied on the partition
  // thread in steps, pruned and encoded on the snapshot thread.
  hooks.attachment = [this](std::uint32_t i,
                            const engine::Engine&) -> std::unique_ptr<journal::AttachmentCapture> {
    return std::make_unique<LedgerCapture>(*ledgers_[i]);
  };
  hooks.on_snapshot_written = [](std::uint32_t i, const journal::SnapshotReport& r) {
    if (r.error != 0)
      spdlog::error("partition {}: snapshot at seq {} failed (error {})", i, r.seq, r.error);
    else
      spdlog::info(
          "partition {}: snapshot at seq {}: {} resting orders, copied in {} steps, matching "
          "thread stopped {:.1f} ms at most, ledger encoded in {:.1f} ms, written in {:.1f} ms, "
          "{} journal segments trimmed",
          i, r.seq, r.orders, r.steps, r.stall_ns / 1e6, r.encode_ns / 1e6, r.write_ns / 1e6,
          r.segments_trimmed);
  };
  assembly_ = std::make_unique<journal::ExchangeAssembly>(ac, std::move(hooks));
  const auto& recovered = assembly_->recovery_log();
  log_.insert(log_.end(), recovered.begin(), recovered.end());
}

}  // namespace swarmex::gateway
