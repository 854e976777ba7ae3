#include "admin_command.hpp"

#include <fmt/format.h>

#include <functional>
#include <memory>

#include "connection.hpp"

namespace swarmex::cli {
namespace {

struct AdminOptions {
  ConnectionOptions connection;
  std::uint32_t instrument = 0;
  client::ParamsSpec params;
  client::InstrumentSpec spec;
  client::PricingSpec pricing;
  std::int32_t maker_bps = 0;
  std::int32_t taker_bps = 0;
  std::vector<std::string> curve;  // "U:F" points
  bool all = false;                // end-day: every spot instrument
  std::string mode;                // trading-mode: continuous | batch
  std::uint32_t interval_ms = 0;
  std::uint32_t max_move_bps = 0;
  std::uint32_t window_ms = 0;
  std::uint32_t cooloff_ms = 0;
  bool breaker_off = false;
};

// "0.8:2.5" -> {0.8, 2.5}; throws CliError on anything else.
std::pair<double, double> curve_point(const std::string& text) {
  const auto colon = text.find(':');
  try {
    if (colon == std::string::npos) throw std::invalid_argument(text);
    std::size_t used_u = 0, used_f = 0;
    const double u = std::stod(text.substr(0, colon), &used_u);
    const double f = std::stod(text.substr(colon + 1), &used_f);
    if (used_u != colon || used_f != text.size() - colon - 1) throw std::invalid_argument(text);
    return {u, f};
  } catch (const std::exception&) {
    throw CliError("a curve point is UTILISATION:MULTIPLIER, e.g. 0.8:2.5, not '" + text + "'");
  }
}

using Request = std::function<void(client::Client&, std::uint64_t request_id)>;

// Sends one admin request and prints its AdminAck.
int run_admin(const AdminOptions& o, const Request& request) {
  Session session(o.connection, wire::Role::Operator);
  const std::uint64_t request_id = fresh_id();
  request(session.client(), request_id);
  const auto deadline = Clock::now() + std::chrono::milliseconds(o.connection.timeout_ms);
  while (const wire::Message* m = session.next(deadline)) {
    const auto* ack = m->body_as_AdminAck();
    if (ack == nullptr || ack->request_id() != request_id) continue;
    session.print(*m);
    return ack->ok() ? kExitOk : kExitRejected;
  }
  throw CliError(fmt::format("no AdminAck within {} ms", o.connection.timeout_ms));
}

CLI::App* add_verb(CLI::App& admin, int& exit_code, const std::shared_ptr<AdminOptions>& o,
                   const char* name, const char* help, Request request) {
  auto* sub = admin.add_subcommand(name, help);
  add_connection_options(*sub, o->connection);
  sub->callback([&exit_code, o, request = std::move(request)] {
    run_guarded(exit_code, [&] { return run_admin(*o, request); });
  });
  return sub;
}

}  // namespace

void add_admin_command(CLI::App& app, int& exit_code) {
  auto* admin = app.add_subcommand("admin", "operator requests (operator role)");
  admin->require_subcommand(1);
  auto o = std::make_shared<AdminOptions>();
  AdminOptions& opt = *o;

  add_verb(*admin, exit_code, o, "instruments", "list instruments and their parameters",
           [](client::Client& c, std::uint64_t id) { c.admin_list_instruments(id); });
  add_verb(*admin, exit_code, o, "sessions", "list open sessions",
           [](client::Client& c, std::uint64_t id) { c.admin_list_sessions(id); });
  add_verb(*admin, exit_code, o, "snapshot", "take an engine snapshot now",
           [](client::Client& c, std::uint64_t id) { c.admin_take_snapshot(id); });
  add_verb(*admin, exit_code, o, "halt", "halt trading on an instrument",
           [&opt](client::Client& c, std::uint64_t id) { c.admin_halt(id, opt.instrument); })
      ->add_option("INSTRUMENT", opt.instrument, "instrument id")
      ->required();
  add_verb(*admin, exit_code, o, "resume", "resume trading on an instrument",
           [&opt](client::Client& c, std::uint64_t id) { c.admin_resume(id, opt.instrument); })
      ->add_option("INSTRUMENT", opt.instrument, "instrument id")
      ->required();

  auto* end_day =
      add_verb(*admin, exit_code, o, "end-day",
               "end the trading day: cancel the Day orders of a spot instrument, or of all (--all)",
               [&opt](client::Client& c, std::uint64_t id) {
                 if (opt.all == (opt.instrument != 0))
                   throw CliError("give an INSTRUMENT or --all");
                 c.admin_end_day(id, opt.all ? engine::kAllInstruments : opt.instrument);
               });
  end_day->add_option("INSTRUMENT", opt.instrument, "instrument id");
  end_day->add_flag("--all", opt.all, "every spot instrument");

  auto* params = add_verb(
      *admin, exit_code, o, "params", "change live trading parameters (0 or absent: unchanged)",
      [&opt](client::Client& c, std::uint64_t id) { c.admin_set_params(id, opt.params); });
  params->add_option("INSTRUMENT", opt.params.instrument, "instrument id")->required();
  params->add_option("--band-min", opt.params.band_min, "lowest accepted price");
  params->add_option("--band-max", opt.params.band_max, "highest accepted price");
  params->add_option("--min-qty", opt.params.min_qty, "smallest order quantity");
  params->add_option("--max-qty", opt.params.max_qty, "largest order quantity");
  params->add_option("--market-protection-ticks", opt.params.market_protection_ticks,
                     "how far a market order may trade through the best price");

  auto* pricing = add_verb(
      *admin, exit_code, o, "pricing",
      "set a pool's pricing curve for one resource (no --point: remove it) and its incentives",
      [&opt](client::Client& c, std::uint64_t id) {
        opt.pricing.curve.clear();
        for (const std::string& p : opt.curve)
          opt.pricing.curve.push_back(curve_point(p));
        c.admin_set_pricing(id, opt.pricing);
      });
  pricing->alias("curve");
  pricing->add_option("--pool", opt.pricing.pool, "placement pool")->required();
  pricing->add_option("--resource", opt.pricing.resource, "cpu, mem, io, mig")->required();
  pricing->add_option("--point", opt.curve,
                      "U:F, repeatable: at utilisation U (0..1) pegged asks cost F x their base");
  pricing->add_option("--target", opt.pricing.target, "incentives: utilisation target (0..1)");
  pricing->add_option("--idle-after-ms", opt.pricing.idle_after_ms,
                      "incentives: how long under the target before a cut is announced");
  pricing->add_option("--cut", opt.pricing.cut, "incentives: the price cut offered (0..1)");
  pricing->add_option("--valid-ms", opt.pricing.valid_ms, "incentives: how long one holds");

  auto* fees = add_verb(*admin, exit_code, o, "fees",
                        "set an instrument's fees in basis points of each fill's value",
                        [&opt](client::Client& c, std::uint64_t id) {
                          c.admin_set_fees(id, opt.instrument, opt.maker_bps, opt.taker_bps);
                        });
  fees->add_option("INSTRUMENT", opt.instrument, "instrument id")->required();
  fees->add_option("--maker-bps", opt.maker_bps,
                   "maker fee (negative: a rebate up to the taker fee)");
  fees->add_option("--taker-bps", opt.taker_bps, "taker fee, 0..1000");

  auto* mode =
      add_verb(*admin, exit_code, o, "trading-mode",
               "trade an instrument continuously or in batch auctions (one price each)",
               [&opt](client::Client& c, std::uint64_t id) {
                 c.admin_set_trading_mode(id, opt.instrument, opt.mode == "batch", opt.interval_ms);
               });
  mode->add_option("INSTRUMENT", opt.instrument, "instrument id")->required();
  mode->add_option("MODE", opt.mode, "continuous or batch")
      ->required()
      ->check(CLI::IsMember({"continuous", "batch"}));
  mode->add_option("--interval-ms", opt.interval_ms, "batch: how long each batch collects");

  auto* breaker =
      add_verb(*admin, exit_code, o, "breaker",
               "halt an instrument when a trade would move the price too far; resume it by auction",
               [&opt](client::Client& c, std::uint64_t id) {
                 c.admin_set_breaker(id, opt.instrument, opt.max_move_bps, opt.window_ms,
                                     opt.cooloff_ms, opt.breaker_off);
               });
  breaker->add_option("INSTRUMENT", opt.instrument, "instrument id")->required();
  breaker->add_option("--max-move-bps", opt.max_move_bps,
                      "largest move from the window's reference price, in basis points");
  breaker->add_option("--window-ms", opt.window_ms, "how long a reference price holds");
  breaker->add_option("--cooloff-ms", opt.cooloff_ms, "how long a halt lasts before its auction");
  breaker->add_flag("--off", opt.breaker_off, "remove the breaker");

  auto* create = add_verb(
      *admin, exit_code, o, "create",
      "create a spot instrument (absent options: the [[instruments]] defaults)",
      [&opt](client::Client& c, std::uint64_t id) { c.admin_create_instrument(id, opt.spec); });
  client::InstrumentSpec& s = opt.spec;
  create->add_option("--id", s.id, "instrument id")->required();
  create->add_option("--symbol", s.symbol, "e.g. cpu.pool-a.spot")->required();
  create->add_option("--resource", s.resource, "cpu, mem, io, mig.<profile>")->required();
  create->add_option("--pool", s.pool, "placement pool")->required();
  create->add_option("--tick", s.tick, "price tick")->required();
  create->add_option("--lot", s.lot, "quantity lot");
  create->add_option("--min-qty", s.min_qty, "smallest order quantity");
  create->add_option("--max-qty", s.max_qty, "largest order quantity");
  create->add_option("--band-min", s.band_min, "lowest accepted price")->required();
  create->add_option("--band-max", s.band_max, "highest accepted price")->required();
  create->add_option("--market-protection-ticks", s.market_protection_ticks,
                     "how far a market order may trade through the best price");
  create->add_option("--lease-s", s.lease_s, "spot lease in seconds (default 3600)")
      ->check(CLI::Range(1LL, 10LL * 365 * 86400));
}

}  // namespace swarmex::cli
