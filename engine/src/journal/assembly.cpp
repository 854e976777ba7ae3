#include "swarmex/journal/assembly.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "swarmex/common/clock.hpp"
#include "swarmex/engine/state_hash.hpp"

namespace swarmex::journal {

namespace {

// `<journal>/partition-<i>`. A journal written before partitions had that name keeps its data in
// `<journal>/shard-<i>`: moved once to the new name (an atomic rename on one filesystem).
std::string partition_directory(const std::string& journal_path, std::size_t i) {
  const std::string dir = journal_path + "/partition-" + std::to_string(i);
  const std::string before = journal_path + "/shard-" + std::to_string(i);
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec) && std::filesystem::is_directory(before, ec))
    std::filesystem::rename(before, dir);  // throws with both paths when it cannot
  return dir;
}

}  // namespace

struct ExchangeAssembly::Taking {
  engine::EngineSnapshot snap;
  engine::SnapshotCapture capture;
  std::unique_ptr<AttachmentCapture> attachment;
  bool orders_done = false;
  std::uint64_t steps = 0;
  std::int64_t max_step_ns = 0;
};

// Instruments created live: routed to their partition, and made known before any of their
// events replays.
void ExchangeAssembly::learn(std::uint32_t i, const engine::InstrumentSpec& spec) {
  if (spec.id > engine::kMaxInstrumentId || in_config_[spec.id]) return;
  routing_.learn(spec, i);
  if (hooks_.on_learned) hooks_.on_learned(spec);
}

