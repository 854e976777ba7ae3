// `swarmex-report` (run as `swarmex report`): the market report computed from a journal by
// replay through real engines, with the server's configuration. Its own binary: the `swarmex`
// client carries no matching engine.
#include <fmt/format.h>

#include <charconv>
#include <ctime>
#include <stdexcept>

#include <CLI/CLI.hpp>

#include "report_format.hpp"
#include "report_time.hpp"
#include "swarmex/gateway/config.hpp"

namespace swarmex::report {
namespace {

struct ReportArgs {
  std::string journal;
  std::string config;
  std::string from;
  std::string to;
  std::int64_t step_s = 3600;
  bool json = false;
  bool csv = false;
  std::string section;
};

std::int64_t time_or_throw(const std::string& text, const char* option) {
  const std::optional<std::int64_t> t = parse_report_time(text);
  if (!t)
    throw std::runtime_error(std::string(option) + " " + text +
                             ": give nanoseconds since the epoch or 2026-12-06T10:00:00Z");
  return *t;
}

int run_report(const ReportArgs& a) {
  try {
    const gateway::Config config = gateway::load_config(a.config);
    ReportDocument doc;
    doc.journal_dir = a.journal.empty() ? config.journal.path : a.journal;
    if (!a.from.empty()) doc.options.from_ns = time_or_throw(a.from, "--from");
    if (!a.to.empty()) doc.options.to_ns = time_or_throw(a.to, "--to");
    if (doc.options.from_ns > doc.options.to_ns) throw std::runtime_error("--from is after --to");
    if (a.step_s <= 0) throw std::runtime_error("--step must be a positive number of seconds");
    doc.options.step_ns = a.step_s * 1'000'000'000;
    Aggregator agg(doc.options);
    ReplayHooks hooks;
    hooks.on_instrument = [&](const engine::InstrumentSpec& s) { agg.add_instrument(s); };
    hooks.on_command = [&](std::uint32_t, const engine::Command& c, const engine::EventBuffer& ev) {
      agg.on_command(c, ev);
    };
    doc.partitions = replay_journal_dir(doc.journal_dir, config, hooks);
    doc.report = agg.finish();
    if (a.json)
      fmt::print("{}\n", common::json_text(report_json(doc, config)));
    else if (a.csv)
      fmt::print("{}", report_csv(doc, config, a.section));
    else
      fmt::print("{}", report_text(doc, config));
    return 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "swarmex report: {}\n", e.what());
    return 1;
  }
}

int main_report(int argc, char** argv) {
  ReportArgs a;
  CLI::App app{
      "market report from a journal by replay (no server needed): spend, revenue, margin, "
      "fees, volume, VWAP, utilisation"};
  app.name("swarmex report");
  CLI::App* cmd = &app;
  cmd->add_option("--journal", a.journal,
                  "journal directory (default: journal.path of the configuration); a running "
                  "server's may be read");
  cmd->add_option("--config", a.config, "the swarmexd configuration the journal was written with")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--from", a.from, "only fills at or after: ns since epoch or ISO-8601 UTC");
  cmd->add_option("--to", a.to, "only fills at or before: ns since epoch or ISO-8601 UTC");
  cmd->add_option("--step", a.step_s, "utilisation: seconds between points (default 3600)");
  auto* json = cmd->add_flag("--json", a.json, "one JSON document");
  auto* csv = cmd->add_flag("--csv", a.csv, "one CSV table per section, each with its header");
  json->excludes(csv);
  cmd->add_option("--section", a.section,
                  "with --csv: only this table (totals, tenants, hosts, fees, markets, "
                  "utilisation)")
      ->needs(csv);
  CLI11_PARSE(app, argc, argv);
  return run_report(a);
}

}  // namespace
}  // namespace swarmex::report

int main(int argc, char** argv) {
  return swarmex::report::main_report(argc, argv);
}
