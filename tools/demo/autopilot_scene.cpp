#include "autopilot_scene.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "interrupt.hpp"
#include "replay_workload.hpp"
#include "swarmex/common/clock.hpp"
#include "swarmex/forecast/methods.hpp"
#include "swarmex/hostctl/cgroup_usage.hpp"

namespace swarmex::demo {

namespace {

constexpr std::int64_t kMsNs = 1'000'000;
constexpr auto kReply = std::chrono::seconds(5);

const char* host_name(std::uint32_t id) {
  switch (id) {
    case kHostC1:
      return "host-c1";
    case kHostC2:
      return "host-c2";
    case kHostC3:
      return "host-c3";
    default:
      return "host-?";
  }
}

std::string by_host(const std::map<std::uint32_t, std::int64_t>& held) {
  std::string out;
  for (const auto& [host, units] : held)
    if (units != 0) out += fmt::format("{}{} {}", out.empty() ? "" : ", ", host_name(host), units);
  return out.empty() ? "nothing" : out;
}

std::int64_t total(const std::map<std::uint32_t, std::int64_t>& held) {
  std::int64_t n = 0;
  for (const auto& [host, units] : held)
    n += units;
  return n;
}

// Waits for the answer of type `body` on `c`, handing every other message to `other`.
const wire::Message* await(client::Client& c, wire::Body body,
                           const std::function<void(const wire::Message&)>& other) {
  const auto deadline = std::chrono::steady_clock::now() + kReply;
  while (std::chrono::steady_clock::now() < deadline) {
    const wire::Message* m = c.receive(deadline - std::chrono::steady_clock::now());
    if (m == nullptr) break;
    if (m->body_type() == body) return m;
    other(*m);
  }
  throw std::runtime_error(fmt::format("no {} from swarmexd", wire::EnumNameBody(body)));
}

}  // namespace

AutopilotScene::AutopilotScene(Stack& stack, std::string trace_dir, std::string self_exe,
                               Tenant& bidder, std::function<void()> keep_alive,
                               std::string screenshot, std::chrono::steady_clock::time_point began)
    : stack_(stack),
      trace_dir_(std::move(trace_dir)),
      self_exe_(std::move(self_exe)),
      bidder_(bidder),
      keep_alive_(std::move(keep_alive)),
      screenshot_file_(std::move(screenshot)),
      began_(began) {
  product_.rules.id = kProductC;
  product_.length_ns = kWindowS * 1'000'000'000;
  product_.listed_ahead_ns = 3 * product_.length_ns;
  product_.gate_closure_ns = 1'000'000'000;
}

void AutopilotScene::say(const std::string& line) const {
  const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - began_).count();
  fmt::print("[{:5.1f}s] {}\n", t, line);
  std::fflush(stdout);
}

void AutopilotScene::run() {
  fmt::print("\n== phase 4: the autopilot buys ahead for a trace-driven workload (pool-c) ==\n");
  if (trace_dir_.empty()) {
    r_.skipped =
        "no usage trace (../shared/traces/bitbrains-rnd beside the checkout, "
        "SWARMEX_TRACE_DIR or --trace-dir)";
    say("skipped: " + r_.skipped);
    return;
  }
  setup();
  play();
  conclude();
}

