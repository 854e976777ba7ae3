// Swarm orders against a brute-force reference. Small random books; for each swarm order the
// reference enumerates every way each leg can take its quantity from the asks it may use
// (placement and own-ask rules included) and finds the cheapest feasible total. Legs draw on
// disjoint asks (one instrument per leg), so the cheapest bundle for a host is the sum of its
// legs' cheapest assignments: the enumeration is per leg and per host, and exhaustive.
//
// Two modes per seed: IOC swarms against fresh books (match iff the reference finds a total
// within the limit, at exactly that total), and GTC swarms resting while random asks arrive
// (after every command no resting swarm may be fillable, and every fill keeps the placement rule
// and the limit). Prints the seed of a failure; `--seed S` replays it.
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "swarm_fixture.hpp"
#include "swarmex/engine/engine.hpp"

namespace {

using namespace swarmex::engine;
using swarmex::engine::test::swarm_fills;

constexpr OwnerId kBuyer = 7;
constexpr int kInstruments = 3;

struct Ask {
  Price price;
  Qty qty;
  HostId host;
  OwnerId owner;
  bool operator==(const Ask&) const = default;
};

// Cheapest cost of taking exactly `need` from `asks`, by enumerating every per-ask quantity
// vector (depth first; a branch stops once it has taken more than `need`). nullopt when
// impossible.
void enumerate(const std::vector<Ask>& asks, std::size_t i, Qty need, Price cost,
               std::optional<Price>& best) {
  if (need == 0) {
    if (!best || cost < *best) best = cost;
    return;
  }
  if (i == asks.size()) return;
  for (Qty t = 0; t <= asks[i].qty && t <= need; ++t)
    enumerate(asks, i + 1, need - t, cost + t * asks[i].price, best);
}

std::optional<Price> cheapest(const std::vector<Ask>& asks, Qty need) {
  std::optional<Price> best;
  enumerate(asks, 0, need, 0, best);
  return best;
}

// The reference's cheapest total for a swarm order given every resting ask per instrument.
std::optional<Price> reference_total(const SwarmOrder& s,
                                     const std::map<InstrumentId, std::vector<Ask>>& book) {
  std::set<HostId> hosts;
  for (const auto& [id, asks] : book)
    for (const Ask& a : asks)
      hosts.insert(a.host);
  std::vector<std::optional<HostId>> choices;
  if (s.placement == Placement::SameHost)
    for (HostId h : hosts)
      choices.emplace_back(h);
  else
    choices.emplace_back(std::nullopt);
  std::optional<Price> best;
  for (const auto& host : choices) {
    Price total = 0;
    bool ok = true;
    for (std::uint8_t l = 0; l < s.leg_count && ok; ++l) {
      std::vector<Ask> usable;
      auto it = book.find(s.legs[l].instrument);
      if (it != book.end())
        for (const Ask& a : it->second)
          if (a.owner != s.owner && (!host || a.host == *host)) usable.push_back(a);
      const auto c = cheapest(usable, s.legs[l].qty);
      ok = c.has_value();
      if (ok) total += *c;
    }
    if (ok && (!best || total < *best)) best = total;
  }
  return best;
}

std::map<InstrumentId, std::vector<Ask>> asks_of(const Engine& e) {
  std::map<InstrumentId, std::vector<Ask>> book;
  std::vector<OrderView> v;
  for (InstrumentId id = 1; id <= kInstruments; ++id) {
    e.orders(id, Side::Sell, v);
    for (const OrderView& o : v)
      book[id].push_back(Ask{o.price, o.qty, o.host, o.owner});
  }
  return book;
}

struct Case {
  std::uint64_t seed;  // what --seed replays
  const char* mode;
  std::mt19937_64 rng;
  Case(std::uint64_t s, const char* m, std::uint64_t stream) : seed(s), mode(m), rng(s ^ stream) {}
  std::int64_t pick(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  }
};

std::unique_ptr<Engine> make_engine() {
  auto e = std::make_unique<Engine>(EngineConfig{4096, 64});
  for (InstrumentId id = 1; id <= kInstruments; ++id) {
    InstrumentSpec s;
    s.id = id;
    s.symbol = "r" + std::to_string(id);
    s.resource = "r" + std::to_string(id);
    s.pool = "pool-a";
    s.band_min = 1;
    s.band_max = 20;
    s.max_qty = 100;
    e->add_instrument(s);
  }
  return e;
}

Command random_ask(Case& c, OrderId id) {
  Command cmd;
  cmd.kind = CommandKind::NewOrder;
  const auto host = static_cast<HostId>(c.pick(1, 3));
  // Sometimes the buyer's own ask: it must never trade with the swarm.
  const OwnerId owner = c.pick(0, 9) == 0 ? kBuyer : 100 + host;
  cmd.new_order = NewOrder{id,
                           static_cast<InstrumentId>(c.pick(1, kInstruments)),
                           owner,
                           host,
                           Side::Sell,
                           OrderType::Limit,
                           TimeInForce::Gtc,
                           StpMode::None,
                           false,
                           c.pick(1, 10),
                           c.pick(1, 3),
                           0,
                           id};
  return cmd;
}

Command random_swarm(Case& c, OrderId id, TimeInForce tif) {
  Command cmd = swarmex::engine::test::swarm_command(
      id, kBuyer, static_cast<Placement>(c.pick(0, 2)), tif, /*limit_total=*/0, {});
  SwarmOrder& s = cmd.swarm;
  const auto legs = static_cast<std::uint8_t>(c.pick(1, kInstruments));
  std::vector<InstrumentId> ids{1, 2, 3};
  std::shuffle(ids.begin(), ids.end(), c.rng);
  for (std::uint8_t l = 0; l < legs; ++l)
    s.legs[s.leg_count++] = SwarmLeg{ids[l], c.pick(1, 4)};
  s.limit_total = c.pick(1, 80);
  return cmd;
}

std::string fail(const Case& c, const std::string& what) {
  std::printf("MISMATCH seed=%lu (%s mode): %s\n  replay: swarm_reference_test --seed %lu\n",
              static_cast<unsigned long>(c.seed), c.mode, what.c_str(),
              static_cast<unsigned long>(c.seed));
  return what;
}

// Checks the fills of one swarm: legs complete, placement kept, limit kept, legal makers.
bool fills_ok(Case& c, const SwarmOrder& s, const std::vector<Event>& fills, Price* total_out) {
  std::map<InstrumentId, Qty> per_leg;
  std::set<HostId> hosts;
  Price total = 0;
  for (const Event& f : fills) {
    per_leg[f.instrument] += f.qty;
    hosts.insert(f.host);
    total += f.price * f.qty;
    if (f.maker_owner == s.owner) return fail(c, "traded with its own ask"), false;
  }
  for (std::uint8_t l = 0; l < s.leg_count; ++l)
    if (per_leg[s.legs[l].instrument] != s.legs[l].qty)
      return fail(c, "a leg filled partly"), false;
  if (per_leg.size() != s.leg_count) return fail(c, "a fill outside the legs"), false;
  if (s.placement == Placement::SameHost && hosts.size() != 1)
    return fail(c, "same-host swarm filled from several hosts"), false;
  if (total > s.limit_total) return fail(c, "total above the limit"), false;
  *total_out = total;
  return true;
}

bool run_ioc(Case& c, std::uint64_t& matched, std::uint64_t& unmatched) {
  auto engine = make_engine();
  Seq seq = 0;
  EventBuffer out;
  const int asks = static_cast<int>(c.pick(0, 9));
  for (int i = 0; i < asks; ++i) {
    Command a = random_ask(c, 1000 + static_cast<OrderId>(i));
    a.seq = ++seq;
    out.clear();
    engine->apply(a, out);
  }
  const auto before = asks_of(*engine);
  Command sw = random_swarm(c, 1, TimeInForce::Ioc);
  sw.seq = ++seq;
  out.clear();
  engine->apply(sw, out);
  const std::optional<Price> want = reference_total(sw.swarm, before);
  const bool should = want && *want <= sw.swarm.limit_total;
  const auto fills = swarm_fills(out.to_vector(), 1);
  if (should != !fills.empty())
    return fail(c, should ? "engine missed a feasible swarm" : "engine matched an infeasible one"),
           false;
  if (!should) {
    ++unmatched;
    return asks_of(*engine) == before || (fail(c, "an unmatched swarm changed the book"), false);
  }
  ++matched;
  Price total = 0;
  if (!fills_ok(c, sw.swarm, fills, &total)) return false;
  if (total != *want)
    return fail(c,
                "total " + std::to_string(total) + " but the cheapest is " + std::to_string(*want)),
           false;
  return true;
}

bool run_gtc(Case& c, std::uint64_t& matched) {
  auto engine = make_engine();
  Seq seq = 0;
  EventBuffer out;
  std::map<OrderId, SwarmOrder> resting;
  for (int step = 0; step < 40; ++step) {
    Command cmd = c.pick(0, 2) == 0
                      ? random_swarm(c, 1 + static_cast<OrderId>(step), TimeInForce::Gtc)
                      : random_ask(c, 1000 + static_cast<OrderId>(step));
    cmd.seq = ++seq;
    out.clear();
    engine->apply(cmd, out);
    if (cmd.kind == CommandKind::SwarmOrder) resting[cmd.swarm.order_id] = cmd.swarm;
    for (auto it = resting.begin(); it != resting.end();) {
      const auto fills = swarm_fills(out.to_vector(), it->first);
      if (fills.empty()) {
        ++it;
        continue;
      }
      Price total = 0;
      if (!fills_ok(c, it->second, fills, &total)) return false;
      ++matched;
      it = resting.erase(it);
    }
    // Nothing still resting may be fillable now.
    const auto now = asks_of(*engine);
    for (const auto& [id, s] : resting) {
      const auto t = reference_total(s, now);
      if (t && *t <= s.limit_total)
        return fail(c, "swarm " + std::to_string(id) + " rests although it could fill"), false;
    }
    if (engine->swarms().size() != resting.size())
      return fail(c, "resting swarm count differs"), false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"swarm orders against a brute-force reference"};
  std::uint64_t seeds = 2000;
  std::optional<std::uint64_t> seed;
  app.add_option("--seeds", seeds, "random cases per mode");
  app.add_option("--seed", seed, "replay one case");
  CLI11_PARSE(app, argc, argv);
  std::uint64_t matched = 0, unmatched = 0, gtc_matched = 0;
  const std::uint64_t first = seed ? *seed : 1;
  const std::uint64_t last = seed ? *seed : seeds;
  for (std::uint64_t s = first; s <= last; ++s) {
    Case ioc(s, "IOC", 0);
    if (!run_ioc(ioc, matched, unmatched)) return 1;
    Case gtc(s, "GTC", 0x9E3779B97F4A7C15ull);
    if (!run_gtc(gtc, gtc_matched)) return 1;
  }
  std::printf("swarm reference: %lu IOC cases (%lu matched, %lu not), %lu GTC fills, all agree\n",
              static_cast<unsigned long>(last - first + 1), static_cast<unsigned long>(matched),
              static_cast<unsigned long>(unmatched), static_cast<unsigned long>(gtc_matched));
  return 0;
}