ExchangeAssembly::ExchangeAssembly(const AssemblyConfig& config, AssemblyHooks hooks_in)
    : hooks_(std::move(hooks_in)),
      durability_(config.durability),
      snapshot_interval_(config.snapshot_interval),
      in_config_(engine::kMaxInstrumentId + 1, false),
      routing_(engine::tradable_instruments(config.instruments, config.products),
               config.partitions) {
  const AssemblyHooks& hooks = hooks_;
  const std::uint32_t n = routing_.partitions();
  const bool journaled = config.durability != Durability::None;
  if (journaled) open_directory(config.journal_path);  // creates the parent
  for (const auto& spec : engine::tradable_instruments(config.instruments, config.products))
    if (spec.id <= engine::kMaxInstrumentId) in_config_[spec.id] = true;
  const auto learn = [this](std::uint32_t i, const engine::InstrumentSpec& spec) {
    this->learn(i, spec);
  };

  // First every partition's snapshot, then every partition's journal: whatever the embedding
  // process adds up over the partitions' snapshots is complete before any replayed event.
  std::vector<engine::PartitionConfig> configs(n);
  std::vector<RecoveryOptions> options(n);
  std::vector<Recovered> recovered(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    auto part = std::make_unique<Part>();
    engine::PartitionConfig& sc = configs[i];
    sc.engine = config.engine;
    sc.wait = config.wait;
    sc.batch = config.batch;
    sc.clock = config.clock;
    sc.output = config.output;
    sc.on_output = config.wake;
    sc.on_pending = config.wake;
    RecoveryOptions& opt = options[i];
    opt.engine = sc.engine;
    for (const auto& spec : config.instruments)
      if (routing_.partition_of(spec.id) == i) opt.instruments.push_back(spec);
    for (const auto& p : config.products)  // a product's books share its pool: one partition
      if (routing_.partition_of(p.rules.id) == i) opt.products.push_back(p);
    if (!opt.products.empty()) rolled_.push_back(i);
    if (journaled) {
      part->files = open_directory(partition_directory(config.journal_path, i));
      opt.on_restored = [&learn, i](const engine::Engine& e) {
        for (const engine::InstrumentId id : e.instruments())
          if (e.product_of(id) == nullptr) learn(i, *e.instrument(id));
      };
      recovered[i] = restore_snapshot(*part->files, opt);  // throws on corruption
      if (hooks.on_restored) hooks.on_restored(i, *recovered[i].engine, recovered[i]);
    }
    parts_.push_back(std::move(part));
  }

  for (std::uint32_t i = 0; i < n; ++i) {
    Part* raw = parts_[i].get();
    engine::PartitionConfig& sc = configs[i];
    std::unique_ptr<engine::Engine> engine;
    if (journaled) {
      RecoveryOptions& opt = options[i];
      opt.on_replayed = [&learn, &hooks, i](const engine::Command& c,
                                            const engine::EventBuffer& ev) {
        if (c.kind == engine::CommandKind::CreateInstrument && !ev.events().empty() &&
            ev[0].kind == engine::EventKind::Accepted)
          learn(i, engine::spec_of(c.create));
        if (hooks.on_replayed) hooks.on_replayed(i, c, ev);
      };
      Recovered& rec = recovered[i];
      replay_journal(*raw->files, opt, rec);  // throws on corruption
      if (hooks.on_recovered) hooks.on_recovered(i, *rec.engine);
      for (auto& line : rec.log)
        log_.push_back("partition " + std::to_string(i) + ": " + line);
      log_.push_back(recovered_line(i, *rec.engine,
                                    std::to_string(rec.replayed) + " commands replayed from " +
                                        std::to_string(rec.segments_read) + " segments; " +
                                        std::to_string(rec.segments_skipped) +
                                        " older segments before the snapshot not read"));
      engine = std::move(rec.engine);
      raw->journal = std::make_unique<JournalWriter>(
          *raw->files, config.segment_bytes, engine->last_seq() + 1,
          [raw](const std::vector<engine::Event>& events) { raw->engine->publish(events); });
      raw->journal->set_observer(config.journal_observer, i);
      RetentionPolicy retention{config.retention, {}};
      if (config.retention == Retention::Archive)
        retention.archive_dir = config.archive_path + "/partition-" + std::to_string(i);
      raw->snapshots = std::make_unique<SnapshotWriter>(*raw->files, raw->journal.get(),
                                                        config.keep_snapshots, retention);
      if (hooks.on_snapshot_written)
        raw->snapshots->set_on_written(
            [i, f = hooks.on_snapshot_written](const SnapshotReport& r) { f(i, r); });
      const bool sync = releases_after_write(config.durability);
      const std::uint64_t hash_every = replicated(config.durability)
                                           ? std::max<std::uint64_t>(config.state_hash_interval, 1)
                                           : 0;
      raw->since_hash = hash_every;  // the first batch carries one
      sc.on_batch = [raw, sync, hash_every, i, on_batch = hooks.on_batch](
                        std::span<const engine::Command> cmds, const engine::EventBuffer& events) {
        if (on_batch) on_batch(i, cmds, events, raw->engine->engine());
        JournalBatch* b = raw->journal->acquire();
        b->commands.assign(cmds.begin(), cmds.end());
        if (sync) b->events.assign(events.begin(), events.end());
        if (hash_every != 0 && (raw->since_hash += cmds.size()) >= hash_every) {
          b->state_hash = raw->engine->engine().state_hash();  // a standby's check
          raw->since_hash = 0;
        }
        raw->journal->submit(b);
        return sync;  // in sync mode the journal publishes once the batch is on disk
      };
      sc.snapshot_interval = config.snapshot_interval;
      // The matching thread copies in steps between batches (begin: all but the orders; then at
      // most `snapshot_step_orders` order slots, then attachment entries, a step); finishing
      // the orders, the attachment's encoding, the file's encoding, write and fsync, and
      // retention run on the snapshot thread. While the previous snapshot is still being
      // written, nothing is copied.
      const std::uint32_t budget = std::max<std::uint32_t>(config.snapshot_step_orders, 1);
      sc.on_snapshot = [raw, i, attachment = hooks.attachment](engine::Engine& e) {
        if (!raw->snapshots->ready()) return false;
        const std::int64_t t0 = common::steady_ns();
        if (!raw->taking) raw->taking = std::make_unique<Taking>();
        Taking& t = *raw->taking;
        t.snap = raw->snapshots->take_spare();
        e.begin_snapshot(t.snap, t.capture);
        t.attachment = attachment ? attachment(i, e) : nullptr;
        t.orders_done = false;
        t.steps = 1;
        t.max_step_ns = common::steady_ns() - t0;
        return true;
      };
      sc.on_snapshot_step = [raw, budget](engine::Engine& e) {
        const std::int64_t t0 = common::steady_ns();
        Taking& t = *raw->taking;
        bool done = false;
        if (!t.orders_done) {
          t.orders_done = e.snapshot_step(budget);
          raw->max_step_slots.store(std::max(raw->max_step_slots.load(std::memory_order_relaxed),
                                             t.capture.max_step_slots),
                                    std::memory_order_relaxed);
          done = t.orders_done && !t.attachment;
        } else {
          done = t.attachment->step(t.capture, t.snap, budget);
        }
        ++t.steps;
        raw->steps.fetch_add(1, std::memory_order_relaxed);
        t.max_step_ns = std::max(t.max_step_ns, common::steady_ns() - t0);
        if (!done) return false;
        raw->kept.fetch_add(t.capture.kept, std::memory_order_relaxed);
        // Handed to the snapshot thread: the captured orders and the attachment's copy move with
        // it.
        auto capture = std::make_shared<engine::SnapshotCapture>(std::move(t.capture));
        std::shared_ptr<AttachmentCapture> att = std::move(t.attachment);
        raw->snapshots->submit(
            std::move(t.snap),
            [capture, att](engine::EngineSnapshot& snap) {
              engine::finish_snapshot(snap, *capture);
              return att ? att->encode(snap) : std::vector<std::uint8_t>{};
            },
            t.max_step_ns, t.steps);
        t.capture = {};
        return true;
      };
      raw->begin_snapshot = sc.on_snapshot;
      raw->snapshot_step = sc.on_snapshot_step;
    } else {
      engine = std::make_unique<engine::Engine>(sc.engine);
      for (const auto& spec : options[i].instruments)
        engine->add_instrument(spec);
      for (const auto& p : options[i].products)
        engine->add_product(p);
    }
    raw->engine = std::make_unique<engine::EnginePartition>(i, sc, std::move(engine));
  }
  if (!config.replicators.empty()) attach_replicators(config.replicators);
}

