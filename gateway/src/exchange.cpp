#include "exchange.hpp"

#include <algorithm>
#include <cstdio>

#include "swarmex/journal/recovery.hpp"

namespace swarmex::gateway {

using journal::Durability;

Exchange::Exchange(const Config& config, moodycamel::BlockingConcurrentQueue<engine::Event>* output,
                   const ReplayHook& on_replayed, const InstrumentHook& on_learned,
                   const RestoredHook& on_restored, const std::function<void()>& wake) {
  const std::uint32_t n = config.engine.shards;
  const bool journaled = config.journal.durability != Durability::None;
  if (journaled) journal::open_directory(config.journal.path);  // creates the parent
  const std::vector<engine::InstrumentSpec> tradable = tradable_instruments(config);
  const std::vector<std::uint32_t> configured = shard_of_pool(tradable, n);
  shard_of_ = std::make_unique<std::atomic<std::uint32_t>[]>(engine::kMaxInstrumentId + 1);
  for (const auto& spec : tradable) {
    shard_of_[spec.id].store(configured[spec.id], std::memory_order_relaxed);
    pool_shard_.emplace(spec.pool, configured[spec.id]);
  }
  std::vector<bool> in_config(engine::kMaxInstrumentId + 1, false);
  for (const auto& spec : tradable)
    in_config[spec.id] = true;
  // Instruments created live: routed to their shard, and made known to the gateway before any of
  // their events replays.
  const auto learn = [this, &in_config, &on_learned](std::uint32_t shard,
                                                     const engine::InstrumentSpec& spec) {
    if (spec.id > engine::kMaxInstrumentId || in_config[spec.id]) return;
    shard_of_[spec.id].store(shard, std::memory_order_relaxed);
    pool_shard_.emplace(spec.pool, shard);
    if (on_learned) on_learned(spec);
  };

  // First every shard's snapshot, then every shard's journal: a principal's stream numbers add up
  // what each shard's snapshot counted before any replayed event is numbered.
  std::vector<engine::ShardConfig> configs(n);
  std::vector<journal::RecoveryOptions> options(n);
  std::vector<journal::Recovered> recovered(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    auto s = std::make_unique<Shard>();
    engine::ShardConfig& sc = configs[i];
    sc.engine = engine::EngineConfig{config.engine.order_capacity, config.engine.swarm_capacity};
    sc.wait = config.engine.wait;
    sc.output = output;
    sc.on_output = wake;
    sc.on_pending = wake;
    journal::RecoveryOptions& opt = options[i];
    opt.engine = sc.engine;
    for (const auto& spec : config.instruments)
      if (configured[spec.id] == i) opt.instruments.push_back(spec);
    for (const auto& p : config.products)  // a product's slots share its pool, so one shard
      if (configured[p.rules.id] == i) opt.products.push_back(p);
    if (!opt.products.empty()) ticked_.push_back(i);
    if (journaled) {
      s->files = journal::open_directory(config.journal.path + "/shard-" + std::to_string(i));
      s->ledger = std::make_unique<StreamLedger>(config.principals);
      opt.on_restored = [&learn, i](const engine::Engine& e) {
        for (const engine::InstrumentId id : e.instruments())
          if (e.product_of(id) == nullptr) learn(i, *e.instrument(id));
      };
      recovered[i] = journal::restore_snapshot(*s->files, opt);  // throws on corruption
      const journal::Recovered& rec = recovered[i];
      bool restored = rec.snapshot_seq == 0;  // from the start: nothing to restore
      if (rec.snapshot_seq != 0) restored = s->ledger->decode(rec.attachment);
      if (!restored)
        log_.push_back("shard " + std::to_string(i) + ": the snapshot at seq " +
                       std::to_string(rec.snapshot_seq) +
                       " holds no stream ledger (written before snapshot version 7): report and "
                       "fill stream numbers, client order ids and the replay rings restart "
                       "from it");
      if (on_restored) on_restored(*rec.engine, restored ? s->ledger.get() : nullptr);
    }
    shards_.push_back(std::move(s));
  }

  for (std::uint32_t i = 0; i < n; ++i) {
    Shard* raw = shards_[i].get();
    engine::ShardConfig& sc = configs[i];
    std::unique_ptr<engine::Engine> engine;
    if (journaled) {
      journal::RecoveryOptions& opt = options[i];
      opt.on_replayed = [&learn, &on_replayed, raw, i](const engine::Command& c,
                                                       const engine::EventBuffer& ev) {
        if (c.kind == engine::CommandKind::CreateInstrument && !ev.events().empty() &&
            ev[0].kind == engine::EventKind::Accepted)
          learn(i, engine::spec_of(c.create));
        raw->ledger->note(c);
        for (const engine::Event& e : ev)
          raw->ledger->note(e);
        if (on_replayed) on_replayed(c, ev);
      };
      journal::Recovered& rec = recovered[i];
      journal::replay_journal(*raw->files, opt, rec);  // throws on corruption
      raw->ledger->prune(*rec.engine);
      for (auto& line : rec.log)
        log_.push_back("shard " + std::to_string(i) + ": " + line);
      char hash[32];
      std::snprintf(hash, sizeof hash, "%016llx",
                    static_cast<unsigned long long>(rec.engine->state_hash()));
      log_.push_back("shard " + std::to_string(i) + ": recovered to seq " +
                     std::to_string(rec.engine->last_seq()) + " state hash " + hash + " (" +
                     std::to_string(rec.replayed) + " commands replayed)");
      engine = std::move(rec.engine);
      raw->journal = std::make_unique<journal::JournalWriter>(
          *raw->files, config.journal.segment_bytes, engine->last_seq() + 1,
          [raw](const std::vector<engine::Event>& events) { raw->shard->publish(events); });
      raw->snapshots = std::make_unique<journal::SnapshotWriter>(*raw->files, raw->journal.get());
      const bool sync = config.journal.durability == Durability::Sync;
      sc.on_batch = [raw, sync](std::span<const engine::Command> cmds,
                                const engine::EventBuffer& events) {
        raw->ledger->note_batch(cmds, events, raw->shard->engine());
        journal::JournalBatch* b = raw->journal->acquire();
        b->commands.assign(cmds.begin(), cmds.end());
        if (sync) b->events.assign(events.begin(), events.end());
        raw->journal->submit(b);
        return sync;  // in sync mode the journal publishes once the batch is on disk
      };
      sc.snapshot_interval = config.journal.snapshot_interval;
      sc.on_snapshot = [raw](const engine::Engine& e) {
        engine::EngineSnapshot snap;
        e.snapshot(snap);
        snap.attachment = raw->ledger->encode_resting(e);  // the gateway's state, same sequence
        raw->snapshots->submit(std::move(snap));
      };
    } else {
      engine = std::make_unique<engine::Engine>(sc.engine);
      for (const auto& spec : options[i].instruments)
        engine->add_instrument(spec);
      for (const auto& p : options[i].products)
        engine->add_product(p);
    }
    raw->shard = std::make_unique<engine::EngineShard>(i, sc, std::move(engine));
  }
}

Exchange::~Exchange() {
  stop();
}

void Exchange::start() {
  for (auto& s : shards_) {
    if (s->journal) s->journal->start();
    if (s->snapshots) s->snapshots->start();
    s->shard->start();
  }
}

void Exchange::stop() {
  for (auto& s : shards_) {
    s->shard->stop();
    if (s->journal) s->journal->stop();
    if (s->snapshots) s->snapshots->stop();
  }
}

void Exchange::submit(const engine::Command& cmd) {
  const engine::InstrumentId id = engine::routing_instrument(cmd);
  if (id == engine::kAllInstruments) {  // a mass cancel of everything: every shard
    for (auto& s : shards_)
      s->shard->submit(cmd);
    return;
  }
  shards_[shard_of(id)]->shard->submit(cmd);
}

void Exchange::submit_to(std::uint32_t shard, const engine::Command& cmd) {
  shards_[shard < shards_.size() ? shard : 0]->shard->submit(cmd);
}

std::uint32_t Exchange::shard_for_pool(const std::string& pool) {
  std::lock_guard lock(pools_mu_);
  const auto known = pool_shard_.find(pool);
  if (known != pool_shard_.end()) return known->second;
  const auto shard = static_cast<std::uint32_t>(pool_shard_.size() % shards_.size());
  pool_shard_.emplace(pool, shard);
  return shard;
}

void Exchange::tick() {
  engine::Command c;
  c.kind = engine::CommandKind::Tick;
  c.control.instrument = 0;
  for (const std::uint32_t i : ticked_)
    shards_[i]->shard->submit(c);
}

void Exchange::request_snapshot() {
  for (auto& s : shards_)
    s->shard->request_snapshot();
}

bool Exchange::journal_failed() const noexcept {
  for (const auto& s : shards_)
    if (s->journal && s->journal->failed()) return true;
  return false;
}

journal::JournalStats Exchange::journal_stats() const {
  journal::JournalStats total;
  for (const auto& s : shards_) {
    if (!s->journal) continue;
    const auto st = s->journal->stats();
    total.writes += st.writes;
    total.records += st.records;
    total.bytes += st.bytes;
    total.segments += st.segments;
    total.max_records_per_write = std::max(total.max_records_per_write, st.max_records_per_write);
  }
  return total;
}

}  // namespace swarmex::gateway
