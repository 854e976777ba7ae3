#include "order_command.hpp"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <optional>

#include "connection.hpp"
#include "swarmex/common/clock.hpp"
#include "window_start.hpp"

namespace swarmex::cli {
namespace {

struct OrderOptions {
  ConnectionOptions connection;
  std::uint32_t instrument = 0;
  std::string side = "buy";
  std::string type = "limit";
  std::string tif = "gtc";
  std::string stp = "cancel_newest";
  std::int64_t price = 0;
  std::int64_t qty = 0;
  std::int64_t min_qty = 0;
  std::int64_t expire_in_ms = 0;  // --tif gtd: from now (the wall clock), or
  std::int64_t expire_at_ns = 0;  // the exchange time itself
  std::int64_t display = 0;       // an iceberg's shown quantity
  bool post_only = false;
  bool pegged = false;
  std::uint64_t client_order_id = 0;
  std::uint64_t order_id = 0;
  int wait_ms = 2000;
  int settle_ms = 100;
  // Swarm orders.
  std::vector<std::string> legs;  // INSTRUMENT:QTY
  std::string placement = "same-host";
  std::string swarm_tif = "ioc";
  std::int64_t limit_total = 0;
  std::string template_name;
  std::uint32_t count = 1;
  std::string pool;
  // Block orders.
  std::string resource;
  std::uint32_t length_s = 0;
  std::string start;  // see window_start.hpp: 2026-11-23T14:00Z, nanoseconds, or +1h from now
  std::uint32_t windows = 1;
  std::vector<std::int64_t> qtys;
  // Resale and reservation changes.
  std::uint32_t host = 0;
  std::string delta;  // "+2", "-2"
};

template <typename Enum>
Enum parse_enum(const std::string& text, const std::map<std::string, Enum>& names,
                const char* what) {
  const auto it = names.find(text);
  if (it == names.end()) throw CliError(fmt::format("unknown {} '{}'", what, text));
  return it->second;
}

wire::Placement parse_placement(const std::string& text) {
  return parse_enum<wire::Placement>(text,
                                     {{"same-host", wire::Placement::SameHost},
                                      {"same-pool", wire::Placement::SamePool},
                                      {"any", wire::Placement::Any}},
                                     "placement");
}

bool is_report_for(const wire::Message& m, const client::OrderRef& ref) {
  const auto* r = m.body_as_ExecutionReport();
  if (r == nullptr) return false;
  return (ref.client_order_id != 0 && r->client_order_id() == ref.client_order_id) ||
         (ref.order_id != 0 && r->order_id() == ref.order_id);
}

// What ends the wait for an order's reports.
enum class Until { Terminal, Cancelled, Modified, Quiet };

// Prints the reports of `ref` until `until` is met, the wait runs out, or (once an answer came)
// the stream is quiet for settle_ms. Returns the exit code.
int collect(Session& session, const client::OrderRef& ref, Until until, const OrderOptions& o) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(o.wait_ms);
  const auto settle = std::chrono::milliseconds(o.settle_ms);
  std::optional<Clock::time_point> quiet_deadline;
  bool answered = false;
  bool rejected = false;
  for (;;) {
    const auto until_time = quiet_deadline ? std::min(deadline, *quiet_deadline) : deadline;
    const wire::Message* m = session.next(until_time);
    if (m == nullptr) break;
    if (!is_report_for(*m, ref)) continue;
    const auto* r = m->body_as_ExecutionReport();
    const auto kind = r->kind();
    // A cancel or modify is itself acknowledged with an Accepted report of the order; the user
    // asked about its outcome.
    if (until != Until::Terminal && until != Until::Quiet && kind == wire::ExecKind::Accepted)
      continue;
    session.print(*m);
    answered = true;
    if (kind == wire::ExecKind::Rejected) {
      rejected = true;
      break;
    }
    const bool gone = kind == wire::ExecKind::Cancelled || kind == wire::ExecKind::Expired ||
                      (kind == wire::ExecKind::Filled && r->leaves_qty() == 0);
    if (gone) break;
    if (until == Until::Modified && kind == wire::ExecKind::Modified) {
      quiet_deadline = Clock::now() + settle;  // a repriced order may trade at once
      continue;
    }
    if (until == Until::Quiet || (until == Until::Modified && quiet_deadline))
      quiet_deadline = Clock::now() + settle;
  }
  if (!answered) throw CliError(fmt::format("no execution report within {} ms", o.wait_ms));
  return rejected ? kExitRejected : kExitOk;
}

// The window a --resource / --pool / --start names among those trading now.
ListedWindow resolve_window(Session& session, const OrderOptions& o, const WindowStart& start) {
  const auto windows =
      listed_windows(session, o.resource, o.pool, o.length_s, o.connection.timeout_ms);
  return pick_window(start, common::wall_ns(), windows, o.resource + "." + o.pool);
}

// `order new` and `resell` name an instrument by id, or a window book by its window's start;
// checked before connecting.
void check_instrument_choice(const OrderOptions& o) {
  if (o.start.empty()) {
    if (o.instrument == 0)
      throw CliError("name the instrument: --instrument, or --resource, --pool and --start");
    return;
  }
  if (o.instrument != 0) throw CliError("give --instrument or --start, not both");
  if (o.resource.empty() || o.pool.empty()) throw CliError("--start needs --resource and --pool");
  (void)parse_window_start(o.start);
}

std::uint32_t instrument_of(Session& session, const OrderOptions& o) {
  if (o.start.empty()) return o.instrument;
  return resolve_window(session, o, parse_window_start(o.start)).instrument;
}

int run_new(const OrderOptions& o) {
  client::OrderSpec spec;
  spec.client_order_id = o.client_order_id != 0 ? o.client_order_id : fresh_id();
  check_instrument_choice(o);
  spec.side = parse_enum<wire::Side>(o.side, {{"buy", wire::Side::Buy}, {"sell", wire::Side::Sell}},
                                     "side");
  spec.type = parse_enum<wire::OrderType>(
      o.type, {{"limit", wire::OrderType::Limit}, {"market", wire::OrderType::Market}}, "type");
  spec.time_in_force = parse_enum<wire::TimeInForce>(o.tif,
                                                     {{"gtc", wire::TimeInForce::Gtc},
                                                      {"ioc", wire::TimeInForce::Ioc},
                                                      {"fok", wire::TimeInForce::Fok},
                                                      {"gtd", wire::TimeInForce::Gtd},
                                                      {"day", wire::TimeInForce::Day}},
                                                     "time in force");
  const bool gtd = spec.time_in_force == wire::TimeInForce::Gtd;
  if (gtd != (o.expire_in_ms > 0 || o.expire_at_ns > 0) ||
      (o.expire_in_ms > 0 && o.expire_at_ns > 0))
    throw CliError("--tif gtd takes one of --expire-in-ms and --expire-at-ns (and only gtd does)");
  spec.expire_time_ns = o.expire_at_ns > 0 ? o.expire_at_ns
                        : gtd              ? common::wall_ns() + o.expire_in_ms * 1'000'000
                                           : 0;
  spec.display_qty = o.display;
  spec.stp = parse_enum<wire::StpMode>(o.stp,
                                       {{"none", wire::StpMode::None},
                                        {"cancel_newest", wire::StpMode::CancelNewest},
                                        {"cancel_oldest", wire::StpMode::CancelOldest},
                                        {"cancel_both", wire::StpMode::CancelBoth}},
                                       "stp mode");
  spec.price = o.price;
  spec.qty = o.qty;
  spec.min_qty = o.min_qty;
  spec.post_only = o.post_only;
  spec.pegged = o.pegged;
  // Tenants buy and hosts sell: the side picks the default role.
  Session session(o.connection,
                  spec.side == wire::Side::Sell ? wire::Role::Host : wire::Role::Tenant);
  spec.instrument = instrument_of(session, o);
  session.client().new_order(spec);
  // Immediate orders always end (filled or cancelled); a resting one is done once quiet.
  const bool immediate = spec.time_in_force == wire::TimeInForce::Ioc ||
                         spec.time_in_force == wire::TimeInForce::Fok ||
                         spec.type == wire::OrderType::Market;
  return collect(session, {.client_order_id = spec.client_order_id},
                 immediate ? Until::Terminal : Until::Quiet, o);
}

// Swarm and template orders: tenants only; the reports name the first leg's instrument, the
// fills each leg's, and the order ends filled (every leg at once) or cancelled.
int run_swarm(const OrderOptions& o) {
  client::SwarmSpec spec;
  spec.client_order_id = o.client_order_id != 0 ? o.client_order_id : fresh_id();
  spec.limit_total = o.limit_total;
  spec.time_in_force = parse_enum<wire::TimeInForce>(
      o.swarm_tif, {{"gtc", wire::TimeInForce::Gtc}, {"ioc", wire::TimeInForce::Ioc}},
      "time in force");
  if (o.template_name.empty()) {
    spec.placement = parse_placement(o.placement);
    for (const std::string& leg : o.legs) {
      const auto colon = leg.find(':');
      std::uint32_t instrument = 0;
      std::int64_t qty = 0;
      try {
        if (colon == std::string::npos) throw std::invalid_argument(leg);
        instrument = static_cast<std::uint32_t>(std::stoul(leg.substr(0, colon)));
        qty = std::stoll(leg.substr(colon + 1));
      } catch (const std::exception&) {
        throw CliError(fmt::format("--leg '{}' is not INSTRUMENT:QTY", leg));
      }
      spec.legs.emplace_back(instrument, qty);
    }
  } else {
    spec.template_name = o.template_name;
    spec.template_count = o.count;
    spec.pool = o.pool;
  }
  Session session(o.connection, wire::Role::Tenant);
  session.client().new_swarm_order(spec);
  return collect(session, {.client_order_id = spec.client_order_id},
                 spec.time_in_force == wire::TimeInForce::Gtc ? Until::Quiet : Until::Terminal, o);
}

// Block orders: tenants only; a swarm order over consecutive windows, reported like one.
// What block orders and reservation changes share: the windows of a product, placement, IOC or
// GTC. `send` puts the request on the wire; the reports are collected like a swarm order's.
template <typename WindowSpec, typename Send>
int run_windows(const OrderOptions& o, WindowSpec& spec, Send send) {
  spec.client_order_id = o.client_order_id != 0 ? o.client_order_id : fresh_id();
  spec.resource = o.resource;
  spec.pool = o.pool;
  spec.length_s = o.length_s;
  const WindowStart start = parse_window_start(o.start);  // bad input fails before connecting
  if (spec.windows == 0) spec.windows = o.windows;
  spec.placement = parse_placement(o.placement);
  spec.time_in_force = parse_enum<wire::TimeInForce>(
      o.swarm_tif, {{"gtc", wire::TimeInForce::Gtc}, {"ioc", wire::TimeInForce::Ioc}},
      "time in force");
  Session session(o.connection, wire::Role::Tenant);
  spec.start_ns = start.relative ? resolve_window(session, o, start).start_ns : start.ns;
  send(session.client(), spec);
  return collect(session, {.client_order_id = spec.client_order_id},
                 spec.time_in_force == wire::TimeInForce::Gtc ? Until::Quiet : Until::Terminal, o);
}

int run_block(const OrderOptions& o) {
  client::BlockOrderSpec spec;
  spec.windows = !o.qtys.empty() && o.windows == 1 ? static_cast<std::uint32_t>(o.qtys.size()) : 0;
  spec.qty = o.qty;
  spec.qtys = o.qtys;
  spec.limit_total = o.limit_total;
  return run_windows(
      o, spec, [](client::Client& c, const client::BlockOrderSpec& b) { c.new_block_order(b); });
}

// Resale: a tenant offers part of a window it holds from --host; reported like an order.
int run_resell(const OrderOptions& o) {
  client::OrderSpec spec;
  spec.client_order_id = o.client_order_id != 0 ? o.client_order_id : fresh_id();
  check_instrument_choice(o);
  spec.side = wire::Side::Sell;
  spec.time_in_force = parse_enum<wire::TimeInForce>(
      o.tif, {{"gtc", wire::TimeInForce::Gtc}, {"ioc", wire::TimeInForce::Ioc}}, "time in force");
  spec.price = o.price;
  spec.qty = o.qty;
  spec.resale_host = o.host;
  Session session(o.connection, wire::Role::Tenant);
  spec.instrument = instrument_of(session, o);
  session.client().new_order(spec);
  return collect(session, {.client_order_id = spec.client_order_id},
                 spec.time_in_force == wire::TimeInForce::Gtc ? Until::Quiet : Until::Terminal, o);
}

// A reservation change: +N buys N more in every window (one block order), -N sells N back from
// the allocation held from --host (one resale request). One outcome either way.
int run_change(const OrderOptions& o) {
  client::ChangeSpec spec;
  spec.windows = 0;  // from --windows
  try {              // +2, -2, or a share of what is held in each window: +10%, -25%
    const bool pct = !o.delta.empty() && o.delta.back() == '%';
    const std::string number = pct ? o.delta.substr(0, o.delta.size() - 1) : o.delta;
    std::size_t used = 0;
    const long long v = std::stoll(number, &used);
    if (used != number.size()) throw std::invalid_argument(o.delta);
    if (pct && (v < -100 || v > 1000)) throw std::out_of_range(o.delta);
    if (pct)
      spec.delta_pct = static_cast<std::int32_t>(v);
    else
      spec.delta_qty = v;
  } catch (const std::exception&) {
    throw CliError(fmt::format(
        "--delta '{}' is not a signed quantity (+2, -2) or percent (+10%, -25%; -100..1000)",
        o.delta));
  }
  spec.unit_price = o.price;
  spec.host = o.host;
  return run_windows(
      o, spec, [](client::Client& c, const client::ChangeSpec& ch) { c.change_reservation(ch); });
}

client::OrderRef ref_of(const OrderOptions& o) {
  if ((o.client_order_id == 0) == (o.order_id == 0))
    throw CliError("name the order with exactly one of --client-order-id, --order-id");
  return {.client_order_id = o.client_order_id, .order_id = o.order_id};
}

int run_cancel(const OrderOptions& o) {
  const auto ref = ref_of(o);
  Session session(o.connection, wire::Role::Tenant);
  session.client().cancel_order(o.instrument, ref);
  return collect(session, ref, Until::Cancelled, o);
}

int run_modify(const OrderOptions& o) {
  const auto ref = ref_of(o);
  Session session(o.connection, wire::Role::Tenant);
  session.client().modify_order(o.instrument, ref, o.price, o.qty);
  return collect(session, ref, Until::Modified, o);
}

int run_mass_cancel(const OrderOptions& o) {
  Session session(o.connection, wire::Role::Tenant);
  session.client().mass_cancel(o.instrument == 0 ? engine::kAllInstruments : o.instrument);
  // Cancels arrive per order; the command ends once they stop.
  const auto deadline = Clock::now() + std::chrono::milliseconds(o.wait_ms);
  auto quiet = Clock::now() + std::chrono::milliseconds(o.settle_ms * 5);
  int cancelled = 0;
  while (const wire::Message* m = session.next(std::min(deadline, quiet))) {
    const auto* r = m->body_as_ExecutionReport();
    // Each engine partition acknowledges the mass cancel (Accepted); the cancels are what matter.
    if (r == nullptr || r->kind() == wire::ExecKind::Accepted) continue;
    session.print(*m);
    if (r->kind() == wire::ExecKind::Cancelled) ++cancelled;
    if (r->kind() == wire::ExecKind::Rejected) return kExitRejected;
    quiet = Clock::now() + std::chrono::milliseconds(o.settle_ms);
  }
  if (!session.json()) fmt::print("{} orders cancelled\n", cancelled);
  return kExitOk;
}

void add_wait_options(CLI::App& sub, OrderOptions& o) {
  sub.add_option("--wait-ms", o.wait_ms, "how long to wait for the order's reports")
      ->capture_default_str();
  sub.add_option("--settle-ms", o.settle_ms,
                 "after an answer, stop once no report came for this long")
      ->capture_default_str();
}

// --resource --pool --length-s --start; returns --start.
CLI::Option* add_window_options(CLI::App& sub, OrderOptions& o, const std::string& start_help) {
  sub.add_option("--resource", o.resource, "cpu, mem, io, mig.<profile>");
  sub.add_option("--pool", o.pool, "the pool of the scheduled product");
  sub.add_option("--length-s", o.length_s, "window length (needed when a pool has several)");
  return sub.add_option("--start", o.start,
                        start_help +
                            ": 2026-11-23T14:00Z, nanoseconds since the epoch, or relative to "
                            "now (+30s, +90m, +1h, +2d: the first window starting at or after "
                            "now + that offset)");
}

}  // namespace

