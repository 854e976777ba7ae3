// Another session's order->ack latency with and without a flood of bad logons, in alternating
// segments of one run against a real swarmexd: the flood's logons (wrong tokens and unknown
// principals, from several threads) are checked off the I/O thread, so the logged-on session
// should barely notice. Prints p50 / p99 per condition and how many flood logons were answered.
//   swarmex-logon-flood-bench --wait inline --io-threads 1 --segments 10 --segment-ms 1000
#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include "swarmex/client/client.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/common/token_hash.hpp"
#include "swarmexd_process.hpp"

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using swarmex::engine::RejectReason;
namespace wire = swarmex::wire;

std::string config(const std::string& wait, int io_threads, std::uint32_t backoff_after) {
  std::string c = "[server]\nio_threads = " + std::to_string(io_threads) +
                  "\nlogon_backoff_after = " + std::to_string(backoff_after) +
                  "\nmax_pending_per_source = 1000\nmax_pending_logons = 1000\n"
                  "rate_limit_per_s = 1000000\nrate_burst = 100000\n\n";
  c += "[engine]\npartitions = 1\nwait = \"" + wait + "\"\norder_capacity = 65536\n\n";
  c += "[journal]\ndurability = \"none\"\n\n";
  c += "[[instruments]]\nid = 1\nsymbol = \"cpu.pool-a.spot\"\nresource = \"cpu\"\n"
       "pool = \"pool-a\"\ntick = 100\nband_min = 100\nband_max = 10000000\n\n";
  const char* names[][2] = {{"tenant-a", "1"}, {"tenant-b", "2"}};
  for (const auto& n : names)
    c += std::string("[[principals]]\nname = \"") + n[0] + "\"\nid = " + n[1] +
         "\nrole = \"tenant\"\ntoken_hash = \"" +
         swarmex::common::hash_token(std::string(n[0]) + "-token") + "\"\n\n";
  return c;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"order->ack of a logged-on session with and without a bad-logon flood"};
  std::string binary = SWARMEXD_BINARY;
  std::string wait = "inline";
  int io_threads = 1;
  int segments = 10;
  int segment_ms = 1000;
  int flood_threads = 4;
  std::uint32_t backoff_after = 1'000'000;  // every flood logon is checked (PBKDF2)
  app.add_option("--swarmexd", binary, "the swarmexd binary");
  app.add_option("--wait", wait, "engine.wait (inline needs --io-threads 1)");
  app.add_option("--io-threads", io_threads, "server.io_threads");
  app.add_option("--segments", segments, "alternating segments, the first without the flood");
  app.add_option("--segment-ms", segment_ms, "length of a segment");
  app.add_option("--flood-threads", flood_threads, "threads sending bad logons");
  app.add_option("--backoff-after", backoff_after,
                 "server.logon_backoff_after (default: never back off, check every logon)");
  CLI11_PARSE(app, argc, argv);

  swarmex::common::TempDir dir;
  swarmex::tools::SwarmexdProcess server(binary, dir.str(),
                                         config(wait, io_threads, backoff_after));
  server.start();
  const auto port = static_cast<std::uint16_t>(server.port());

  swarmex::client::Client measured;
  measured.connect("127.0.0.1", port, 5s);
  if (!measured.logon("tenant-a", "tenant-a-token", wire::Role::Tenant).ok()) {
    std::fprintf(stderr, "logon failed\n");
    return 1;
  }

  std::atomic<bool> flooding{false}, stop{false};
  std::atomic<std::uint64_t> bad{0}, throttled{0}, other{0};
  std::vector<std::thread> flood;
  for (int t = 0; t < flood_threads; ++t)
    flood.emplace_back([&, t] {
      std::uint64_t i = 0;
      while (!stop.load()) {
        if (!flooding.load()) {
          std::this_thread::sleep_for(1ms);
          continue;
        }
        try {
          swarmex::client::Client c;
          c.connect("127.0.0.1", port, 5s);
          const auto r = (++i % 2 == 0)
                             ? c.logon("tenant-b", "wrong", wire::Role::Tenant)
                             : c.logon("nobody-" + std::to_string(t) + "-" + std::to_string(i), "x",
                                       wire::Role::Tenant);
          (r.reason == RejectReason::BadCredentials   ? bad
           : r.reason == RejectReason::LogonThrottled ? throttled
                                                      : other)++;
        } catch (const std::exception&) {
          other++;
        }
      }
    });

  std::vector<double> quiet, noisy;
  std::uint64_t coid = 0;
  std::uint64_t answered_flood = 0;
  double flood_seconds = 0;
  for (int s = 0; s < segments; ++s) {
    const bool on = s % 2 == 1;
    flooding = on;
    const std::uint64_t before = bad + throttled + other;
    const auto start = Clock::now();
    const auto settle = start + 100ms;  // the flood starts or drains
    const auto end = start + std::chrono::milliseconds(segment_ms);
    while (Clock::now() < end) {
      swarmex::client::OrderSpec o;
      o.client_order_id = ++coid;
      o.instrument = 1;
      o.side = wire::Side::Buy;
      o.time_in_force = wire::TimeInForce::Ioc;
      o.price = 1000;
      o.qty = 1;
      const auto sent = Clock::now();
      measured.new_order(o);
      bool acked = false;
      bool done = false;
      while (!done) {  // the ack, then the IOC's cancel
        const wire::Message* m = measured.receive(5s);
        if (m == nullptr) {
          std::fprintf(stderr, "no answer within 5 s\n");
          return 1;
        }
        if (m->body_type() != wire::Body::ExecutionReport) continue;
        const auto* r = m->body_as_ExecutionReport();
        if (r->client_order_id() != coid) continue;
        if (!acked) {
          acked = true;
          const double us = std::chrono::duration<double, std::micro>(Clock::now() - sent).count();
          if (sent >= settle) (on ? noisy : quiet).push_back(us);
        }
        done = r->kind() != wire::ExecKind::Accepted;
      }
    }
    if (on) {
      answered_flood += bad + throttled + other - before;
      flood_seconds += std::chrono::duration<double>(Clock::now() - start).count();
    }
  }
  stop = true;
  flooding = false;
  for (auto& t : flood)
    t.join();
  server.stop();

  const double q50 = percentile(quiet, 0.5), n50 = percentile(noisy, 0.5);
  std::printf("wait=%s io_threads=%d flood_threads=%d backoff_after=%u segments=%d x %d ms\n",
              wait.c_str(), io_threads, flood_threads, backoff_after, segments, segment_ms);
  std::printf("without flood: %zu orders, order->ack p50 %.1f us, p99 %.1f us\n", quiet.size(), q50,
              percentile(quiet, 0.99));
  std::printf("with flood:    %zu orders, order->ack p50 %.1f us, p99 %.1f us (p50 x%.2f)\n",
              noisy.size(), n50, percentile(noisy, 0.99), q50 > 0 ? n50 / q50 : 0.0);
  std::printf(
      "flood logons answered: %.0f /s (bad_credentials %llu, logon_throttled %llu, "
      "other %llu)\n",
      flood_seconds > 0 ? static_cast<double>(answered_flood) / flood_seconds : 0.0,
      static_cast<unsigned long long>(bad.load()),
      static_cast<unsigned long long>(throttled.load()),
      static_cast<unsigned long long>(other.load()));
  return 0;
}
