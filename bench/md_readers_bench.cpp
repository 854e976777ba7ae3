// Others' order -> ack latency beside market-data subscribers that never read (or read all of
// every book), against the same run without them: a real swarmexd on loopback, alternating
// segments without and with N subscribers, one trading session sending orders at a steady rate
// (a buy resting at a new level, then a sell taking it: book updates and trades on 3 books).
#include <poll.h>
#include <sys/socket.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "server_process.hpp"
#include "swarmex/client/client.hpp"
#include "swarmex/common/temp_dir.hpp"

namespace {

using namespace std::chrono_literals;
using swarmex::client::Client;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string swarmexd;
  int readers = 40;
  std::string mode = "never";  // never | greedy
  int segments = 6;
  int segment_ms = 3000;
  int rate = 2000;  // orders per second
  std::string durability = "async";
  std::string market_data;  // lines for [market_data]
};

std::unique_ptr<Client> session(int port, const char* name) {
  auto c = std::make_unique<Client>();
  c->connect("127.0.0.1", static_cast<std::uint16_t>(port), 5s);
  auto r = c->logon(name, std::string(name) + "-token", swarmex::wire::Role::Tenant);
  if (!r.ok()) throw std::runtime_error("logon " + std::string(name) + ": " + r.text);
  return c;
}

double percentile(std::vector<std::int64_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return static_cast<double>(v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))]) /
         1e3;
}

// One segment: orders at the rate for segment_ms; the latencies (ns) of their first reports.
// Buys from one session, sells from another (a principal's own sell would not take its buy).
std::vector<std::int64_t> trade(Client& buyer, Client& seller, const Options& o,
                                std::uint64_t& next_id) {
  std::vector<std::int64_t> lat;
  const auto end = Clock::now() + std::chrono::milliseconds(o.segment_ms);
  const auto gap = std::chrono::nanoseconds(1'000'000'000 / o.rate);
  auto due = Clock::now();
  while (Clock::now() < end) {
    const std::uint64_t id = next_id++;
    swarmex::client::OrderSpec s;
    s.client_order_id = id;
    s.instrument = static_cast<std::uint32_t>(1 + (id / 2) % 3);
    s.side = id % 2 == 0 ? swarmex::wire::Side::Buy : swarmex::wire::Side::Sell;
    s.price = 1000 + 100 * static_cast<std::int64_t>((id / 6) % 50);
    s.qty = 1;
    Client& c = id % 2 == 0 ? buyer : seller;
    const auto sent = Clock::now();
    c.new_order(s);
    for (;;) {
      const swarmex::wire::Message* m = c.receive(5s);
      if (m == nullptr) throw std::runtime_error("no report within 5 s");
      const auto* r = m->body_as_ExecutionReport();
      if (r != nullptr && r->client_order_id() == id) break;
    }
    lat.push_back((Clock::now() - sent).count());
    due += gap;
    std::this_thread::sleep_until(due);
  }
  return lat;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"order->ack beside never-reading or greedy market-data subscribers"};
  app.add_option("--swarmexd", o.swarmexd, "the swarmexd binary")->required();
  app.add_option("--readers", o.readers, "subscribers in the segments with them");
  app.add_option("--mode", o.mode, "never: they never read; greedy: they read everything")
      ->check(CLI::IsMember({"never", "greedy"}));
  app.add_option("--segments", o.segments, "segments of each kind, alternating");
  app.add_option("--segment-ms", o.segment_ms, "length of each segment");
  app.add_option("--rate", o.rate, "orders per second of the trading session");
  app.add_option("--durability", o.durability, "journal durability");
  app.add_option("--market-data", o.market_data, "lines for swarmexd's [market_data] table");
  CLI11_PARSE(app, argc, argv);

  swarmex::common::TempDir dir;
  swarmex::testing::ServerProcess server(
      o.swarmexd, dir.str(),
      swarmex::testing::test_config("idle_timeout_ms = 60000\nmax_sessions = 4096", o.durability, 2,
                                    "[market_data]\n" + o.market_data + "\n"));
  server.start();
  auto buyer = session(server.port(), "tenant-a");
  auto seller = session(server.port(), "tenant-c");
  std::uint64_t next_id = 1;
  trade(*buyer, *seller, o, next_id);  // warm-up
  std::vector<std::int64_t> without, with;
  for (int seg = 0; seg < 2 * o.segments; ++seg) {
    const bool readers = seg % 2 == 1;
    std::vector<std::unique_ptr<Client>> subs;
    std::atomic<bool> stop{false};
    std::thread reader;
    if (readers) {
      for (int i = 0; i < o.readers; ++i) {
        subs.push_back(session(server.port(), "tenant-b"));
        if (o.mode == "never") {
          const int bytes = 4096;  // the kernel holds little for it: the server's backlog grows
          ::setsockopt(subs.back()->native_handle(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
        }
        subs.back()->subscribe_market_data({}, 10);
      }
      if (o.mode == "greedy")
        reader = std::thread([&] {
          std::vector<pollfd> fds;
          for (auto& c : subs)
            fds.push_back(pollfd{c->native_handle(), POLLIN, 0});
          while (!stop.load()) {
            if (::poll(fds.data(), fds.size(), 100) <= 0) continue;
            for (std::size_t i = 0; i < subs.size(); ++i)
              if (fds[i].revents != 0)
                while (subs[i]->try_receive() != nullptr) {
                }
          }
        });
    }
    auto lat = trade(*buyer, *seller, o, next_id);
    stop.store(true);
    if (reader.joinable()) reader.join();
    std::printf("segment %2d %-7s orders %6zu  p50 %8.1f us  p99 %8.1f us  max %8.1f us\n", seg,
                readers ? "readers" : "alone", lat.size(), percentile(lat, 0.5),
                percentile(lat, 0.99), percentile(lat, 1.0));
    std::fflush(stdout);
    (readers ? with : without).insert((readers ? with : without).end(), lat.begin(), lat.end());
    subs.clear();
    std::this_thread::sleep_for(200ms);  // their sessions close before the next segment
  }
  const double p99_without = percentile(without, 0.99), p99_with = percentile(with, 0.99);
  std::printf("%d %s readers: order->ack p50 %.1f us -> %.1f us, p99 %.1f us -> %.1f us (%.2fx)\n",
              o.readers, o.mode.c_str(), percentile(without, 0.5), percentile(with, 0.5),
              p99_without, p99_with, p99_without > 0 ? p99_with / p99_without : 0.0);
  server.stop();
  return 0;
}
