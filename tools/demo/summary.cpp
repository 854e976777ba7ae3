#include "summary.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "pool_plan.hpp"

namespace swarmex::demo {

namespace {

std::string level(const Level& l) {
  return l.qty ? fmt::format("{}@{}", l.qty, l.price) : "-";
}

int check(bool ok, const std::string& what, const std::string& detail) {
  fmt::print("  {}  {}{}\n", ok ? "ok  " : "FAIL", what, detail.empty() ? "" : ": " + detail);
  return ok ? 0 : 1;
}

int check_cleanup(const TeardownReport& t) {
  int failed = 0;
  failed += check(t.left_running == 0 && t.problems.empty(), "every process exited",
                  fmt::format("{} started, {} left running{}", t.processes, t.left_running,
                              t.problems.empty() ? "" : "; " + t.problems.front()));
  failed += check(t.cgroups_left == 0 && t.work_dir_removed, "nothing left behind",
                  fmt::format("{} cgroup directories left, work dir {}", t.cgroups_left,
                              t.work_dir_removed ? "removed" : "NOT removed"));
  return failed;
}

}  // namespace

void print_summary(const Results& r, const BookView& book, const Stack& stack) {
  fmt::print("\n== summary ==\nbooks (qty@price; prices in micro-units per unit-hour)\n");
  fmt::print("  {:>3}  {:<26} {:>10} {:>10} {:>12} {:>7}\n", "id", "symbol", "best bid", "best ask",
             "last trade", "trades");
  for (const InstrumentName& i : r.instruments) {
    const InstrumentView& v = book.view(i.id);
    fmt::print("  {:>3}  {:<26} {:>10} {:>10} {:>12} {:>7}\n", i.id, i.symbol, level(v.best_bid()),
               level(v.best_ask()), level(v.last_trade), v.trades);
  }

  fmt::print("fills per tenant (what each was told it bought)\n");
  for (const auto& [tenant, fills] : r.fills) {
    std::map<std::uint32_t, std::int64_t> qty;
    for (const FillRecord& f : fills)
      qty[f.instrument] += f.qty;
    std::string parts;
    for (const auto& [instr, q] : qty) {
      std::string symbol = pool_c_symbol(instr);
      if (symbol.empty()) symbol = std::to_string(instr);
      for (const InstrumentName& i : r.instruments)
        if (i.id == instr) symbol = i.symbol;
      parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", q, symbol);
    }
    fmt::print("  {:<10} {:>4} fills  {}\n", tenant, fills.size(), parts.empty() ? "-" : parts);
  }

  fmt::print("allocations per host and tenant (the host controllers' state files)\n");
  for (const char* host : {"host-a1", "host-b1"}) {
    std::map<std::tuple<std::string, std::string, std::string>, std::pair<int, std::int64_t>> sum;
    const hostctl::HostState state = stack.host_state(host);
    for (const auto& [seq, a] : state.book.all()) {
      auto& s = sum[{a.tenant, a.resource, hostctl::to_string(a.state)}];
      ++s.first;
      s.second += a.qty;
    }
    if (sum.empty()) fmt::print("  {:<8} none\n", host);
    for (const auto& [key, s] : sum)
      fmt::print("  {:<8} {:<10} {:<12} {:>4} units in {} allocation(s), {}\n", host,
                 std::get<0>(key), std::get<1>(key), s.second, s.first, std::get<2>(key));
  }

  fmt::print("enactment\n");
  for (const Enactment& e : r.enactments)
    fmt::print("  {:<48} {}\n", e.what,
               e.fill_to_cgroup_ms < 0
                   ? "not seen"
                   : fmt::format("{:.2f} ms fill -> cgroup file", e.fill_to_cgroup_ms));

  const common::LatencyHistogram& acks = r.acks;
  fmt::print("order->ack over loopback TCP ({} orders, journal fdatasync before every ack)\n",
             acks.count());
  fmt::print("  p50 {} us, p99 {} us, max {} us\n", acks.percentile(50) / 1000,
             acks.percentile(99) / 1000, acks.max() / 1000);
}

namespace {

int check_autopilot(const AutopilotResults* ap, const ReportCheck& report, const CgroupMode& mode) {
  int failed = 0;
  if (ap == nullptr || !ap->skipped.empty()) {
    fmt::print("  skip  the autopilot, pricing, standby, pre-staging and host-loss checks: {}\n",
               ap == nullptr ? "the scene did not run" : ap->skipped);
  } else {
    auto show = [&](const Check& c, const std::string& what) {
      if (c.ran) failed += check(c.ok, what, c.detail);
    };
    show(ap->bought_ahead, "the autopilot bought before demand arrived");
    if (mode.real)
      show(ap->share_followed, "the workload's CPU share followed the autopilot's purchases");
    else
      fmt::print(
          "  skip  the workload's CPU share followed the autopilot's purchases: dry run "
          "({})\n",
          mode.why);
    show(ap->pegged, "a pegged price moved with utilisation");
    show(ap->standby, "the standby host was activated by demand");
    show(ap->incentive, "an incentive was announced when the pool emptied");
    show(ap->prestaged, "the pre-staged window started faster than the cold one");
    show(ap->healed, "the lost host's capacity came back elsewhere");
  }
  if (report.ran)
    failed += check(report.ok, "the report's totals equal the fills", report.detail);
  else
    fmt::print("  skip  the report's totals equal the fills: no report\n");
  return failed;
}

}  // namespace

int print_checks(const Results& r, const AutopilotResults* ap, const ReportCheck& report,
                 const TeardownReport& t, const CgroupMode& mode, bool completed) {
  fmt::print("\n== checks ==\n");
  int failed = 0;
  if (!completed) {
    fmt::print("  skip  the market and workload checks: the demo did not run to the end\n");
    return failed + check_cleanup(t);
  }
  std::size_t fills = 0;
  for (const auto& [tenant, f] : r.fills)
    fills += f.size();
  failed += check(
      fills > 0 && r.allocations_match_fills, "fills happened and every one is held",
      fmt::format("{} fills; {}", fills,
                  r.allocations_match_fills ? "the hosts' allocations add up to what was sold"
                                            : "allocations differ: " + r.allocation_mismatch));
  if (mode.real) {
    // Held to each quota (10 % and 0.05 CPU of slack), the quota raised in the cgroup, and the
    // larger one let more through
    // (Results::share_grew). Two shared cores under other builds can keep the loops under both
    // quotas, unthrottled: then nothing can be told, and the check says so instead of failing.
    const bool held = r.share_before > 0 && r.share_before <= r.quota_before * 1.1 + 0.05 &&
                      r.quota_after > r.quota_before && r.share_after <= r.quota_after * 1.1 + 0.05;
    const std::string detail = fmt::format(
        "{:.2f} CPU with quota {:.2f} ({:.0f}% of periods throttled) -> {:.2f} CPU with quota "
        "{:.2f} ({:.0f}% throttled){}",
        r.share_before, r.quota_before, r.throttled_before * 100, r.share_after, r.quota_after,
        r.throttled_after * 100,
        r.share_retries ? fmt::format(", measured {} times", r.share_retries + 1) : "");
    if (held && r.share_inconclusive())
      fmt::print(
          "  skip  workload CPU share followed the purchase: inconclusive, the machine gave "
          "the loops less than either quota: {}\n",
          detail);
    else
      failed += check(held && r.share_grew(), "workload CPU share followed the purchase", detail);
  } else {
    fmt::print("  skip  workload CPU share followed the purchase: dry run ({})\n", mode.why);
  }
  if (r.block.ran) {
    failed +=
        check(r.block.atomic, "block order filled across three windows atomically", r.block.detail);
    failed += check(r.block.pending, "host holds the block as allocations dated by their windows",
                    r.block.pending_detail);
  } else {
    fmt::print("  skip  block order: no cpu product with delivery windows in pool-b\n");
  }
  if (r.change.ran) {
    failed += check(r.change.bought, "reservation change bought +1 VRU in two windows at once",
                    r.change.bought_detail);
    failed += check(r.change.sold, "reservation change sold a window back to another tenant",
                    r.change.sold_detail);
    failed += check(r.change.moved, "host moved the resold VRU to its buyer's allocation",
                    r.change.moved_detail);
  } else {
    fmt::print("  skip  reservation change: the block order did not run or fill\n");
  }
  if (r.swarm.ran) {
    failed += check(r.swarm.atomic, "swarm order filled atomically", r.swarm.detail);
    failed += check(r.swarm.unfillable_clean, "unfillable swarm order traded nothing",
                    r.swarm.unfillable_detail);
  } else {
    fmt::print("  skip  swarm order filled atomically: no inference-small template configured\n");
  }
  failed += check_autopilot(ap, report, mode);
  return failed + check_cleanup(t);
}

}  // namespace swarmex::demo