// "partition i: recovered to seq S state hash H (how)": what cluster-test and operators read.
std::string ExchangeAssembly::recovered_line(std::uint32_t i, const engine::Engine& e,
                                             const std::string& how) {
  return "partition " + std::to_string(i) + ": recovered to seq " + std::to_string(e.last_seq()) +
         " state hash " + engine::format_state_hash(e.state_hash()) + " (" + how + ")";
}

void ExchangeAssembly::attach_replicators(const std::vector<JournalReplicator*>& replicators) {
  if (!replicated(durability_)) return;
  for (std::size_t i = 0; i < parts_.size(); ++i)
    if (i < replicators.size() && replicators[i] != nullptr)
      parts_[i]->journal->set_replicator(replicators[i], durability_ == Durability::ReplicatedSync);
}

std::uint64_t ExchangeAssembly::follow(std::uint32_t i, std::span<const engine::Command> commands) {
  Part& p = *parts_.at(i);
  if (!p.journal)
    throw std::logic_error("follow: partition " + std::to_string(i) + " has no journal");
  engine::Engine& e = p.engine->engine();
  if (commands.empty()) return e.state_hash();
  // The journal first: a standby that dies in between replays what its engine had not applied.
  follow_journal_.commands.assign(commands.begin(), commands.end());
  JournalBatch* b = &follow_journal_;
  if (p.journal->write_batches(&b, 1) < 0)
    throw std::runtime_error("partition " + std::to_string(i) +
                             ": journal write failed: " + p.journal->failure());
  follow_batch_.clear();
  for (const engine::Command& c : commands) {
    follow_events_.clear();
    e.apply(c, follow_events_);
    if (c.kind == engine::CommandKind::CreateInstrument && !follow_events_.empty() &&
        follow_events_[0].kind == engine::EventKind::Accepted)
      learn(i, engine::spec_of(c.create));
    if (hooks_.on_followed) hooks_.on_followed(i, c, follow_events_);
    for (const engine::Event& ev : follow_events_)
      follow_batch_.push(ev);
  }
  if (hooks_.on_batch) hooks_.on_batch(i, commands, follow_batch_, e);
  // Its own snapshots, as a leader takes them: a standby restarted replays only what followed.
  p.followed += commands.size();
  p.followed_since_snapshot += commands.size();
  if (snapshot_interval_ != 0 && p.followed_since_snapshot >= snapshot_interval_ &&
      p.begin_snapshot) {
    p.snapshots->start();  // its thread writes the file; no-op once started
    if (p.begin_snapshot(e)) {
      while (!p.snapshot_step(e)) {
      }
      p.followed_since_snapshot = 0;
    }
  }
  return e.state_hash();
}

