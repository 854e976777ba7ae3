#include "journal_replay.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>

#include "swarmex/engine/engine.hpp"
#include "swarmex/engine/pool_routing.hpp"
#include "swarmex/journal/reader.hpp"
#include "swarmex/journal/snapshot_file.hpp"

namespace swarmex::report {
namespace {

namespace fs = std::filesystem;
using engine::CommandKind;

// The partitions a journal directory holds: `partition-N` (or the older `shard-N`), counted as
// the highest N + 1. Nothing is renamed: this tool only reads.
std::uint32_t partition_count(const std::string& dir) {
  std::uint32_t n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_directory()) continue;
    const std::string name = entry.path().filename().string();
    for (const std::string prefix : {"partition-", "shard-"}) {
      if (!name.starts_with(prefix)) continue;
      try {
        n = std::max<std::uint32_t>(
            n, static_cast<std::uint32_t>(std::stoul(name.substr(prefix.size())) + 1));
      } catch (const std::exception&) {
      }
    }
  }
  return n;
}

std::string partition_dir(const std::string& dir, std::uint32_t i) {
  const std::string now = dir + "/partition-" + std::to_string(i);
  const std::string before = dir + "/shard-" + std::to_string(i);
  return !fs::is_directory(now) && fs::is_directory(before) ? before : now;
}

// A read-only scan tolerates a torn tail (a live server's write in progress, or a crash that
// start-up will repair): everything before it counts.
bool torn(const journal::ScanResult& r) {
  return !r.ok && r.error.starts_with("torn");
}

// The oldest valid snapshot from which the journal's records continue: the start of a journal
// whose first segments were removed.
std::optional<engine::EngineSnapshot> covering_snapshot(journal::JournalFiles& files,
                                                        const journal::ScanResult& scan) {
  std::vector<std::uint8_t> bytes;
  for (const std::string& name : files.list(journal::kSnapshotPrefix)) {
    if (!files.read(name, &bytes)) continue;
    std::optional<engine::EngineSnapshot> snap = journal::decode_snapshot(bytes);
    if (snap && snap->last_seq + 1 >= scan.first_seq && snap->last_seq <= scan.last_seq)
      return snap;
  }
  return std::nullopt;
}

// Admin and supply commands the gateway checks against its instruments before journaling them:
// rejected here as unknown, the configuration is not the one the journal was written under.
bool gateway_checked(CommandKind k) {
  return k == CommandKind::SetSupply || k == CommandKind::SetFees || k == CommandKind::SetParams ||
         k == CommandKind::SetPricing || k == CommandKind::SetTradingMode ||
         k == CommandKind::SetBreaker;
}

}  // namespace

std::vector<PartitionReplay> replay_journal_dir(const std::string& journal_dir,
                                                const gateway::Config& config,
                                                const ReplayHooks& hooks) {
  std::error_code ec;
  if (!fs::is_directory(journal_dir, ec))
    throw std::runtime_error(journal_dir + ": no such journal directory");
  const std::vector<engine::InstrumentSpec> all =
      engine::tradable_instruments(config.instruments, config.products);
  const engine::PoolRouting routing(all, config.engine.partitions);
  const std::uint32_t found = partition_count(journal_dir);
  if (found == 0)
    throw std::runtime_error(journal_dir +
                             ": holds no partition-N directory (not a swarmexd journal)");
  if (found != routing.partitions())
    throw std::runtime_error(journal_dir + " holds " + std::to_string(found) +
                             " partitions but the configuration has " +
                             std::to_string(routing.partitions()) +
                             " (engine.partitions): give the configuration this journal was "
                             "written with");

  std::vector<PartitionReplay> out;
  const engine::EngineConfig engine_config{config.engine.order_capacity,
                                           config.engine.swarm_capacity};
  for (std::uint32_t i = 0; i < found; ++i) {
    PartitionReplay p;
    p.partition = i;
    p.dir = partition_dir(journal_dir, i);
    if (!fs::is_directory(p.dir, ec)) throw std::runtime_error(p.dir + ": missing");
    auto files = journal::open_directory(p.dir);
    const journal::ScanResult pre = journal::scan_journal(*files, {});
    if (!pre.ok && !torn(pre)) throw std::runtime_error(p.dir + ": " + pre.error);

    auto engine = std::make_unique<engine::Engine>(engine_config);
    if (pre.records > 0 && pre.first_seq > 1) {
      std::optional<engine::EngineSnapshot> snap = covering_snapshot(*files, pre);
      if (!snap)
        throw std::runtime_error(p.dir + ": the journal starts at seq " +
                                 std::to_string(pre.first_seq) +
                                 " and no snapshot covers what came before");
      engine->restore(*snap);
      p.snapshot_seq = snap->last_seq;
      p.note = "started from the snapshot at seq " + std::to_string(p.snapshot_seq) +
               " (the journal before it is gone): earlier fills are not counted";
    }
    for (const engine::InstrumentSpec& spec : config.instruments)
      if (routing.partition_of(spec.id) == i && !engine->has_instrument(spec.id))
        engine->add_instrument(spec);
    for (const engine::Product& prod : config.products)
      if (routing.partition_of(prod.rules.id) == i && !engine->has_instrument(prod.rules.id))
        engine->add_product(prod);
    if (hooks.on_instrument)
      for (const engine::InstrumentId id : engine->instruments())
        hooks.on_instrument(*engine->instrument(id));

    engine::EventBuffer events;
    journal::ScanOptions scan;
    scan.from_seq = p.snapshot_seq + 1;
    scan.visit = [&](const engine::Command& cmd) {
      events.clear();
      engine->apply(cmd, events);
      if (gateway_checked(cmd.kind) && !events.empty() &&
          events[0].kind == engine::EventKind::Rejected &&
          events[0].reason == static_cast<std::uint8_t>(engine::RejectReason::UnknownInstrument))
        throw std::runtime_error(p.dir + ": seq " + std::to_string(cmd.seq) + " names instrument " +
                                 std::to_string(events[0].instrument) +
                                 ", which the configuration lacks: give the configuration this "
                                 "journal was written with");
      if (p.replayed++ == 0) p.first_seq = cmd.seq;
      p.last_seq = cmd.seq;
      if (hooks.on_command) hooks.on_command(i, cmd, events);
    };
    const journal::ScanResult r = journal::scan_journal(*files, scan);
    if (!r.ok && !torn(r)) throw std::runtime_error(p.dir + ": " + r.error);
    if (torn(r)) {
      if (!p.note.empty()) p.note += "; ";
      p.note += "stopped at a torn tail (a write in progress, or a crash): " + r.error;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace swarmex::report
