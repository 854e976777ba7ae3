#include "swarmex/journal/recovery.hpp"

#include <stdexcept>

#include "swarmex/journal/reader.hpp"
#include "swarmex/journal/snapshot_file.hpp"

namespace swarmex::journal {
namespace {

bool same_product(const engine::Product& a, const engine::Product& b) {
  const engine::InstrumentSpec& x = a.rules;
  const engine::InstrumentSpec& y = b.rules;
  return a.length_ns == b.length_ns && a.listed_ahead_ns == b.listed_ahead_ns &&
         a.gate_closure_ns == b.gate_closure_ns && x.symbol == y.symbol &&
         x.resource == y.resource && x.pool == y.pool && x.tick == y.tick && x.lot == y.lot &&
         x.min_qty == y.min_qty && x.max_qty == y.max_qty && x.band_min == y.band_min &&
         x.band_max == y.band_max && x.market_protection_ticks == y.market_protection_ticks;
}

}  // namespace

Recovered recover(JournalFiles& files, const RecoveryOptions& opt) {
  Recovered rec = restore_snapshot(files, opt);
  replay_journal(files, opt, rec);
  return rec;
}

Recovered restore_snapshot(JournalFiles& files, const RecoveryOptions& opt) {
  Recovered rec;
  const std::vector<std::string> snaps = files.list(kSnapshotPrefix);
  std::vector<std::uint8_t> bytes;
  for (auto it = snaps.rbegin(); it != snaps.rend() && !rec.engine; ++it) {
    std::optional<engine::EngineSnapshot> snap;
    if (files.read(*it, &bytes)) snap = decode_snapshot(bytes);
    if (!snap || *it != snapshot_name(snap->last_seq)) {
      rec.log.push_back("snapshot " + files.path(*it) + " is damaged; trying an older one");
      continue;
    }
    auto engine = std::make_unique<engine::Engine>(opt.engine);
    try {
      engine->restore(*snap);
    } catch (const std::exception& e) {
      rec.log.push_back("snapshot " + files.path(*it) + " unusable (" + e.what() +
                        "); trying an older one");
      continue;
    }
    rec.snapshot_seq = snap->last_seq;
    rec.attachment = std::move(snap->attachment);
    rec.engine = std::move(engine);
    rec.log.push_back("loaded snapshot " + files.path(*it) + " at seq " +
                      std::to_string(rec.snapshot_seq));
  }
  if (!rec.engine) rec.engine = std::make_unique<engine::Engine>(opt.engine);
  for (const engine::InstrumentSpec& spec : opt.instruments)
    if (!rec.engine->has_instrument(spec.id)) rec.engine->add_instrument(spec);
  for (const engine::Product& p : opt.products) {
    if (!rec.engine->has_instrument(p.rules.id)) {
      rec.engine->add_product(p);
      continue;
    }
    // The gateway names, routes and dates windows by the configuration: an engine restored with
    // other calendar or trading rules would disagree with it silently.
    const engine::Product* had = rec.engine->product_of(p.rules.id);
    if (had == nullptr || !same_product(*had, p))
      throw std::runtime_error("product " + p.rules.symbol + " (id " + std::to_string(p.rules.id) +
                               ") differs from the one in the snapshot; changing a product "
                               "needs a fresh journal directory");
  }

  if (opt.on_restored) opt.on_restored(*rec.engine);
  return rec;
}

void replay_journal(JournalFiles& files, const RecoveryOptions& opt, Recovered& rec) {
  engine::EventBuffer events;
  ScanOptions scan;
  scan.repair_tail = true;
  scan.from_seq = rec.snapshot_seq + 1;
  // Only the segment holding the snapshot's next sequence and those after it are read: restart
  // time is bounded by the snapshot and the commands after it, not by the journal's size.
  scan.skip_before = rec.snapshot_seq > 0 ? rec.snapshot_seq + 1 : 0;
  scan.visit = [&](const engine::Command& cmd) {
    events.clear();
    rec.engine->apply(cmd, events);
    ++rec.replayed;
    if (opt.on_replayed) opt.on_replayed(cmd, events);
  };
  ScanResult res = scan_journal(files, scan);
  for (auto& line : res.log)
    rec.log.push_back(std::move(line));
  rec.segments_read = res.segments.size();
  rec.segments_skipped = res.segments_skipped;
  if (!res.ok) throw std::runtime_error("journal: " + res.error);
  if (res.records > 0 && res.first_seq > rec.snapshot_seq + 1)
    throw std::runtime_error("journal starts at seq " + std::to_string(res.first_seq) +
                             " but the state before it (snapshot seq " +
                             std::to_string(rec.snapshot_seq) + ") ends earlier");
  if (rec.snapshot_seq > 0 && res.records > 0 && res.last_seq < rec.snapshot_seq)
    throw std::runtime_error("journal ends at seq " + std::to_string(res.last_seq) +
                             ", before the snapshot at " + std::to_string(rec.snapshot_seq));
}

}  // namespace swarmex::journal
