// Seed corpora for the fuzz targets, written by the product's own code: a journal (segments and
// single records) and snapshots with the gateway's stream ledger attached, from a seeded random
// market flow; the configuration files of etc/; host controller state files.
//   fuzz_seeds <corpus root> <etc dir>   (one directory per target under the root)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "random_commands.hpp"
#include "stream_ledger.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/engine/engine.hpp"
#include "swarmex/hostctl/host_state.hpp"
#include "swarmex/journal/record.hpp"
#include "swarmex/journal/snapshot_file.hpp"
#include "swarmex/journal/writer.hpp"

namespace fs = std::filesystem;
using namespace swarmex;

namespace {

void write_file(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

std::vector<gateway::Principal> principals() {
  std::vector<gateway::Principal> out;
  for (engine::OwnerId id = 1; id <= 6; ++id) {
    gateway::Principal p;
    p.name = {'p', static_cast<char>('0' + id)};
    p.id = id;
    p.role = id == 6 ? gateway::Role::Host : gateway::Role::Tenant;
    p.host_id = id == 6 ? 1 : 0;
    out.push_back(p);
  }
  return out;
}

// A market flow journaled by the real writer (small segments), a snapshot with its stream ledger
// every `kSnapshotEvery` commands, and the first records of every command kind on their own.
void journal_and_snapshots(const fs::path& root) {
  constexpr std::size_t kCommands = 1200;
  constexpr std::size_t kBatch = 30;
  constexpr std::size_t kSnapshotEvery = 300;
  const auto instruments = testing::random_market_instruments();
  const auto products = testing::random_market_products();
  engine::Engine engine(engine::EngineConfig{4096, 64});
  for (const auto& s : instruments)
    engine.add_instrument(s);
  for (const auto& p : products)
    engine.add_product(p);
  testing::RandomCommands gen(20261206, instruments);
  gen.enable_market(products, [&](engine::InstrumentId i, engine::OwnerId o, engine::HostId h) {
    return engine.holdings().free(engine::HoldingKey{i, o, h});
  });
  gateway::StreamLedger ledger(principals());

  common::TempDir dir("swarmex-fuzz-seeds");
  auto files = journal::open_directory(dir.str());
  journal::JournalWriter writer(*files, 8192, 1, {});
  std::map<engine::CommandKind, int> per_kind;
  int records = 0;
  int snapshots = 0;
  engine::Seq seq = 0;
  for (std::size_t done = 0; done < kCommands; done += kBatch) {
    journal::JournalBatch batch;
    engine::EventBuffer events;
    for (std::size_t k = 0; k < kBatch; ++k) {
      batch.commands.push_back(
          gen.next([&](engine::OrderId id) { return engine.order(id).has_value(); }));
      batch.commands.back().seq = ++seq;  // the generator's gaps test the engine, not the journal
      engine.apply(batch.commands.back(), events);
      if (per_kind[batch.commands.back().kind]++ < 6) {
        std::vector<std::uint8_t> rec(journal::kMaxRecordBytes);
        rec.resize(journal::encode_record(batch.commands.back(), rec.data()));
        write_file(root / "journal_record" / ("record-" + std::to_string(records)), rec);
        ++records;
      }
    }
    ledger.note_batch(batch.commands, events, engine);
    journal::JournalBatch* b = &batch;
    if (const int rc = writer.write_batches(&b, 1); rc != 0)
      throw std::runtime_error("journal write failed: " + std::to_string(rc));
    if ((done + kBatch) % kSnapshotEvery == 0) {
      engine::EngineSnapshot snap;
      engine.snapshot(snap);
      snap.attachment = ledger.encode_resting(engine);
      if (journal::write_snapshot(*files, snap) != 0) throw std::runtime_error("snapshot failed");
      ++snapshots;
    }
  }
  for (const auto& e : fs::directory_iterator(dir.path())) {
    const std::string name = e.path().filename().string();
    if (name.starts_with(journal::kSnapshotPrefix))
      fs::copy_file(e.path(), root / "snapshot" / name, fs::copy_options::overwrite_existing);
    else if (name.starts_with("journal-"))
      fs::copy_file(e.path(), root / "journal_segment" / name,
                    fs::copy_options::overwrite_existing);
  }
  std::printf("journal: %d single records, %d snapshots\n", records, snapshots);
}

// State files as the controller saves them: allocations of every resource kind and state.
void host_states(const fs::path& root) {
  using namespace hostctl;
  auto alloc = [](std::uint64_t seq, const std::string& tenant, const std::string& resource,
                  std::int64_t qty) {
    Allocation a;
    a.stream_seq = seq;
    a.key = FillKey{1, seq * 10, seq, 1000 + seq, 0};
    a.tenant = tenant;
    a.tenant_id = static_cast<std::uint32_t>(seq % 3 + 1);
    a.resource = resource;
    a.qty = qty;
    a.price = 40 + static_cast<std::int64_t>(seq);
    a.start_ns = 1'000'000'000 * static_cast<std::int64_t>(seq);
    a.end_ns = a.start_ns + 3'600'000'000'000;
    if (resource == "io") a.device = "8:0";
    return a;
  };
  std::vector<HostState> states(3);
  states[1].last_seq = 42;
  states[1].next_client_order_id = 777;
  Allocation cpu = alloc(41, "tenant-a", "cpu", 12);
  cpu.pinned = true;
  cpu.cpus = {2, 3};
  cpu.state = AllocationState::Active;
  states[1].book.add(cpu);
  Allocation mig = alloc(42, "tenant-b", "mig.1g.10gb", 2);
  mig.mig = {MigInstanceRecord{0, 3, 1}, MigInstanceRecord{0, kNoGpuInstance, 2}};
  mig.key.instance = 9;
  mig.state = AllocationState::Refused;
  mig.why = "no free placement for 1g.10gb";
  states[1].book.add(mig);
  states[2].last_seq = 9;
  states[2].book.add(alloc(5, "tenant-c", "mem", 4096));
  states[2].book.add(alloc(6, "tenant-c", "io", 100));
  Allocation ended = alloc(7, "tenant-a", "cpu", 3);
  ended.state = AllocationState::Ended;
  states[2].book.add(ended);
  for (std::size_t k = 0; k < states.size(); ++k) {
    common::TempDir dir("swarmex-fuzz-state");
    save_host_state(dir.str(), states[k]);
    fs::copy_file(dir.path() / "state", root / "host_state" / ("state-" + std::to_string(k)),
                  fs::copy_options::overwrite_existing);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: fuzz_seeds <corpus root> <etc dir>\n");
    return 2;
  }
  const fs::path root = argv[1];
  for (const char* t : {"journal_record", "journal_segment", "snapshot", "gateway_config",
                        "host_config", "host_state"})
    fs::create_directories(root / t);
  journal_and_snapshots(root);
  host_states(root);
  int configs = 0;
  for (const auto& e : fs::directory_iterator(argv[2]))
    if (e.path().extension() == ".toml") {
      for (const char* t : {"gateway_config", "host_config"})
        fs::copy_file(e.path(), root / t / e.path().filename(),
                      fs::copy_options::overwrite_existing);
      ++configs;
    }
  std::printf("%d configuration files\n", configs);
  return 0;
}