std::vector<std::string> ExchangeAssembly::lead(
    const std::vector<JournalReplicator*>& replicators) {
  attach_replicators(replicators);
  std::vector<std::string> lines;
  for (std::uint32_t i = 0; i < parts_.size(); ++i) {
    const Part& p = *parts_[i];
    if (!p.journal) continue;
    const engine::Engine& e = p.engine->engine();
    if (hooks_.on_recovered) hooks_.on_recovered(i, e);
    lines.push_back(recovered_line(i, e,
                                   "hot standby: " + std::to_string(p.followed) +
                                       " commands applied from the streams, none replayed at "
                                       "takeover"));
  }
  return lines;
}

ExchangeAssembly::SnapshotSteps ExchangeAssembly::snapshot_steps(std::size_t i) const {
  return {parts_[i]->steps.load(std::memory_order_relaxed),
          parts_[i]->max_step_slots.load(std::memory_order_relaxed),
          parts_[i]->kept.load(std::memory_order_relaxed)};
}

ExchangeAssembly::~ExchangeAssembly() {
  stop();
}

void ExchangeAssembly::start() {
  if (replicated(durability_))
    for (std::size_t i = 0; i < parts_.size(); ++i)
      if (parts_[i]->journal && !parts_[i]->journal->replicated())
        throw std::runtime_error("durability " + std::string(to_string(durability_)) +
                                 ": no replicator for partition " + std::to_string(i));
  for (auto& p : parts_) {
    if (p->journal) p->journal->start();
    if (p->snapshots) p->snapshots->start();
    p->engine->start();
  }
}

void ExchangeAssembly::stop() {
  for (auto& p : parts_) {
    p->engine->stop();
    if (p->journal) p->journal->stop();
    if (p->snapshots) p->snapshots->stop();
  }
}

bool ExchangeAssembly::submit(const engine::Command& cmd) {
  const engine::InstrumentId id = engine::routing_instrument(cmd);
  if (id == engine::kAllInstruments) {  // a mass cancel of everything: every partition
    bool ok = true;
    for (auto& p : parts_)
      ok = p->engine->submit(cmd) && ok;
    return ok;
  }
  return parts_[routing_.partition_of(id)]->engine->submit(cmd);
}

bool ExchangeAssembly::submit_to(std::uint32_t partition, const engine::Command& cmd) {
  return parts_[partition < parts_.size() ? partition : 0]->engine->submit(cmd);
}

bool ExchangeAssembly::flush() {
  bool more = false;
  for (auto& p : parts_)
    more = p->engine->flush() || more;
  return more;
}

void ExchangeAssembly::roll() {
  engine::Command c;
  c.kind = engine::CommandKind::Roll;
  c.control.instrument = 0;
  for (const std::uint32_t i : rolled_)
    parts_[i]->engine->submit(c);
}

void ExchangeAssembly::roll_all() {
  engine::Command c;
  c.kind = engine::CommandKind::Roll;
  c.control.instrument = 0;
  for (auto& p : parts_)
    p->engine->submit(c);
}

void ExchangeAssembly::request_snapshot() {
  for (auto& p : parts_)
    p->engine->request_snapshot();
}

bool ExchangeAssembly::journal_failed() const noexcept {
  for (const auto& p : parts_)
    if (p->journal && p->journal->failed()) return true;
  return false;
}

JournalStats ExchangeAssembly::journal_stats() const {
  JournalStats total;
  for (const auto& p : parts_) {
    if (!p->journal) continue;
    const auto st = p->journal->stats();
    total.writes += st.writes;
    total.records += st.records;
    total.bytes += st.bytes;
    total.segments += st.segments;
    total.max_records_per_write = std::max(total.max_records_per_write, st.max_records_per_write);
  }
  return total;
}

}  // namespace swarmex::journal
