#include "report.hpp"

#include <map>

#include <fmt/format.h>

#include "format.hpp"

namespace swarmex::demo {

using engine::EventKind;

namespace {

std::string describe(const Market& m, const Command& c) {
  switch (c.kind) {
    case CommandKind::NewOrder: {
      const engine::NewOrder& o = c.new_order;
      std::string s = fmt::format("{:<9} {:<4} {} {} ", m.owner_name(o.owner), to_string(o.side),
                                  grouped(o.qty), m.symbol(o.instrument));
      if (o.type == OrderType::Market)
        s += o.price == 0 ? fmt::format("market {}", to_string(o.tif))
                          : fmt::format("market {} protect {}", to_string(o.tif), grouped(o.price));
      else
        s += fmt::format("@ {} {}", grouped(o.price), to_string(o.tif));
      if (o.post_only) s += " post-only";
      if (o.stp != StpMode::None) s += fmt::format(" stp={}", to_string(o.stp));
      if (o.min_qty > 0) s += fmt::format(" min {}", grouped(o.min_qty));
      return s + fmt::format("  #{}", o.order_id);
    }
    case CommandKind::CancelOrder:
      return fmt::format("{:<9} cancel #{} on {}", m.owner_name(c.cancel.owner), c.cancel.order_id,
                         m.symbol(c.cancel.instrument));
    case CommandKind::ModifyOrder:
      return fmt::format("{:<9} modify #{} -> {} @ {}", m.owner_name(c.modify.owner),
                         c.modify.order_id, grouped(c.modify.new_qty), grouped(c.modify.new_price));
    case CommandKind::MassCancel:
      return fmt::format("{:<9} mass cancel on {}", m.owner_name(c.mass_cancel.owner),
                         m.symbol(c.mass_cancel.instrument));
    case CommandKind::Halt:
      return fmt::format("operator  halt {}", m.symbol(c.control.instrument));
    case CommandKind::Resume:
      return fmt::format("operator  resume {}", m.symbol(c.control.instrument));
    default:
      return "unknown command";
  }
}

std::string outcome(const std::vector<std::pair<std::uint32_t, Event>>& events) {
  std::vector<std::string> parts;
  for (const auto& [partition, e] : events) {
    if (e.kind == EventKind::Accepted) parts.emplace_back("accepted");
    if (e.kind == EventKind::Rejected)
      parts.push_back(
          fmt::format("REJECTED {}", to_string(static_cast<engine::RejectReason>(e.reason))));
  }
  if (parts.empty()) return "NO OUTCOME";
  if (parts.size() > 1) return fmt::format("{} x{} (one per partition)", parts[0], parts.size());
  return parts[0];
}

void print_event(const Market& m, InstrumentId own_instrument, const Event& e,
                 std::vector<std::string>& levels) {
  if (e.kind == EventKind::Accepted || e.kind == EventKind::Rejected) return;  // on the header
  const InstrumentSpec& spec = m.product(e.instrument).spec;
  switch (e.kind) {
    case EventKind::Fill: {
      const bool taker_buys = e.side == Side::Buy;
      fmt::print("        fill      {} @ {}  buyer {} #{}  seller {} #{}  host {}\n",
                 describe_qty(spec, e.qty), grouped(e.price),
                 m.owner_name(taker_buys ? e.owner : e.maker_owner),
                 taker_buys ? e.order_id : e.maker_order_id,
                 m.owner_name(taker_buys ? e.maker_owner : e.owner),
                 taker_buys ? e.maker_order_id : e.order_id, m.host_name(e.host));
      break;
    }
    case EventKind::Cancelled:
      fmt::print("        cancel    #{} {} {} {} left: {}\n", e.order_id, m.owner_name(e.owner),
                 spec.symbol, grouped(e.qty),
                 to_string(static_cast<engine::CancelReason>(e.reason)));
      break;
    case EventKind::Modified:
      fmt::print("        modified  #{} now {} @ {}\n", e.order_id, grouped(e.leaves_qty),
                 grouped(e.price));
      break;
    case EventKind::BookLevel:
      levels.push_back(fmt::format(
          "{}{} {} -> {} ({})", e.instrument == own_instrument ? "" : spec.symbol + " ",
          e.side == Side::Buy ? "bid" : "ask", grouped(e.price), grouped(e.qty), e.leaves_qty));
      break;
    default:
      break;
  }
}

}  // namespace

void print_market(const Market& market, journal::ExchangeAssembly& exchange) {
  fmt::print("Swarmex in-process demo: {} engine partitions, each its own thread and queues\n\n",
             exchange.partitions());
  fmt::print("  {:>2}  {:<24} {:>5}  {:>6}  {:<18} {:>7}  {}\n", "id", "instrument", "partition",
             "tick", "price band", "max qty", "reference price");
  for (const Product& p : market.products()) {
    const InstrumentSpec& s = p.spec;
    fmt::print("  {:>2}  {:<24} {:>5}  {:>6}  {:<18} {:>7}  {}\n", s.id, s.symbol,
               exchange.routing().partition_of(s.id), grouped(s.tick),
               grouped(s.band_min) + ".." + grouped(s.band_max), grouped(s.max_qty),
               grouped(p.reference_price));
  }
  fmt::print(
      "  prices: micro-units of currency per unit per hour; units: cpu 1 VRU = 0.1 core, "
      "mem 1 shard = 256 MiB, mig 1 GPU instance\n");
  fmt::print("  hosts:");
  for (const Host& h : market.hosts())
    fmt::print("{} {} (owner {}, host id {}, {})", &h == &market.hosts().front() ? "" : ",", h.name,
               h.owner, h.host_id, h.pool);
  fmt::print("\n  tenants: {}", market.tenants().size());
  for (std::size_t i = 0; i < market.tenants().size() && i < 3; ++i)
    fmt::print("{} {} (owner {})", i == 0 ? ":" : ",", market.tenant(i).name,
               market.tenant(i).owner);
  fmt::print("{}\n\n", market.tenants().size() > 3 ? ", ..." : "");
}

void print_steps(const Market& market, const std::vector<Step>& steps, const Ledger& ledger) {
  fmt::print(
      "Scripted phase: each command (#N: order id), its outcome, then what it caused\n"
      "  (book: level -> total qty (orders) after the command, as market data publishes it)\n");
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const auto& events = ledger.scripted_events(i);
    if (!step.caption.empty()) fmt::print("\n  -- {}\n", step.caption);
    fmt::print("  {:>3}  {:<66} {}\n", i + 1, describe(market, step.cmd), outcome(events));
    std::vector<std::string> levels;
    const InstrumentId own = routing_instrument(step.cmd);
    for (const auto& [partition, e] : events)
      print_event(market, own, e, levels);
    if (!levels.empty()) {
      std::string line;
      for (const std::string& l : levels)
        line += (line.empty() ? "" : ", ") + l;
      fmt::print("        book      {}\n", line);
    }
  }
  fmt::print("\n");
}