void AutopilotScene::setup() {
  plan_ = make_pool_plan(trace_dir_, common::wall_ns(), 0);
  r_.vms = plan_.vms;
  r_.scale = plan_.scale;
  say(fmt::format(
      "tenant-auto's workload: VMs {} of the Bitbrains trace ({}), their cpu use x {:.2f}"
      " (a busiest 5 minutes of 1.2 cores), a trace hour per {} s window",
      fmt::join(plan_.vms, ", "), trace_dir_, plan_.scale, kWindowS));
  // The operator prices pool-c: x1 idle, x1.5 at 30 %, x2.5 at 60 %, x4 full; a 20 % cut
  // announced when it stays under 15 % for 1.5 s.
  operator_.connect("127.0.0.1", static_cast<std::uint16_t>(stack_.port()), kReply);
  if (!operator_.logon("operator", "operator-token", wire::Role::Operator).ok())
    throw std::runtime_error("the operator could not log on");
  client::PricingSpec curve;
  curve.pool = "pool-c";
  curve.resource = "cpu";
  curve.curve = {{0.0, 1.0}, {0.3, 1.5}, {0.6, 2.5}, {1.0, 4.0}};
  curve.target = 0.15;
  curve.idle_after_ms = 1500;
  curve.cut = 0.2;
  curve.valid_ms = 3000;
  operator_.admin_set_pricing(next_request_++, curve);
  const auto* ack = await(operator_, wire::Body::AdminAck, [](const wire::Message&) {});
  if (!ack->body_as_AdminAck()->ok())
    throw std::runtime_error(
        "the pricing curve was refused: " +
        std::string(ack->body_as_AdminAck()->text() ? ack->body_as_AdminAck()->text()->str() : ""));
  const std::uint32_t spot[] = {kSpotC};
  operator_.subscribe_market_data(spot);
  say("operator: pool-c cpu priced on a curve (x1 idle .. x1.5 at 30% .. x2.5 at 60% .. x4 full), "
      "a 20% incentive when under 15% for 1.5 s");
  for (const HostSpec& h : PoolPlan::hosts())
    stack_.start_host(h);
  say(
      fmt::format("host-c1 (10 VRU, pre-stages, pegged @ {} x curve, 4 a window), host-c2 (20 VRU, "
                  "cold starts, pegged @ {} x curve) and host-c3 (20 VRU, standby) logged on",
                  kBaseC1, kBaseC2));

  // The first played window starts once the autopilot has had time to decide it.
  const std::int64_t window = plan_.window_ns();
  const std::int64_t ready = common::wall_ns() + 3500 * kMsNs;
  plan_.origin_wall_ns = (ready + window - 1) / window * window;
  const std::string history = stack_.work_dir() + "/history.csv";
  plan_.write_history(history);
  const std::string config = stack_.work_dir() + "/autopilot.toml";
  std::ofstream(config) << plan_.autopilot_toml(stack_.port(), history);
  tools::ChildProcess& ap = stack_.start_process(
      "swarmex-autopilot", {stack_.bin_dir() + "/swarmex-autopilot", "--config", config});
  if (ap.wait_for("logged on", 0, 15000) == std::string::npos)
    throw std::runtime_error("swarmex-autopilot did not log on:\n" + ap.output());

  tenant_.connect("127.0.0.1", static_cast<std::uint16_t>(stack_.port()), kReply);
  if (!tenant_.logon(kAutoTenant, std::string(kAutoTenant) + "-token", wire::Role::Tenant).ok())
    throw std::runtime_error("tenant-auto could not log on");
  client::AutopilotSpec g;
  g.request_id = next_request_++;
  g.resource = "cpu";
  g.pool = "pool-c";
  g.length_s = static_cast<std::uint32_t>(kWindowS);
  g.max_unit_price = kMaxUnitPrice;
  g.budget_per_hour = 1'000'000'000;
  auto method = forecast::chosen_method(forecast::Resource::cpu);
  g.target = forecast::default_target(method.name, forecast::Resource::cpu);
  tenant_.autopilot_set(g);
  const auto* grant = await(tenant_, wire::Body::AutopilotAck, [](const wire::Message&) {});
  if (!grant->body_as_AutopilotAck()->ok()) throw std::runtime_error("opting in was refused");
  say(
      fmt::format("tenant-auto opts into the autopilot: cpu in pool-c's {} s windows, up to {} a "
                  "VRU-hour, at the {} method's {:.2f} quantile; swarmex-autopilot starts with a "
                  "week of the trace as history",
                  kWindowS, kMaxUnitPrice, method.name, g.target));
}

void AutopilotScene::on_report(const wire::ExecutionReport& r) {
  if (r.kind() != wire::ExecKind::Filled) return;
  const bool buy = r.side() == wire::Side::Buy;
  r_.fills.push_back(
      {r.instrument(), r.host(), buy ? r.last_qty() : -r.last_qty(), r.last_price()});
  if (r.instrument() < kProductC) return;
  const std::int64_t w = engine::trading_window(product_, r.instrument() - kProductC, r.time_ns());
  if (w == engine::kNoWindow) return;
  const std::int64_t start = engine::window_start_ns(product_, w);
  holds_[start][r.host()] += buy ? r.last_qty() : -r.last_qty();
  if (!buy) return;
  first_buy_ns_.try_emplace(start, r.time_ns());
  paid_[start].first += r.last_qty() * r.last_price();
  paid_[start].second += r.last_qty();
  // A buy after the loss of a window the lost host held part of: the heal.
  const auto& by = holds_[start];
  const auto lost_part = by.find(lost_host_);
  if (lost_host_ != 0 && r.host() != lost_host_ && r.time_ns() >= lost_at_ns_ &&
      start > lost_at_ns_ && lost_part != by.end() && lost_part->second > 0) {
    healed_qty_ += r.last_qty();
    if (r_.heal_ms < 0) {
      r_.heal_ms = static_cast<double>(r.time_ns() - lost_at_ns_) / 1e6;
      say(
          fmt::format("the autopilot bought the lost part again: {} VRU of the window at +{:.1f} s "
                      "on {}, {:.0f} ms after the loss was declared",
                      r.last_qty(), static_cast<double>(start - plan_.origin_wall_ns) / 1e9,
                      host_name(r.host()), r_.heal_ms));
    }
  }
}

