#include "stream_replay.hpp"

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "swarmex/cluster/error.hpp"
#include "swarmex/cluster/journal_stream.hpp"
#include "swarmex/cluster/stream.hpp"
#include "swarmex/cluster/stream_follower.hpp"
#include "swarmex/journal/assembly.hpp"
#include "swarmex/journal/record.hpp"

namespace swarmex::cluster_test {

namespace {

// Partition i's commands 1 ... upto from its stream, in order.
journal::JournalBatch read_stream(cluster::JetStream& js, const std::string& cluster_name,
                                  std::uint32_t i, std::uint64_t upto) {
  const std::string stream = cluster::journal_stream_name(cluster_name, i);
  const std::uint64_t last = cluster::stream_state(js, stream).last_seq;
  journal::JournalBatch batch;
  engine::Seq next = 1;
  if (last == 0) return batch;
  cluster::StreamFollower f(js, stream, cluster::journal_subject(cluster_name, i), 1);
  for (std::uint64_t got = 0; got < last && next <= upto;) {
    const auto m = f.next(5000);
    if (!m) throw std::runtime_error(stream + ": no message after " + std::to_string(got));
    got = m->seq;
    std::size_t off = 0;
    while (off < m->data.size()) {
      engine::Command c;
      std::size_t len = 0;
      if (journal::decode_record(std::span(m->data).subspan(off), &c, &len) !=
          journal::DecodeStatus::Ok)
        throw std::runtime_error(stream + ": bad record in message " + std::to_string(m->seq));
      off += len;
      if (c.seq < next) continue;  // already there (a new leader's overlap)
      if (c.seq > upto) break;
      if (c.seq != next)
        throw std::runtime_error(stream + ": seq " + std::to_string(c.seq) + " after " +
                                 std::to_string(next - 1));
      batch.commands.push_back(c);
      ++next;
    }
  }
  return batch;
}

}  // namespace

std::vector<std::pair<std::uint64_t, std::uint64_t>> replay_streams(
    cluster::JetStream& js, const std::string& cluster_name, const gateway::Config& cfg,
    const std::vector<std::uint64_t>& upto, const std::string& scratch) {
  std::filesystem::remove_all(scratch);
  std::filesystem::create_directories(scratch);
  for (std::uint32_t i = 0; i < upto.size(); ++i) {
    // A NATS node was just killed: its streams may still be electing a leader, so a request
    // that times out is tried again (from the start of the stream) for up to a minute.
    journal::JournalBatch batch;
    for (int attempt = 1;; ++attempt) {
      try {
        batch = read_stream(js, cluster_name, i, upto[i]);
        break;
      } catch (const cluster::NatsError&) {
        if (attempt >= 60) throw;
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
    }
    auto files = journal::open_directory(scratch + "/partition-" + std::to_string(i));
    journal::JournalWriter writer(*files, cfg.journal.segment_bytes, 1, {});
    journal::JournalBatch* b = &batch;
    if (!batch.commands.empty() && writer.write_batches(&b, 1) < 0)
      throw std::runtime_error("scratch journal: " + writer.failure());
  }
  journal::AssemblyConfig ac = gateway::assembly_config(cfg, nullptr, {});
  ac.durability = journal::Durability::Sync;  // only recovered, never started
  ac.journal_path = scratch;
  journal::ExchangeAssembly exchange(ac);
  std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
  for (std::uint32_t i = 0; i < exchange.partitions(); ++i) {
    const engine::Engine& e = exchange.partition(i).engine();
    out.emplace_back(e.last_seq(), e.state_hash());
  }
  return out;
}

}  // namespace swarmex::cluster_test
