#include "exchange.hpp"

#include <algorithm>
#include <cstdio>

#include "swarmex/journal/recovery.hpp"

namespace swarmex::gateway {

using journal::Durability;

Exchange::Exchange(const Config& config, moodycamel::BlockingConcurrentQueue<engine::Event>* output,
                   const ReplayHook& on_replayed) {
  const std::uint32_t n = config.engine.shards;
  const bool journaled = config.journal.durability != Durability::None;
  if (journaled) journal::open_directory(config.journal.path);  // creates the parent
  shard_of_ = shard_of_pool(tradable_instruments(config), n);
  for (std::uint32_t i = 0; i < n; ++i) {
    auto s = std::make_unique<Shard>();
    engine::ShardConfig sc;
    sc.engine = engine::EngineConfig{config.engine.order_capacity, config.engine.swarm_capacity};
    sc.wait = config.engine.wait;
    sc.output = output;
    std::vector<engine::InstrumentSpec> mine;
    for (const auto& spec : config.instruments)
      if (shard_of_[spec.id] == i) mine.push_back(spec);
    std::vector<engine::Product> my_products;  // a product's slots share its pool, so one shard
    for (const auto& p : config.products)
      if (shard_of_[p.rules.id] == i) my_products.push_back(p);
    if (!my_products.empty()) ticked_.push_back(i);

    std::unique_ptr<engine::Engine> engine;
    if (journaled) {
      s->files = journal::open_directory(config.journal.path + "/shard-" + std::to_string(i));
      journal::RecoveryOptions opt;
      opt.engine = sc.engine;
      opt.instruments = mine;
      opt.products = my_products;
      opt.on_replayed = on_replayed;
      journal::Recovered rec = journal::recover(*s->files, opt);  // throws on corruption
      for (auto& line : rec.log)
        log_.push_back("shard " + std::to_string(i) + ": " + line);
      char hash[32];
      std::snprintf(hash, sizeof hash, "%016llx",
                    static_cast<unsigned long long>(rec.engine->state_hash()));
      log_.push_back("shard " + std::to_string(i) + ": recovered to seq " +
                     std::to_string(rec.engine->last_seq()) + " state hash " + hash + " (" +
                     std::to_string(rec.replayed) + " commands replayed)");
      engine = std::move(rec.engine);
      Shard* raw = s.get();
      s->journal = std::make_unique<journal::JournalWriter>(
          *s->files, config.journal.segment_bytes, engine->last_seq() + 1,
          [raw](const std::vector<engine::Event>& events) { raw->shard->publish(events); });
      s->snapshots = std::make_unique<journal::SnapshotWriter>(*s->files, s->journal.get());
      const bool sync = config.journal.durability == Durability::Sync;
      sc.on_batch = [raw, sync](std::span<const engine::Command> cmds,
                                const engine::EventBuffer& events) {
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
        raw->snapshots->submit(std::move(snap));
      };
    } else {
      engine = std::make_unique<engine::Engine>(sc.engine);
      for (const auto& spec : mine)
        engine->add_instrument(spec);
      for (const auto& p : my_products)
        engine->add_product(p);
    }
    s->shard = std::make_unique<engine::EngineShard>(i, sc, std::move(engine));
    shards_.push_back(std::move(s));
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
  shards_[id < shard_of_.size() ? shard_of_[id] : 0]->shard->submit(cmd);
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
