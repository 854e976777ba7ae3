// swarmex-crash-test: starts swarmexd (durability sync) on loopback, trades from several
// sessions, SIGKILLs it at a random moment, restarts it and checks the exchange against the
// clients' logs: no acknowledged order or reported fill lost, every order in the state it was
// acknowledged in, and the restarted engine's hash equal to a fresh replay of the same journal.
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "server_process.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/gateway/config.hpp"
#include "swarmex/journal/assembly.hpp"
#include "trader.hpp"

namespace fs = std::filesystem;
using namespace swarmex;

namespace {

// Recovers a copy of the journals offline, as swarmexd assembles its exchange: seq and hash per
// partition.
std::vector<std::pair<engine::Seq, std::uint64_t>> offline_replay(const std::string& journal,
                                                                  const gateway::Config& cfg,
                                                                  const std::string& scratch) {
  std::vector<std::pair<engine::Seq, std::uint64_t>> out;
  fs::remove_all(scratch);
  fs::copy(journal, scratch, fs::copy_options::recursive);
  journal::AssemblyConfig ac = gateway::assembly_config(cfg, nullptr, {});
  ac.journal_path = scratch;
  journal::ExchangeAssembly exchange(ac);  // recovered, never started
  for (std::uint32_t i = 0; i < exchange.partitions(); ++i) {
    const engine::Engine& e = exchange.partition(i).engine();
    out.emplace_back(e.last_seq(), e.state_hash());
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"crash swarmexd at random moments and check that nothing acknowledged is lost"};
  int rounds = 20;
  std::uint64_t seed = 0;
  std::string server_binary = SWARMEX_SERVER_BINARY;
  app.add_option("--rounds", rounds, "crash/restart rounds");
  app.add_option("--seed", seed, "random seed (0 = from the clock); printed for replay");
  std::string durability = "sync";
  app.add_option("--server", server_binary, "swarmexd binary");
  app.add_option("--durability", durability,
                 "journal durability under test (async is expected to lose acknowledged work)");
  CLI11_PARSE(app, argc, argv);
  if (seed == 0)
    seed =
        static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) | 1;
  std::printf("crash-test: seed %llu (replay with --seed %llu)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  std::mt19937_64 rng(seed);
  const std::string config_text = testing::test_config("idle_timeout_ms = 60000", durability, 2);
  const gateway::Config cfg = gateway::parse_config(config_text, "crash-test");

  std::uint64_t acked = 0, lost = 0, mismatches = 0;
  for (int round = 1; round <= rounds; ++round) {
    common::TempDir dir;
    testing::ServerProcess server(server_binary, dir.str(), config_text);
    server.start();
    std::vector<std::unique_ptr<crash::Trader>> traders;
    traders.push_back(std::make_unique<crash::Trader>("host-a1", wire::Role::Host, 1, rng()));
    traders.push_back(std::make_unique<crash::Trader>("host-b1", wire::Role::Host, 2, rng()));
    for (const char* t : {"tenant-a", "tenant-b", "tenant-c"})
      traders.push_back(std::make_unique<crash::Trader>(t, wire::Role::Tenant, 0, rng()));
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (auto& t : traders)
      threads.emplace_back([&, p = server.port(), tr = t.get()] { tr->trade(p, stop); });
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 400));
    server.kill();  // SIGKILL mid-traffic
    stop = true;
    for (auto& th : threads)
      th.join();

    const auto offline = offline_replay(server.journal_dir(), cfg, dir.str() + "/replay");
    server.start();
    // "partition i: recovered to seq S state hash H": the restarted server must agree.
    const std::string out = server.output();
    const std::string restart = out.substr(out.rfind("partition 0: recovered"));
    for (std::uint32_t i = 0; i < cfg.engine.partitions; ++i) {
      const std::string key = "partition " + std::to_string(i) + ": recovered to seq ";
      const auto at = restart.find(key);
      bool same = at != std::string::npos;
      if (same) {
        std::size_t used = 0;
        const std::string rest = restart.substr(at + key.size());
        const auto seq = std::stoull(rest, &used);
        const auto hash_at = rest.find("state hash ");
        same = hash_at != std::string::npos && seq == offline[i].first &&
               std::stoull(rest.substr(hash_at + 11), nullptr, 16) == offline[i].second;
      }
      if (!same) {
        ++mismatches;
        std::printf("round %d: partition %u: restarted state differs from a fresh replay\n", round,
                    i);
      }
    }
    std::uint64_t round_lost = 0, round_mismatch = 0;
    std::vector<std::string> why;
    for (auto& t : traders) {
      acked += t->acked();
      t->verify(server.port(), &round_lost, &round_mismatch, &why);
    }
    for (const auto& w : why)
      std::printf("round %d: %s\n", round, w.c_str());
    lost += round_lost;
    mismatches += round_mismatch;
    server.stop();
    std::printf("round %d: acked so far %llu, lost %llu, mismatches %llu\n", round,
                static_cast<unsigned long long>(acked), static_cast<unsigned long long>(lost),
                static_cast<unsigned long long>(mismatches));
    std::fflush(stdout);
  }
  std::printf("crash-test: rounds=%d acked=%llu lost=%llu mismatches=%llu\n", rounds,
              static_cast<unsigned long long>(acked), static_cast<unsigned long long>(lost),
              static_cast<unsigned long long>(mismatches));
  return lost == 0 && mismatches == 0 ? 0 : 1;
}