void add_order_command(CLI::App& app, int& exit_code) {
  auto* order = app.add_subcommand("order", "send orders, cancels and modifications");
  order->require_subcommand(1);
  auto o = std::make_shared<OrderOptions>();

  auto* add = order->add_subcommand("new", "send a new order and print its first reports");
  add->add_option("--instrument", o->instrument, "instrument id (or a window: --start)");
  add_window_options(*add, *o, "a window book instead of --instrument: its window's start");
  add->add_option("--side", o->side, "buy (tenants) or sell (hosts)")
      ->check(CLI::IsMember({"buy", "sell"}))
      ->capture_default_str();
  add->add_option("--type", o->type, "limit or market")
      ->check(CLI::IsMember({"limit", "market"}))
      ->capture_default_str();
  add->add_option("--tif", o->tif,
                  "gtc, ioc, fok, gtd (with --expire-in-ms / --expire-at-ns) or day")
      ->check(CLI::IsMember({"gtc", "ioc", "fok", "gtd", "day"}))
      ->capture_default_str();
  add->add_option("--expire-in-ms", o->expire_in_ms, "gtd: expires this long from now");
  add->add_option("--expire-at-ns", o->expire_at_ns, "gtd: expires at this exchange time");
  add->add_option("--display", o->display, "an iceberg: show this much of the order at a time");
  add->add_option("--price", o->price, "limit price (market: protection price, 0 = none)");
  add->add_option("--qty", o->qty, "quantity in units")->required();
  add->add_option("--min-qty", o->min_qty, "all-or-none minimum quantity");
  add->add_option("--stp", o->stp, "none, cancel_newest, cancel_oldest, cancel_both")
      ->capture_default_str();
  add->add_flag("--post-only", o->post_only, "reject instead of trading on arrival");
  add->add_flag("--pegged", o->pegged,
                "hosts' asks: --price is a base the pool's pricing curve multiplies");
  add->add_option("--client-order-id", o->client_order_id, "default: microseconds since epoch");
  add_wait_options(*add, *o);
  add_connection_options(*add, o->connection);
  add->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_new(*o); }); });

  auto* swarm = order->add_subcommand(
      "swarm", "buy a bundle of legs all-or-none (e.g. --leg 1:4 --leg 2:8 --limit-total 9000)");
  swarm->add_option("--leg", o->legs, "INSTRUMENT:QTY, once per leg (at most 8)")->required();
  swarm->add_option("--placement", o->placement, "same-host, same-pool or any")
      ->check(CLI::IsMember({"same-host", "same-pool", "any"}))
      ->capture_default_str();
  swarm->add_option("--limit-total", o->limit_total, "the most it pays: sum of price x qty")
      ->required();
  swarm->add_option("--tif", o->swarm_tif, "ioc or gtc (rests until every leg can fill)")
      ->check(CLI::IsMember({"ioc", "gtc"}))
      ->capture_default_str();
  swarm->add_option("--client-order-id", o->client_order_id, "default: microseconds since epoch");
  add_wait_options(*swarm, *o);
  add_connection_options(*swarm, o->connection);
  swarm->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_swarm(*o); }); });

  auto* tmpl = order->add_subcommand(
      "template", "buy COUNT bundles of an operator-defined template in one pool, all-or-none");
  tmpl->add_option("--name", o->template_name, "template name (swarmexd [[templates]])")
      ->required();
  tmpl->add_option("--count", o->count, "how many bundles")->capture_default_str();
  tmpl->add_option("--pool", o->pool, "the pool whose spot instruments it trades")->required();
  tmpl->add_option("--limit-total", o->limit_total, "the most it pays: sum of price x qty")
      ->required();
  tmpl->add_option("--tif", o->swarm_tif, "ioc or gtc")
      ->check(CLI::IsMember({"ioc", "gtc"}))
      ->capture_default_str();
  tmpl->add_option("--client-order-id", o->client_order_id, "default: microseconds since epoch");
  add_wait_options(*tmpl, *o);
  add_connection_options(*tmpl, o->connection);
  tmpl->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_swarm(*o); }); });

  auto* block = order->add_subcommand(
      "block", "buy one resource in consecutive delivery windows, all-or-none");
  add_window_options(*block, *o, "first window's start")->required();
  block->get_option("--resource")->required();
  block->get_option("--pool")->required();
  block->add_option("--windows", o->windows, "consecutive windows (1..8)")->capture_default_str();
  auto* qty = block->add_option("--qty", o->qty, "units in every window");
  block->add_option("--qtys", o->qtys, "units per window, e.g. 4,4,2")
      ->delimiter(',')
      ->excludes(qty);
  block->add_option("--placement", o->placement, "same-host, same-pool or any")
      ->check(CLI::IsMember({"same-host", "same-pool", "any"}))
      ->capture_default_str();
  block->add_option("--limit-total", o->limit_total, "the most it pays over all windows")
      ->required();
  block->add_option("--tif", o->swarm_tif, "ioc or gtc")
      ->check(CLI::IsMember({"ioc", "gtc"}))
      ->capture_default_str();
  block->add_option("--client-order-id", o->client_order_id, "default: microseconds since epoch");
  add_wait_options(*block, *o);
  add_connection_options(*block, o->connection);
  block->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_block(*o); }); });

  auto* resell = order->add_subcommand(
      "resell", "offer part of a delivery window you hold from a host (the partition marketplace)");
  resell->add_option("--instrument", o->instrument, "the window's instrument id (or --start)");
  add_window_options(*resell, *o, "the window instead of --instrument: its start");
  resell->add_option("--host", o->host, "the host id your allocation is on")->required();
  resell->add_option("--price", o->price, "ask price per unit")->required();
  resell->add_option("--qty", o->qty, "units to resell")->required();
  resell->add_option("--tif", o->tif, "gtc or ioc")
      ->check(CLI::IsMember({"gtc", "ioc"}))
      ->capture_default_str();
  resell->add_option("--client-order-id", o->client_order_id, "default: microseconds since epoch");
  add_wait_options(*resell, *o);
  add_connection_options(*resell, o->connection);
  resell->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_resell(*o); }); });

  auto* change = order->add_subcommand(
      "change",
      "change a reservation: --delta=+2 buys 2 more in every window, --delta=-2 sells 2 "
      "back (from --host); --delta=+10% or -25% is a share of what you hold in each window");
  add_window_options(*change, *o, "first window changed")->required();
  change->get_option("--resource")->required();
  change->get_option("--pool")->required();
  change->add_option("--windows", o->windows, "consecutive windows (1..8)")->capture_default_str();
  change->add_option("--delta", o->delta, "signed units per window (+2, -2) or percent (+10%)")
      ->required();
  change->add_option("--unit-price", o->price, "buys: the most per unit; sells: the ask price")
      ->required();
  change->add_option("--host", o->host, "sells: the host id the allocation is on");
  change->add_option("--placement", o->placement, "buys: same-host, same-pool or any")
      ->check(CLI::IsMember({"same-host", "same-pool", "any"}))
      ->capture_default_str();
  change->add_option("--tif", o->swarm_tif, "ioc or gtc")
      ->check(CLI::IsMember({"ioc", "gtc"}))
      ->capture_default_str();
  change->add_option("--client-order-id", o->client_order_id, "default: microseconds since epoch");
  add_wait_options(*change, *o);
  add_connection_options(*change, o->connection);
  change->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_change(*o); }); });

  auto* cancel = order->add_subcommand("cancel", "cancel one order");
  cancel->add_option("--instrument", o->instrument, "instrument id")->required();
  cancel->add_option("--client-order-id", o->client_order_id, "the order's client_order_id");
  cancel->add_option("--order-id", o->order_id, "the exchange's order id");
  add_wait_options(*cancel, *o);
  add_connection_options(*cancel, o->connection);
  cancel->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_cancel(*o); }); });

  auto* modify = order->add_subcommand("modify", "change an order's price and/or quantity");
  modify->add_option("--instrument", o->instrument, "instrument id")->required();
  modify->add_option("--client-order-id", o->client_order_id, "the order's client_order_id");
  modify->add_option("--order-id", o->order_id, "the exchange's order id");
  modify->add_option("--price", o->price, "new price")->required();
  modify->add_option("--qty", o->qty, "new remaining quantity")->required();
  add_wait_options(*modify, *o);
  add_connection_options(*modify, o->connection);
  modify->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_modify(*o); }); });

  auto* mass = order->add_subcommand("mass-cancel", "cancel all of this principal's orders");
  mass->add_option("--instrument", o->instrument, "only this instrument (default: all)");
  add_wait_options(*mass, *o);
  add_connection_options(*mass, o->connection);
  mass->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_mass_cancel(*o); }); });
}

}  // namespace swarmex::cli
