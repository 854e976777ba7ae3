// The demo's reservation change: tenant-b, holding 1 VRU in each of three hourly windows from
// its block order, buys one more in the first two (one block order, all or none) and sells the
// third back at a profit (a resale on the partition marketplace); tenant-c buys it, and host-b1's
// controller moves that VRU from tenant-b's allocation to tenant-c's.
#include <fmt/format.h>

#include <map>
#include <thread>

#include "scenario.hpp"
#include "swarmex/gateway/block_order.hpp"
#include "swarmex/gateway/config.hpp"

namespace swarmex::demo {

namespace {
constexpr std::uint32_t kHostB1 = 2;  // host-b1's host id in etc/swarmex.toml
}

void Scenario::reservation_change() {
  const BlockResult& block = results_.block;
  if (!block.ran || !block.atomic)
    return say("reservation change skipped: the block order did not fill");
  const gateway::Config config = gateway::load_config(options_.config);
  const engine::Product* p = gateway::find_product(config.products, "cpu", "pool-b", 0);
  ChangeResult& res = results_.change;
  res.ran = true;
  const std::int64_t first = block.first_window;
  Tenant& b = *tenants_[1];
  Tenant& c = *tenants_[2];

  client::ChangeSpec more;
  more.resource = "cpu";
  more.pool = "pool-b";
  more.start_ns = engine::window_start_ns(*p, first);
  more.windows = 2;
  more.delta_qty = +1;
  more.unit_price = 1500;
  const SwarmOutcome up = b.change(more);
  res.bought = up.reject.empty() && up.cancel.empty() && up.fills.size() == 2 &&
               up.engine_seqs.size() == 1 && up.units == 2;
  res.bought_detail =
      !up.reject.empty() ? "rejected: " + up.reject
      : !up.cancel.empty()
          ? "cancelled: " + up.cancel
          : fmt::format("{} fills in engine step {}, total {}", up.fills.size(),
                        up.engine_seqs.empty() ? 0 : *up.engine_seqs.begin(), up.total);
  say(fmt::format("tenant-b: reservation change +1 VRU in {} and {}: {}",
                  engine::window_symbol(*p, first), engine::window_symbol(*p, first + 1),
                  res.bought_detail));

  client::ChangeSpec less = more;
  less.start_ns = engine::window_start_ns(*p, first + 2);
  less.windows = 1;
  less.delta_qty = -1;
  less.unit_price = 1600;
  less.host = kHostB1;
  less.time_in_force = wire::TimeInForce::Gtc;
  const SwarmOutcome down = b.change(less);
  if (!down.accepted) {
    res.sold_detail = "the sell-back was rejected: " + down.reject;
    return say("tenant-b: " + res.sold_detail);
  }
  say(fmt::format("tenant-b: reservation change -1 VRU in {}: offered back @ 1,600",
                  engine::window_symbol(*p, first + 2)));
  const std::uint32_t third = p->rules.id + engine::book_of(*p, first + 2);
  const OrderOutcome got = c.buy_now(third, 1600, 1);
  res.sold = got.filled_qty == 1 && got.last_price == 1600 && got.host == kHostB1;
  res.sold_detail = got.reject.empty() ? fmt::format("tenant-c bought {} @ {} on host {}",
                                                     got.filled_qty, got.last_price, got.host)
                                       : "tenant-c's buy was rejected: " + got.reject;
  say(res.sold_detail + " (resold by tenant-b)");

  // host-b1's controller: tenant-b now holds 2, 2 and 0 VRU in the three windows, tenant-c 1.
  const std::map<std::pair<std::string, std::int64_t>, std::int64_t> want{
      {{"tenant-b", first}, 2},
      {{"tenant-b", first + 1}, 2},
      {{"tenant-b", first + 2}, 0},
      {{"tenant-c", first + 2}, 1}};
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> held;
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline) {
    keep_alive();
    held.clear();
    for (const auto& [key, qty] : want)
      held[key] = 0;
    const hostctl::HostState state = stack_.host_state("host-b1");
    for (const auto& [seq, al] : state.book.all()) {
      if (al.state != hostctl::AllocationState::Pending || al.end_ns - al.start_ns != p->length_ns)
        continue;
      const auto key = std::make_pair(al.tenant, engine::window_at(*p, al.start_ns));
      if (want.count(key)) held[key] += al.qty;
    }
    if (held == want) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  res.moved = held == want;
  res.moved_detail = fmt::format("tenant-b {} / {} / {} VRU, tenant-c {} VRU in the third window",
                                 held[{"tenant-b", first}], held[{"tenant-b", first + 1}],
                                 held[{"tenant-b", first + 2}], held[{"tenant-c", first + 2}]);
  say("host-b1's controller: " + res.moved_detail);
}

}  // namespace swarmex::demo
