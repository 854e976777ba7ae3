#include "journal_command.hpp"

#include <fmt/format.h>

#include <string>

#include "swarmex/common/json_text.hpp"
#include "swarmex/journal/reader.hpp"

namespace swarmex::cli {
namespace {

using common::Json;
using engine::Command;
using engine::CommandKind;

Json legs_json(const engine::SwarmLeg* legs, std::uint8_t count) {
  Json a = Json::array();
  for (std::uint8_t i = 0; i < count && i < engine::kMaxSwarmLegs; ++i)
    a.push_back({{"instrument", legs[i].instrument}, {"qty", legs[i].qty}});
  return a;
}

// One record as JSON: seq, time_ns and the numeric kind, then "command" and its fields.
Json command_json(const Command& c) {
  Json j{{"seq", c.seq}, {"time_ns", c.time_ns}, {"kind", static_cast<int>(c.kind)}};
  switch (c.kind) {
    case CommandKind::NewOrder: {
      const auto& o = c.new_order;
      j.update(Json{{"command", "new_order"},
                    {"order_id", o.order_id},
                    {"instrument", o.instrument},
                    {"owner", o.owner},
                    {"host", o.host},
                    {"side", to_string(o.side)},
                    {"type", to_string(o.type)},
                    {"tif", to_string(o.tif)},
                    {"stp", to_string(o.stp)},
                    {"post_only", o.post_only},
                    {"price", o.price},
                    {"qty", o.qty},
                    {"min_qty", o.min_qty}});
      if (o.expire_time_ns != 0) j["expire_time_ns"] = o.expire_time_ns;
      if (o.display_qty != 0) j["display_qty"] = o.display_qty;
      break;
    }
    case CommandKind::EndDay:
      j.update(Json{{"command", "end_day"},
                    {"owner", c.end_day.owner},
                    {"instrument", c.end_day.instrument}});
      break;
    case CommandKind::CancelOrder:
      j.update(Json{{"command", "cancel"},
                    {"order_id", c.cancel.order_id},
                    {"owner", c.cancel.owner},
                    {"instrument", c.cancel.instrument}});
      break;
    case CommandKind::ModifyOrder:
      j.update(Json{{"command", "modify"},
                    {"order_id", c.modify.order_id},
                    {"owner", c.modify.owner},
                    {"instrument", c.modify.instrument},
                    {"price", c.modify.new_price},
                    {"qty", c.modify.new_qty}});
      break;
    case CommandKind::MassCancel:
      j.update(Json{{"command", "mass_cancel"},
                    {"owner", c.mass_cancel.owner},
                    {"instrument", c.mass_cancel.instrument}});
      break;
    case CommandKind::Halt:
    case CommandKind::Resume:
      j.update(Json{{"command", c.kind == CommandKind::Halt ? "halt" : "resume"},
                    {"instrument", c.control.instrument}});
      break;
    case CommandKind::SwarmOrder: {
      const auto& w = c.swarm;
      j.update(Json{{"command", "swarm_order"},
                    {"order_id", w.order_id},
                    {"owner", w.owner},
                    {"tif", to_string(w.tif)},
                    {"placement", to_string(w.placement)},
                    {"limit_total", w.limit_total},
                    {"legs", legs_json(w.legs, w.leg_count)}});
      break;
    }
    case CommandKind::Roll:
      j["command"] = "roll";
      break;
    case CommandKind::SetSupply:
      j.update(Json{{"command", "set_supply"},
                    {"owner", c.supply.owner},
                    {"host", c.supply.host},
                    {"instrument", c.supply.instrument},
                    {"capacity", c.supply.capacity}});
      break;
    case CommandKind::SetParams: {
      const auto& p = c.params;
      j.update(Json{{"command", "set_params"},
                    {"owner", p.owner},
                    {"instrument", p.instrument},
                    {"request_id", p.request_id},
                    {"band_min", p.band_min},
                    {"band_max", p.band_max},
                    {"min_qty", p.min_qty},
                    {"max_qty", p.max_qty},
                    {"market_protection_ticks", p.market_protection_ticks}});
      break;
    }
    case CommandKind::CreateInstrument: {
      const engine::InstrumentSpec i = engine::spec_of(c.create);
      j.update(Json{{"command", "create_instrument"},
                    {"owner", c.create.owner},
                    {"request_id", c.create.request_id},
                    {"id", i.id},
                    {"symbol", i.symbol},
                    {"resource", i.resource},
                    {"pool", i.pool},
                    {"tick", i.tick},
                    {"lot", i.lot},
                    {"min_qty", i.min_qty},
                    {"max_qty", i.max_qty},
                    {"band_min", i.band_min},
                    {"band_max", i.band_max},
                    {"market_protection_ticks", i.market_protection_ticks},
                    {"lease_ns", i.window.length_ns}});
      break;
    }
    case CommandKind::SetTradingMode: {
      const auto& m = c.trading_mode;
      j.update(Json{{"command", "set_trading_mode"},
                    {"owner", m.owner},
                    {"request_id", m.request_id},
                    {"instrument", m.instrument},
                    {"mode", m.mode == engine::TradingMode::Batch ? "batch" : "continuous"},
                    {"interval_ns", m.interval_ns}});
      break;
    }
    case CommandKind::SetBreaker: {
      const auto& b = c.breaker;
      j.update(Json{{"command", "set_breaker"},
                    {"owner", b.owner},
                    {"request_id", b.request_id},
                    {"instrument", b.instrument},
                    {"on", b.on},
                    {"max_move_bps", b.max_move_bps},
                    {"window_ns", b.window_ns},
                    {"cooloff_ns", b.cooloff_ns}});
      break;
    }
    case CommandKind::Resell: {
      const auto& r = c.resell;
      j.update(Json{{"command", "resell"},
                    {"order_id", r.order_id},
                    {"owner", r.owner},
                    {"host", r.host},
                    {"tif", to_string(r.tif)},
                    {"price", r.price},
                    {"legs", legs_json(r.legs, r.leg_count)}});
      break;
    }
    default:
      j["command"] = "unknown";
      break;
  }
  return j;
}

std::string describe(const Command& c, bool json) {
  if (json) return common::json_text(command_json(c));
  const auto kind = static_cast<int>(c.kind);
  std::string s = fmt::format("seq={} time_ns={} ", c.seq, c.time_ns);
  switch (c.kind) {
    case CommandKind::NewOrder: {
      const auto& o = c.new_order;
      return s + fmt::format(
                     "new_order id={} instrument={} owner={} host={} {} {} {} stp={}{} price={} "
                     "qty={} min_qty={}{}{}",
                     o.order_id, o.instrument, o.owner, o.host, to_string(o.side),
                     to_string(o.type), to_string(o.tif), to_string(o.stp),
                     o.post_only ? " post_only" : "", o.price, o.qty, o.min_qty,
                     o.expire_time_ns != 0 ? fmt::format(" expire_time_ns={}", o.expire_time_ns)
                                           : std::string(),
                     o.display_qty != 0 ? fmt::format(" display_qty={}", o.display_qty)
                                        : std::string());
    }
    case CommandKind::EndDay:
      return s +
             fmt::format("end_day owner={} instrument={}", c.end_day.owner, c.end_day.instrument);
    case CommandKind::CancelOrder:
      return s + fmt::format("cancel id={} owner={} instrument={}", c.cancel.order_id,
                             c.cancel.owner, c.cancel.instrument);
    case CommandKind::ModifyOrder:
      return s + fmt::format("modify id={} owner={} instrument={} price={} qty={}",
                             c.modify.order_id, c.modify.owner, c.modify.instrument,
                             c.modify.new_price, c.modify.new_qty);
    case CommandKind::MassCancel:
      return s + fmt::format("mass_cancel owner={} instrument={}", c.mass_cancel.owner,
                             c.mass_cancel.instrument);
    case CommandKind::SwarmOrder: {
      const auto& w = c.swarm;
      s += fmt::format("swarm_order id={} owner={} {} {} limit_total={} legs=", w.order_id, w.owner,
                       to_string(w.tif), to_string(w.placement), w.limit_total);
      for (std::uint8_t i = 0; i < w.leg_count && i < engine::kMaxSwarmLegs; ++i)
        s += fmt::format("{}{}:{}", i ? "," : "", w.legs[i].instrument, w.legs[i].qty);
      return s;
    }
    case CommandKind::Halt:
      return s + fmt::format("halt instrument={}", c.control.instrument);
    case CommandKind::Resume:
      return s + fmt::format("resume instrument={}", c.control.instrument);
    case CommandKind::Roll:
      return s + "tick (calendar: list and close delivery windows)";
    case CommandKind::SetSupply:
      return s + fmt::format("set_supply owner={} host={} instrument={} capacity={}",
                             c.supply.owner, c.supply.host, c.supply.instrument, c.supply.capacity);
    case CommandKind::SetParams: {
      const auto& p = c.params;
      return s + fmt::format(
                     "set_params owner={} instrument={} request={} band_min={} band_max={} "
                     "min_qty={} max_qty={} market_protection_ticks={} (0 = keep)",
                     p.owner, p.instrument, p.request_id, p.band_min, p.band_max, p.min_qty,
                     p.max_qty, p.market_protection_ticks);
    }
    case CommandKind::CreateInstrument: {
      const engine::InstrumentSpec i = engine::spec_of(c.create);
      return s + fmt::format(
                     "create_instrument owner={} request={} id={} symbol={} resource={} pool={} "
                     "tick={} lot={} min_qty={} max_qty={} band_min={} band_max={} "
                     "market_protection_ticks={} lease_ns={}",
                     c.create.owner, c.create.request_id, i.id, i.symbol, i.resource, i.pool,
                     i.tick, i.lot, i.min_qty, i.max_qty, i.band_min, i.band_max,
                     i.market_protection_ticks, i.window.length_ns);
    }
    case CommandKind::Resell: {
      const auto& r = c.resell;
      s += fmt::format("resell id={} owner={} host={} {} price={} legs=", r.order_id, r.owner,
                       r.host, to_string(r.tif), r.price);
      for (std::uint8_t i = 0; i < r.leg_count && i < engine::kMaxSwarmLegs; ++i)
        s += fmt::format("{}{}:{}", i ? "," : "", r.legs[i].instrument, r.legs[i].qty);
      return s;
    }
    case CommandKind::SetTradingMode:
      return s +
             fmt::format("set_trading_mode owner={} request={} instrument={} {} interval_ns={}",
                         c.trading_mode.owner, c.trading_mode.request_id, c.trading_mode.instrument,
                         c.trading_mode.mode == engine::TradingMode::Batch ? "batch" : "continuous",
                         c.trading_mode.interval_ns);
    case CommandKind::SetBreaker:
      return s + fmt::format(
                     "set_breaker owner={} request={} instrument={} {} max_move_bps={} "
                     "window_ns={} cooloff_ns={}",
                     c.breaker.owner, c.breaker.request_id, c.breaker.instrument,
                     c.breaker.on ? "on" : "off", c.breaker.max_move_bps, c.breaker.window_ns,
                     c.breaker.cooloff_ns);
    default:
      return s + fmt::format("unknown kind={}", kind);
  }
}

int verify(const std::string& dir, bool json) {
  auto files = journal::open_directory(dir);
  const journal::ScanResult r = journal::scan_journal(*files, {});
  if (json) {
    fmt::print("{}\n", common::json_text({{"ok", r.ok},
                                          {"records", r.records},
                                          {"segments", r.segments.size()},
                                          {"first_seq", r.first_seq},
                                          {"last_seq", r.last_seq},
                                          {"error", r.error}}));
  } else if (r.ok) {
    fmt::print("ok: {} records in {} segments, seq {}..{}, CRCs and sequence continuity verified\n",
               r.records, r.segments.size(), r.first_seq, r.last_seq);
  } else {
    fmt::print("FAILED: {}\n", r.error);
  }
  if (r.ok) return 0;
  return r.error.rfind("torn", 0) == 0 ? 2 : 1;  // a torn tail is repaired at start-up
}

int dump(const std::string& dir, bool json) {
  auto files = journal::open_directory(dir);
  journal::ScanOptions opt;
  opt.visit = [&](const Command& c) { fmt::print("{}\n", describe(c, json)); };
  const journal::ScanResult r = journal::scan_journal(*files, opt);
  if (!r.ok) fmt::print(stderr, "stopped: {}\n", r.error);
  return r.ok ? 0 : 1;
}

int stats(const std::string& dir, bool json) {
  auto files = journal::open_directory(dir);
  const journal::ScanResult r = journal::scan_journal(*files, {});
  std::uint64_t bytes = 0;
  for (const auto& s : r.segments)
    bytes += s.bytes;
  const double span_s = static_cast<double>(r.last_time_ns - r.first_time_ns) / 1e9;
  if (json) {
    fmt::print("{}\n", common::json_text({{"ok", r.ok},
                                          {"records", r.records},
                                          {"segments", r.segments.size()},
                                          {"bytes", bytes},
                                          {"first_seq", r.first_seq},
                                          {"last_seq", r.last_seq},
                                          {"first_time_ns", r.first_time_ns},
                                          {"last_time_ns", r.last_time_ns},
                                          {"span_s", common::json_decimal(span_s, 3)}}));
  } else {
    fmt::print("records   {}\nsegments  {}\nbytes     {}\nseq       {}..{}\ntime span {:.3f} s\n",
               r.records, r.segments.size(), bytes, r.first_seq, r.last_seq, span_s);
    for (const auto& s : r.segments)
      fmt::print("  {}  {} records  seq {}..{}  {} bytes\n", s.name, s.records, s.first_seq,
                 s.last_seq, s.bytes);
    if (!r.ok) fmt::print("FAILED: {}\n", r.error);
  }
  return r.ok ? 0 : 1;
}

}  // namespace

void add_journal_command(CLI::App& app, int& exit_code) {
  auto* journal = app.add_subcommand("journal", "inspect a journal directory");
  journal->require_subcommand(1);
  static std::string dir;
  static bool json = false;
  journal->add_flag("--json", json, "machine-readable output");
  struct Verb {
    const char* name;
    const char* help;
    int (*run)(const std::string&, bool);
  };
  for (const Verb v : {Verb{"verify", "check CRCs and sequence continuity", verify},
                       Verb{"dump", "print every record", dump},
                       Verb{"stats", "records, segments, sequence and time span", stats}}) {
    auto* sub = journal->add_subcommand(v.name, v.help);
    sub->add_option("PATH", dir, "journal directory")->required()->check(CLI::ExistingDirectory);
    sub->add_flag("--json", json, "machine-readable output");
    sub->callback([&exit_code, run = v.run] { exit_code = run(dir, json); });
  }
}

}  // namespace swarmex::cli