void print_totals(const Ledger& ledger, std::size_t commands, std::size_t random_commands,
                  double rate_per_s, const RunTimes& times) {
  if (random_commands > 0) {
    fmt::print(
        "Random phase: {} commands {}, all applied after {:.1f} ms ({} commands/s)\n",
        grouped(static_cast<std::int64_t>(random_commands)),
        rate_per_s > 0
            ? fmt::format("paced at {}/s", grouped(static_cast<std::int64_t>(rate_per_s)))
            : std::string("unthrottled"),
        times.random_phase_s * 1e3,
        grouped(static_cast<std::int64_t>(random_commands / std::max(times.random_phase_s, 1e-9))));
  }
  std::uint64_t rejected = 0;
  std::string reject_detail;
  for (std::size_t r = 0; r < ledger.rejected.size(); ++r) {
    if (ledger.rejected[r] == 0) continue;
    rejected += ledger.rejected[r];
    reject_detail += fmt::format("{}{} {}", reject_detail.empty() ? "" : ", ",
                                 to_string(static_cast<engine::RejectReason>(r)),
                                 grouped(static_cast<std::int64_t>(ledger.rejected[r])));
  }
  std::string cancel_detail;
  for (std::size_t r = 0; r < ledger.cancelled.size(); ++r)
    if (ledger.cancelled[r] > 0)
      cancel_detail += fmt::format("{}{} {}", cancel_detail.empty() ? "" : ", ",
                                   to_string(static_cast<engine::CancelReason>(r)),
                                   grouped(static_cast<std::int64_t>(ledger.cancelled[r])));
  fmt::print("Run totals: {} commands, {} accepted, {} rejected{}\n",
             grouped(static_cast<std::int64_t>(commands)),
             grouped(static_cast<std::int64_t>(ledger.accepted)),
             grouped(static_cast<std::int64_t>(rejected)),
             reject_detail.empty() ? "" : " (" + reject_detail + ")");
  fmt::print("  fills {} ({} units), cancels: {}\n\n",
             grouped(static_cast<std::int64_t>(ledger.fills)), grouped(ledger.filled_qty),
             cancel_detail.empty() ? "none" : cancel_detail);
}