void AutopilotScene::snapshot_pool(const wire::Catalog& c) {
  if (c.entries() == nullptr) return;
  for (const wire::CatalogEntry* e : *c.entries()) {
    if (e->pool() == nullptr || e->pool()->str() != "pool-c") continue;
    PoolSnapshot s;
    s.utilisation_ppm = e->utilisation_ppm();
    if (s.utilisation_ppm >= 150'000) busy_seen_ = true;  // the incentive's target
    if (e->windows() != nullptr && !c1_killed_)
      for (const wire::CatalogWindow* w : *e->windows()) {
        if (w->best_ask() <= 0) continue;
        WindowAsks& a = r_.asks[w->window_start_ns()];
        if (w->sold() == 0) a.unsold_ask = w->best_ask();
        if (w->sold() > 0 && w->sold() >= a.sold) {
          a.sold = w->sold();
          a.declared = e->declared();
          a.sold_ask = w->best_ask();
        }
      }
    if (e->hosts() != nullptr)
      for (const wire::CatalogHost* h : *e->hosts())
        if (h->host() == kHostC3) s.standby_active = h->active();
    if (!r_.pool.empty() && s.standby_active && !r_.pool.back().standby_active)
      say(fmt::format("catalog: host-c3 is active now (pool-c at {:.0f}% utilisation)",
                      s.utilisation_ppm / 1e4));
    r_.pool.push_back(s);
  }
}

void AutopilotScene::poll() {
  keep_alive_();
  if (std::chrono::steady_clock::now() - last_heartbeat_ > std::chrono::seconds(1)) {
    tenant_.heartbeat();  // it only listens; the exchange closes silent sessions
    operator_.heartbeat();
    last_heartbeat_ = std::chrono::steady_clock::now();
  }
  while (const wire::Message* m = tenant_.try_receive()) {
    if (const auto* r = m->body_as_ExecutionReport()) on_report(*r);
    if (const auto* f = m->body_as_Forecast(); f != nullptr && f->instrument() >= kProductC) {
      // The window by its book (the notice's times may be on the workload clock).
      const std::int64_t w =
          engine::trading_window(product_, f->instrument() - kProductC, common::wall_ns());
      if (w == engine::kNoWindow) continue;
      WindowRow& row = forecasts_[engine::window_start_ns(product_, w)];
      row.p50 = f->p50();
      row.p90 = f->p90();
      row.hold = f->hold();
      row.units = f->units();
    }
    if (const auto* h = m->body_as_HostLost(); h != nullptr && lost_host_ == 0) {
      lost_host_ = h->host();
      lost_at_ns_ = h->lost_at_ns();
      say(
          fmt::format("tenant-auto is told: {} lost (no session for host_grace_ms); the autopilot "
                      "decides its windows there again",
                      h->host_name() ? h->host_name()->str() : host_name(h->host())));
    }
  }
  while (const wire::Message* m = operator_.try_receive()) {
    if (const auto* c = m->body_as_Catalog()) snapshot_pool(*c);
    if (const auto* n = m->body_as_IncentiveNotice()) {
      incentives_.emplace_back(n->active(), n->utilisation_ppm());
      // An announcement after the last window, the pool having been at or above the target.
      if (n->active() && busy_seen_ && common::wall_ns() >= played_end_ns_)
        announced_after_busy_ = true;
      say(n->active() ? fmt::format("incentive notice: pool-c at {:.0f}% utilisation, {:.0f}% off "
                                    "for the next {} s",
                                    n->utilisation_ppm() / 1e4, n->cut_ppm() / 1e4, 3)
                      : fmt::format("incentive withdrawn: pool-c at {:.0f}% utilisation",
                                    n->utilisation_ppm() / 1e4));
    }
  }
}

std::map<std::uint32_t, std::int64_t> AutopilotScene::held(std::int64_t start_ns,
                                                           std::int64_t at_ns) const {
  std::map<std::uint32_t, std::int64_t> out;
  const auto it = holds_.find(start_ns);
  if (it == holds_.end()) return out;
  for (const auto& [host, units] : it->second)
    if (units > 0 && !(host == lost_host_ && at_ns >= lost_at_ns_)) out[host] = units;
  return out;
}

void AutopilotScene::close_window(std::int64_t w, double used_core_s, double quota_sum,
                                  int quota_n) {
  WindowRow row;
  const std::int64_t start = plan_.window_start_ns(w);
  const auto f = forecasts_.find(start);
  if (f != forecasts_.end()) row = f->second;
  row.index = w;
  row.start_ns = start;
  row.held = held(start, start);
  const auto fb = first_buy_ns_.find(start);
  row.first_buy_ns = fb == first_buy_ns_.end() ? 0 : fb->second;
  const auto paid = paid_.find(start);
  row.avg_price = paid == paid_.end() || paid->second.second == 0
                      ? 0
                      : static_cast<double>(paid->second.first) / paid->second.second;
  row.demand = plan_.window_demand(w);
  row.used = used_core_s / kWindowS;
  row.quota = quota_n ? quota_sum / quota_n : -1;
  const std::string ahead = row.first_buy_ns == 0
                                ? "nothing bought"
                                : fmt::format("bought {:.1f} s ahead @ {:.0f} avg ({})",
                                              static_cast<double>(start - row.first_buy_ns) / 1e9,
                                              row.avg_price, by_host(row.held));
  const auto a = r_.asks.find(start);
  const std::string pool =
      a == r_.asks.end() || a->second.sold_ask == 0
          ? std::string()
          : fmt::format(" | its pegged ask {} unsold, {} with {} of {} VRU sold",
                        a->second.unsold_ask, a->second.sold_ask, a->second.sold,
                        a->second.declared);
  say(fmt::format(
      "window {}: forecast p50 {:.2f} / p90 {:.2f} cores -> {} VRU, "
      "{}; demand {:.2f} cores, used {}{}",
      w, row.p50, row.p90, row.units, ahead, row.demand,
      stack_.mode().real ? fmt::format("{:.2f} cores with quota {:.2f}", row.used, row.quota)
                         : fmt::format("{:.2f} (dry run: counters written by the "
                                       "demo, cut at the quota)",
                                       row.used),
      pool));
  r_.rows.push_back(row);
}

void AutopilotScene::play() {
  ReplayWorkload workload(stack_, plan_, {"host-c1", "host-c2"}, self_exe_);
  const std::int64_t window = plan_.window_ns();
  const std::int64_t origin = plan_.origin_wall_ns;
  const std::int64_t end = origin + kPlayed * window;
  played_end_ns_ = end;
  const std::int64_t kill_at = origin + kKillAt * window + window * 63 / 100;
  const std::int64_t bid_at = origin + window + window / 6;
  const std::int64_t off_at = origin + (kPlayed - 1) * window + 2000 * kMsNs;
  const std::int64_t shot_at = origin + 2 * window;
  bool killed = false, bid = false, off = false, shot = screenshot_file_.empty();
  std::int64_t next_catalog = 0, current = -1;
  double used_at_start = 0, quota_sum = 0;
  int quota_n = 0;
  say(fmt::format("the first played window starts in {:.1f} s",
                  (origin - common::wall_ns()) / 1e9));
  // The tail: the pool empties after the last window; the incentive comes back 1.5 s later.
  const std::int64_t stop_at = end + 5000 * kMsNs;
  for (std::int64_t now = common::wall_ns(); now < stop_at; now = common::wall_ns()) {
    check_interrupt();
    poll();
    std::map<std::string, std::int64_t> held_now;
    const std::int64_t ws = now / window * window;
    for (const auto& [host, units] : held(ws, now))
      held_now[host_name(host)] = units;
    workload.tick(now, held_now);
    if (now >= origin && now < end + window) {
      const std::int64_t w = (now - origin) / window;
      if (w != current) {
        const double used = workload.used_core_s();
        if (current >= 0 && current < kPlayed)
          close_window(current, used - used_at_start, quota_sum, quota_n);
        current = w;
        used_at_start = used;
        quota_sum = 0;
        quota_n = 0;
      }
      if (w < kPlayed) {
        quota_sum += workload.quota_cores();
        ++quota_n;
      }
    }
    if (now >= next_catalog) {
      operator_.catalog(next_request_++, "pool-c", "cpu");
      next_catalog = now + 500 * kMsNs;
    }
    if (!bid && now >= bid_at) {
      bid = true;
      const OrderOutcome o = bidder_.bid(kSpotC, 800, 16);
      say(
          fmt::format("tenant-b bids 16 VRU of cpu.pool-c.spot @ 800 ({}): no active host sells "
                      "spot in pool-c, so the bid rests as unmet demand",
                      o.accepted ? "resting" : "rejected " + o.reject));
    }
    if (!killed && now >= kill_at) {
      killed = true;
      stack_.kill_host("host-c1");
      c1_killed_ = true;
      workload.drop_host("host-c1");
      say("SIGKILL to host-c1's controller (it holds part of the next window)");
    }
    if (!off && now >= off_at) {
      off = true;
      tenant_.autopilot_off(next_request_++, "cpu", "pool-c");
      say("tenant-auto opts out after the last played window: the pool will empty");
    }
    if (!shot && now >= shot_at) {
      shot = true;
      screenshot();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  poll();
}

void AutopilotScene::screenshot() {
  const std::string url = stack_.dashboard_address();
  if (url.empty()) return say("no dashboard to photograph");
  const std::string chromium = "/usr/bin/chromium";
  if (::access(chromium.c_str(), X_OK) != 0)
    return say("--screenshot: no /usr/bin/chromium (apt-get install chromium): no picture");
  stack_.start_process(
      "chromium",
      {"/usr/bin/timeout", "40", chromium, "--headless", "--no-sandbox", "--disable-gpu",
       "--hide-scrollbars", "--user-data-dir=" + stack_.work_dir() + "/chromium",
       "--window-size=1400,2560", "--virtual-time-budget=4000", "--screenshot=" + screenshot_file_,
       url + "/?token=operator-token"});
  say("headless Chromium photographs the dashboard into " + screenshot_file_);
}

void AutopilotScene::conclude() {
  // Bought before demand arrived: every played window was held, bought before its start.
  int ahead = 0;
  for (const WindowRow& row : r_.rows)
    if (row.first_buy_ns > 0 && row.first_buy_ns < row.start_ns && total(row.held) > 0) ++ahead;
  r_.bought_ahead = {
      true, ahead == kPlayed && static_cast<int>(r_.rows.size()) == kPlayed,
      fmt::format("{} of {} played windows held from before their start", ahead, kPlayed)};
  // The share followed the purchases: never above what was bought (the kernel's quota; 10 % and
  // 0.05 core of slack for the counters' timing), and the work ran in what was bought (a quarter
  // of min(demand, bought) at least: two shared cores under other builds give a burner little
  // more) in every window but one (the one a loaded machine starved, or host-c1's loss cut).
  if (stack_.mode().real) {
    int within = 0, ran = 0;
    for (const WindowRow& row : r_.rows) {
      const double bought = static_cast<double>(total(row.held)) / 10;
      if (row.used <= bought * 1.1 + 0.05) ++within;
      if (row.used >= std::min(row.demand, bought) * 0.25) ++ran;
    }
    const int n = static_cast<int>(r_.rows.size());
    r_.share_followed = {true, n > 0 && within == n && ran >= n - 1,
                         fmt::format("{} of {} windows used no more than bought (+10%), {} ran at "
                                     "least a quarter of min(demand, bought)",
                                     within, n, ran)};
  }
  // Pegged asks moved with utilisation: a window's lowest ask higher once part of it was sold.
  int moved = 0, seen = 0;
  const WindowAsks* shown = nullptr;
  for (const auto& [start, a] : r_.asks) {
    if (a.unsold_ask == 0 || a.sold_ask == 0) continue;
    ++seen;
    if (a.sold_ask > a.unsold_ask) {
      ++moved;
      if (shown == nullptr) shown = &a;
    }
  }
  r_.pegged = {true, moved > 0,
               shown == nullptr
                   ? fmt::format("no window's ask rose with its sales ({} windows seen unsold and "
                                 "sold)",
                                 seen)
                   : fmt::format("{} of {} windows repriced as they sold, e.g. {} unsold -> {} "
                                 "with {} of {} VRU sold",
                                 moved, seen, shown->unsold_ask, shown->sold_ask, shown->sold,
                                 shown->declared)};
  std::uint32_t high_u = 0;
  for (const PoolSnapshot& p : r_.pool)
    high_u = std::max(high_u, p.utilisation_ppm);
  // The standby host: activated (its own log, the catalog) and it sold the unmet demand.
  bidder_.poll();
  std::int64_t from_c3 = 0;
  for (const FillRecord& f : bidder_.fills())
    if (f.instrument == kSpotC && f.host == kHostC3) from_c3 += f.qty;
  const bool logged =
      stack_.host_log("host-c3").find("activated by the exchange") != std::string::npos;
  const bool listed = std::any_of(r_.pool.begin(), r_.pool.end(),
                                  [](const PoolSnapshot& s) { return s.standby_active; });
  r_.standby = {true, logged && listed && from_c3 > 0,
                fmt::format("host-c3 {}, {} in the catalog; it sold tenant-b {} VRU",
                            logged ? "logged its activation" : "was NOT activated",
                            listed ? "active" : "never active", from_c3)};
  r_.incentive = {
      true, announced_after_busy_,
      fmt::format("{} notices; {}", incentives_.size(),
                  announced_after_busy_ ? "announced again once the pool, busy for a while, emptied"
                                        : "none after the pool was busy")};
  // Pre-staged vs cold: the host controllers' own "window start" lines.
  std::vector<double> pre, cold;
  for (const char* h : {"host-c1", "host-c2"}) {
    const std::string log = stack_.host_log(h);
    for (std::size_t at = log.find("window start: "); at != std::string::npos;
         at = log.find("window start: ", at + 1)) {
      const std::string line = log.substr(at, log.find('\n', at) - at);
      const auto us = line.find(" us after its start");
      const auto from = line.rfind(' ', us - 1);
      if (us == std::string::npos || from == std::string::npos) continue;
      const double v = std::stod(line.substr(from + 1, us - from - 1));
      (line.find("(pre-staged)") != std::string::npos ? pre : cold).push_back(v);
    }
  }
  auto median = [](std::vector<double> v) {
    if (v.empty()) return -1.0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const double pre_us = median(pre), cold_us = median(cold);
  r_.prestaged = {true, pre_us >= 0 && cold_us >= 0 && pre_us < cold_us,
                  fmt::format("window start -> enforced: pre-staged p50 {:.0f} us ({} starts), "
                              "cold p50 {:.0f} us ({} starts)",
                              pre_us, pre.size(), cold_us, cold.size())};
  // The lost host's part came back elsewhere, before the window started.
  const std::int64_t next = plan_.window_start_ns(kKillAt + 1);
  const auto live = held(next, next);
  // On real cgroups the surviving host enforced it too (its quota over that window).
  const auto row = std::find_if(r_.rows.begin(), r_.rows.end(),
                                [](const WindowRow& w) { return w.index == kKillAt + 1; });
  const bool enforced =
      !stack_.mode().real ||
      (row != r_.rows.end() && row->quota >= 0.09 * static_cast<double>(total(live)));
  r_.healed = {true, lost_host_ == kHostC1 && healed_qty_ > 0 && total(live) > 0 && enforced,
               lost_host_ == 0 ? "no HostLost was heard"
                               : fmt::format("{} VRU bought again on other hosts {:.0f} ms after "
                                             "the loss was declared; window {} held {}{}",
                                             healed_qty_, r_.heal_ms, kKillAt + 1, by_host(live),
                                             stack_.mode().real && row != r_.rows.end()
                                                 ? fmt::format(", quota {:.2f} cores", row->quota)
                                                 : "")};
  const std::string ap = stack_.process_output("swarmex-autopilot");
  const auto heal = ap.find("self-heal: ");
  if (heal != std::string::npos)
    say("swarmex-autopilot: " + ap.substr(heal, ap.find('\n', heal) - heal));
  say(fmt::format("pool-c: {} catalog snapshots, utilisation up to {:.0f}%", r_.pool.size(),
                  high_u / 1e4));
}

}  // namespace swarmex::demo
