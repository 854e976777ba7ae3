#include "stream_replay.hpp"

#include <filesystem>
#include <stdexcept>

#include "swarmex/cluster/journal_stream.hpp"
#include "swarmex/cluster/stream.hpp"
#include "swarmex/cluster/stream_follower.hpp"
#include "swarmex/journal/assembly.hpp"
#include "swarmex/journal/record.hpp"

namespace swarmex::cluster_test {

std::vector<std::pair<std::uint64_t, std::uint64_t>> replay_streams(
    cluster::JetStream& js, const std::string& cluster_name, const gateway::Config& cfg,
    const std::vector<std::uint64_t>& upto, const std::string& scratch) {
  std::filesystem::remove_all(scratch);
  std::filesystem::create_directories(scratch);
  for (std::uint32_t i = 0; i < upto.size(); ++i) {
    const std::string stream = cluster::journal_stream_name(cluster_name, i);
    const std::uint64_t last = cluster::stream_state(js, stream).last_seq;
    auto files = journal::open_directory(scratch + "/partition-" + std::to_string(i));
    journal::JournalWriter writer(*files, cfg.journal.segment_bytes, 1, {});
    journal::JournalBatch batch;
    engine::Seq next = 1;
    if (last > 0) {
      cluster::StreamFollower f(js, stream, cluster::journal_subject(cluster_name, i), 1);
      for (std::uint64_t got = 0; got < last && next <= upto[i];) {
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
          if (c.seq > upto[i]) break;
          if (c.seq != next)
            throw std::runtime_error(stream + ": seq " + std::to_string(c.seq) + " after " +
                                     std::to_string(next - 1));
          batch.commands.push_back(c);
          ++next;
        }
      }
    }
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