void print_books(const Market& market, journal::ExchangeAssembly& exchange, std::size_t levels) {
  fmt::print("Top of book ({} levels a side; qty (orders)), read with Engine::depth after stop\n",
             levels);
  std::vector<engine::LevelView> bids;
  std::vector<engine::LevelView> asks;
  for (const Product& p : market.products()) {
    const engine::Engine& eng =
        exchange.partition(exchange.routing().partition_of(p.spec.id)).engine();
    eng.depth(p.spec.id, Side::Buy, levels, bids);
    eng.depth(p.spec.id, Side::Sell, levels, asks);
    fmt::print("  {} (partition {})\n", p.spec.symbol, exchange.routing().partition_of(p.spec.id));
    fmt::print("    {:>16} {:>10}  |  {:<10} {}\n", "bid qty", "bid", "ask", "ask qty");
    if (bids.empty() && asks.empty()) fmt::print("    {:>27}  |\n", "(empty)");
    for (std::size_t i = 0; i < std::max(bids.size(), asks.size()); ++i) {
      const auto side = [](const std::vector<engine::LevelView>& v, std::size_t k, bool qty) {
        if (k >= v.size()) return std::string();
        return qty ? fmt::format("{} ({})", grouped(v[k].qty), v[k].orders) : grouped(v[k].price);
      };
      const std::string ask = fmt::format("{:<10} {}", side(asks, i, false), side(asks, i, true));
      fmt::print("    {:>16} {:>10}  |  {}\n", side(bids, i, true), side(bids, i, false),
                 ask.find_first_not_of(' ') == std::string::npos ? "" : ask);
    }
  }
  fmt::print("\n");
}

void print_allocations(const Market& market, const Ledger& ledger, std::size_t max_rows) {
  fmt::print(
      "Allocations by tenant (summed from fills; spot: each lasts the 1h lease from its "
      "fill)\n");
  fmt::print("  {:<10} {:<24} {:<8} {:<30} {:>10} {:>14}\n", "tenant", "instrument", "host", "qty",
             "avg price", "cost per hour");
  std::size_t rows = 0;
  std::map<OwnerId, std::int64_t> tenant_cost;
  std::map<std::pair<HostId, InstrumentId>, Allocation> by_host;
  for (const auto& [key, a] : ledger.allocations()) {
    tenant_cost[key.tenant] += a.notional;
    Allocation& h = by_host[{key.host, key.instrument}];
    h.qty += a.qty;
    h.notional += a.notional;
    if (rows++ >= max_rows) continue;
    const InstrumentSpec& spec = market.product(key.instrument).spec;
    fmt::print("  {:<10} {:<24} {:<8} {:<30} {:>10} {:>14}\n", market.owner_name(key.tenant),
               spec.symbol, market.host_name(key.host), describe_qty(spec, a.qty),
               grouped(a.notional / a.qty), currency(a.notional));
  }
  if (rows > max_rows) fmt::print("  ... {} more rows\n", rows - max_rows);
  if (rows == 0) fmt::print("  (no fills)\n");
  std::size_t shown = 0;
  for (const auto& [tenant, cost] : tenant_cost) {
    if (shown++ >= max_rows) break;
    fmt::print("  {:<10} total {:>84}\n", market.owner_name(tenant), currency(cost));
  }

  fmt::print("\nSold by host (what each host controller must enact)\n");
  fmt::print("  {:<10} {:<24} {:<30} {:>10} {:>14}\n", "host", "instrument", "qty", "avg price",
             "revenue/hour");
  for (const auto& [key, a] : by_host) {
    const InstrumentSpec& spec = market.product(key.second).spec;
    fmt::print("  {:<10} {:<24} {:<30} {:>10} {:>14}\n", market.host_name(key.first), spec.symbol,
               describe_qty(spec, a.qty), grouped(a.notional / a.qty), currency(a.notional));
  }
  fmt::print("\n");
}

}  // namespace swarmex::demo
