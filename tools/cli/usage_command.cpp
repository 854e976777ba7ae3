#include "usage_command.hpp"

#include <fmt/format.h>

#include <memory>

#include "connection.hpp"
#include "swarmex/common/json_text.hpp"

namespace swarmex::cli {
namespace {

struct UsageOptions {
  ConnectionOptions connection;
  std::string tenant;
  bool follow = false;
  double for_s = 0;  // with --follow: stop after this long (0: until interrupted)
  std::uint32_t last = 60;
};

const char* resource_name(wire::UsageResource r) {
  switch (r) {
    case wire::UsageResource::Cpu:
      return "cpu";
    case wire::UsageResource::Mem:
      return "mem";
    case wire::UsageResource::Io:
      return "io";
  }
  return "invalid";
}

const char* unit_of(wire::UsageResource r) {
  return r == wire::UsageResource::Cpu ? "millicores" : "bytes";
}

int run_usage(const UsageOptions& o) {
  Session session(o.connection, wire::Role::Tenant);
  session.client().subscribe_usage(o.tenant, o.follow, o.last);
  const auto forever = Clock::now() + std::chrono::hours(24 * 365);
  const auto end = o.for_s > 0 ? Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                    std::chrono::duration<double>(o.for_s))
                               : forever;
  // Without --follow, the answer ends with UsageHistoryEnd (or the timeout passes).
  const auto deadline =
      o.follow ? end : Clock::now() + std::chrono::milliseconds(o.connection.timeout_ms);
  while (const wire::Message* m = session.next(deadline)) {
    if (m->body_type() == wire::Body::UsageReport) {
      for (const std::string& line : usage_lines(*m->body_as_UsageReport(), session.json()))
        fmt::print("{}\n", line);
      std::fflush(stdout);
    } else if (m->body_type() == wire::Body::UsageHistoryEnd) {
      const auto* e = m->body_as_UsageHistoryEnd();
      if (!session.json())
        fmt::print(stderr, "{} samples held{}\n", e->reports(),
                   e->truncated() ? " (more than fit in one answer: use --last)" : "");
      if (!o.follow) return kExitOk;
    }
  }
  if (!o.follow) throw CliError("no answer from the server in time");
  return kExitOk;
}

}  // namespace

std::vector<std::string> usage_lines(const wire::UsageReport& r, bool json) {
  std::vector<std::string> out;
  if (r.samples() == nullptr) return out;
  const std::string tenant = r.tenant() ? r.tenant()->str() : std::string();
  for (const wire::UsageSample* s : *r.samples()) {
    const std::string device = s->device() ? s->device()->str() : std::string();
    if (json) {
      common::Json j{{"type", "usage"},
                     {"tenant", tenant},
                     {"host", r.host()},
                     {"time_ns", r.time_ns()},
                     {"interval_ms", r.interval_ms()},
                     {"resource", resource_name(s->resource())},
                     {"unit", unit_of(s->resource())},
                     {"used", s->used()},
                     {"peak", s->peak()},
                     {"held", s->held()}};
      if (!device.empty()) j["device"] = device;
      out.push_back(j.dump());
      continue;
    }
    out.push_back(fmt::format(
        "usage tenant={} host={} {}{} used={} peak={} held={} {} "
        "interval_ms={} time_ns={}",
        tenant, r.host(), resource_name(s->resource()), device.empty() ? "" : " device=" + device,
        s->used(), s->peak(), s->held(), unit_of(s->resource()), r.interval_ms(), r.time_ns()));
  }
  return out;
}

void add_usage_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<UsageOptions>();
  auto* usage = app.add_subcommand(
      "usage", "what tenants use, as hosts report it (tenants: their own; operators: all)");
  usage->add_option("--tenant", o->tenant, "operators: only this tenant (default: every tenant)");
  usage->add_flag("--follow", o->follow, "after the history, print each new report as it comes");
  usage->add_option("--for", o->for_s, "with --follow: stop after SECONDS");
  usage->add_option("--last", o->last, "samples per tenant and resource from the history (0: all)")
      ->capture_default_str();
  add_connection_options(*usage, o->connection);
  usage->callback([&exit_code, o] { run_guarded(exit_code, [o] { return run_usage(*o); }); });
}

}  // namespace swarmex::cli
