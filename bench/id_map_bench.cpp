// What one I/O thread does with client order ids, per new order, for 32 principals filling at
// the same pace: a duplicate check, two puts (client id -> order, order id -> client id) and the
// lookup of a recent order's client id (its report). Through std::unordered_map (the baseline,
// which rehashes all at once when it grows) and through gateway/src/id_map.hpp (which grows a
// few nodes per insert). Each order's work is timed with the TSC: the tail is the point.
//
//   swarmex-id-map-bench [--orders-per-principal N] [--principals P] [--runs R]
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <unordered_map>
#include <vector>

#include "id_map.hpp"
#include "tsc_clock.hpp"

namespace {

using swarmex::bench::process_tsc_clock;
using swarmex::bench::tsc_now;
using swarmex::gateway::IdMap;

struct ClientOrder {
  std::uint64_t order_id;
  std::uint32_t instrument;
};

// The gateway's use of std::unordered_map before IdMap.
struct StdMaps {
  explicit StdMaps(std::uint64_t) {}
  std::unordered_map<std::uint64_t, ClientOrder> by_client;
  std::unordered_map<std::uint64_t, std::uint64_t> client_of;
  bool duplicate(std::uint64_t client) const { return by_client.count(client) != 0; }
  void remember(std::uint64_t client, std::uint64_t order) {
    by_client[client] = ClientOrder{order, 1};
    client_of[order] = client;
  }
  std::uint64_t client_of_order(std::uint64_t order) const {
    const auto it = client_of.find(order);
    return it == client_of.end() ? 0 : it->second;
  }
};

struct IdMaps {
  explicit IdMaps(std::uint64_t principal) : by_client(principal), client_of(~principal) {}
  IdMap<ClientOrder> by_client;
  IdMap<std::uint64_t> client_of;
  bool duplicate(std::uint64_t client) const { return by_client.find(client) != nullptr; }
  void remember(std::uint64_t client, std::uint64_t order) {
    by_client.put(client, ClientOrder{order, 1});
    client_of.put(order, client);
  }
  std::uint64_t client_of_order(std::uint64_t order) const {
    const std::uint64_t* c = client_of.find(order);
    return c == nullptr ? 0 : *c;
  }
};

struct Result {
  double ns_per_order, p50_ns, p99_ns, p999_ns, max_ns, over_100us_ms;
};

template <typename Maps>
Result run(std::uint64_t principals, std::uint64_t per_principal) {
  std::vector<Maps> maps;
  for (std::uint64_t p = 1; p <= principals; ++p)
    maps.emplace_back(p);
  const auto& clock = process_tsc_clock();
  std::vector<double> ns;
  ns.reserve(principals * per_principal);
  std::uint64_t order_id = 0;
  std::uint64_t sink = 0;
  const std::uint64_t t0 = tsc_now();
  std::uint64_t prev = t0;
  for (std::uint64_t n = 1; n <= per_principal; ++n) {
    for (std::uint64_t p = 0; p < principals; ++p) {
      Maps& m = maps[p];
      const std::uint64_t client = n;  // each principal numbers its own orders
      ++order_id;                      // exchange order ids interleave across principals
      sink += m.duplicate(client);
      m.remember(client, order_id);
      // The report of an order sent 64 orders ago by the same principal.
      if (order_id > 64 * principals) sink += m.client_of_order(order_id - 64 * principals);
      const std::uint64_t now = tsc_now();
      ns.push_back(clock.to_ns(now - prev));
      prev = now;
    }
  }
  const double total_ns = clock.to_ns(prev - t0);
  if (sink == 42) std::puts("");  // keeps the lookups observable
  Result r{};
  r.ns_per_order = total_ns / static_cast<double>(ns.size());
  r.over_100us_ms = 0;
  for (const double x : ns)
    if (x > 100'000) r.over_100us_ms += x / 1e6;
  r.max_ns = *std::max_element(ns.begin(), ns.end());
  r.p50_ns = swarmex::bench::sample_percentile(ns, 0.50);
  r.p99_ns = swarmex::bench::sample_percentile(ns, 0.99);
  r.p999_ns = swarmex::bench::sample_percentile(ns, 0.999);
  return r;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <typename Maps>
void report(const char* label, std::uint64_t principals, std::uint64_t per_principal, int runs) {
  std::vector<Result> rs;
  for (int i = 0; i < runs; ++i)
    rs.push_back(run<Maps>(principals, per_principal));
  auto med = [&](double Result::*f) {
    std::vector<double> v;
    for (const Result& r : rs)
      v.push_back(r.*f);
    return median(v);
  };
  std::printf(
      "%-18s %7.1f ns/order  p50 %6.0f  p99 %6.0f  p99.9 %8.0f  max %10.0f ns  "
      "%6.2f ms in orders over 100 us\n",
      label, med(&Result::ns_per_order), med(&Result::p50_ns), med(&Result::p99_ns),
      med(&Result::p999_ns), med(&Result::max_ns), med(&Result::over_100us_ms));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Client order id maps as one I/O thread uses them: std::unordered_map vs IdMap."};
  std::uint64_t principals = 32;
  std::uint64_t per_principal = 100'000;
  int runs = 5;
  app.add_option("--principals", principals, "principals, one pair of maps each");
  app.add_option("--orders-per-principal", per_principal, "new orders each principal sends");
  app.add_option("--runs", runs, "repetitions; medians are reported")->check(CLI::Range(1, 100));
  CLI11_PARSE(app, argc, argv);
  std::printf("%" PRIu64 " principals x %" PRIu64 " orders, interleaved; median of %d runs\n",
              principals, per_principal, runs);
  for (int round = 0; round < 2; ++round) {  // alternated, so drift shows in both
    report<StdMaps>("std::unordered_map", principals, per_principal, runs);
    report<IdMaps>("IdMap", principals, per_principal, runs);
  }
  return 0;
}
