#include "scenario.hpp"

namespace swarmex::demo {

using engine::CancelReason;
using engine::RejectReason;

namespace {

Expect accepted(Qty filled_qty = 0, std::optional<CancelReason> own_cancel = std::nullopt) {
  return Expect{std::nullopt, filled_qty, own_cancel};
}
Expect rejected(RejectReason why) {
  return Expect{why, 0, std::nullopt};
}

}  // namespace

std::vector<Step> scripted_steps(const Market& market, OrderId& next_order_id) {
  const Host& a1 = market.host(0);
  const Host& b1 = market.host(1);
  const OwnerId t1 = market.tenant(0).owner;
  const OwnerId t2 = market.tenant(1).owner;
  const OwnerId t3 = market.tenant(2).owner;
  std::vector<Step> steps;

  const auto ask = [&](const Host& h, InstrumentId instrument, Qty qty, Price price,
                       TimeInForce tif = TimeInForce::Gtc) {
    OrderTicket t;
    t.order_id = next_order_id++;
    t.instrument = instrument;
    t.owner = h.owner;
    t.host = h.host_id;
    t.side = Side::Sell;
    t.tif = tif;
    t.price = price;
    t.qty = qty;
    return t;
  };
  const auto bid = [&](OwnerId owner, InstrumentId instrument, Qty qty, Price price,
                       TimeInForce tif = TimeInForce::Gtc) {
    OrderTicket t;
    t.order_id = next_order_id++;
    t.instrument = instrument;
    t.owner = owner;
    t.side = Side::Buy;
    t.tif = tif;
    t.price = price;
    t.qty = qty;
    return t;
  };
  const auto add = [&](std::string caption, const Command& cmd, Expect expect) {
    steps.push_back(Step{std::move(caption), cmd, expect});
  };

  // Supply: host-a1 (pool-a, one H100 in MIG mode) and host-b1 (pool-b) post asks.
  add("host-a1 offers CPU in pool-a on a 3-level ladder", new_order(ask(a1, kCpuPoolA, 40, 4'000)),
      accepted());
  add("", new_order(ask(a1, kCpuPoolA, 32, 4'200)), accepted());
  add("", new_order(ask(a1, kCpuPoolA, 24, 4'400)), accepted());
  add("host-a1 offers 64 GiB of memory", new_order(ask(a1, kMemPoolA, 256, 1'200)), accepted());
  add("host-a1 offers its 7 MIG 1g.10gb slices", new_order(ask(a1, kMigPoolA, 7, 450'000)),
      accepted());
  add("host-b1 offers CPU in pool-b", new_order(ask(b1, kCpuPoolB, 64, 3'600)), accepted());
  add("", new_order(ask(b1, kCpuPoolB, 32, 3'800)), accepted());

  // Demand.
  add("limit GTC that crosses: trades at the resting ask's price",
      new_order(bid(t1, kCpuPoolA, 16, 4'000)), accepted(16));
  add("limit GTC below the ask: rests", new_order(bid(t1, kCpuPoolA, 20, 3'700)), accepted());
  const OrderTicket t2_cpu = bid(t2, kCpuPoolA, 10, 3'800);
  add("", new_order(t2_cpu), accepted());
  add("IOC: takes the 24 VRU left at 4,000, cancels the rest",
      new_order(bid(t3, kCpuPoolA, 30, 4'000, TimeInForce::Ioc)),
      accepted(24, CancelReason::IocRemainder));
  add("FOK for 300 shards when 256 are offered: cancelled whole, nothing trades",
      new_order(bid(t2, kMemPoolA, 300, 1'200, TimeInForce::Fok)),
      accepted(0, CancelReason::FokUnfillable));
  add("limit above the ask: fills at the better resting price",
      new_order(bid(t2, kMemPoolA, 128, 1'250)), accepted(128));
  OrderTicket post_only = bid(t3, kCpuPoolA, 8, 4'200);
  post_only.post_only = true;
  add("post-only that would cross the 4,200 ask: rejected, never takes", new_order(post_only),
      rejected(RejectReason::WouldCrossPostOnly));
  add("price off the 10-micro tick: rejected by validation",
      new_order(bid(t3, kCpuPoolA, 8, 3'805)), rejected(RejectReason::PriceOffTick));
  OrderTicket market_buy = bid(t1, kCpuPoolB, 80, 3'700, TimeInForce::Ioc);
  market_buy.type = OrderType::Market;
  add("market IOC with protection 3,700: sweeps 3,600, stops before 3,800", new_order(market_buy),
      accepted(64, CancelReason::MarketProtection));
  add("", new_order(bid(t2, kCpuPoolB, 16, 3'500)), accepted());

  // Modify: a price change loses time priority, a smaller quantity keeps it.
  add("modify price 3,800 -> 3,900: re-queued at the back of the new level",
      modify_order(t2_cpu.order_id, t2, kCpuPoolA, 3'900, 12), accepted());
  const OrderTicket t3_cpu = bid(t3, kCpuPoolA, 6, 3'900);
  add("tenant-3 joins the 3,900 level behind tenant-2", new_order(t3_cpu), accepted());
  add("modify quantity 12 -> 8 at the same price: keeps its place",
      modify_order(t2_cpu.order_id, t2, kCpuPoolA, 3'900, 8), accepted());
  add("host-a1 sells 9 IOC into the bids: tenant-2 (still first) gets 8, tenant-3 gets 1",
      new_order(ask(a1, kCpuPoolA, 9, 3'900, TimeInForce::Ioc)), accepted(9));

  // Cancel and ownership.
  const OrderTicket t3_mig = bid(t3, kMigPoolA, 2, 400'000);
  add("bid for 2 MIG slices below the ask: rests", new_order(t3_mig), accepted());
  add("", new_order(bid(t1, kMigPoolA, 1, 450'000)), accepted(1));
  add("tenant-3 cancels its MIG bid", cancel_order(t3_mig.order_id, t3, kMigPoolA),
      accepted(0, CancelReason::Requested));
  add("tenant-2 tries to cancel tenant-3's order: unknown to it",
      cancel_order(t3_cpu.order_id, t2, kCpuPoolA), rejected(RejectReason::UnknownOrder));

  // Self-trade prevention: a host buying back capacity (a drain) meets its own best ask.
  OrderTicket buy_back = bid(a1.owner, kCpuPoolA, 8, 4'200);
  buy_back.stp = StpMode::CancelNewest;
  add("host-a1 buys back 8 VRU for a drain; its own 4,200 ask is best: STP cancels the bid",
      new_order(buy_back), accepted(0, CancelReason::SelfTrade));

  // Halt and resume.
  add("operator halts the MIG market", control(CommandKind::Halt, kMigPoolA), accepted());
  add("orders on a halted instrument are rejected", new_order(bid(t2, kMigPoolA, 1, 450'000)),
      rejected(RejectReason::InstrumentHalted));
  add("operator resumes it", control(CommandKind::Resume, kMigPoolA), accepted());
  add("", new_order(bid(t2, kMigPoolA, 1, 450'000)), accepted(1));
  add("", new_order(bid(t1, kMemPoolA, 64, 1'100)), accepted());

  // Mass cancel over every instrument reaches every partition: one outcome per partition.
  add("tenant-3 withdraws everything: mass cancel on all instruments",
      mass_cancel(t3, engine::kAllInstruments), accepted());
  return steps;
}

}  // namespace swarmex::demo
