// `swarmex-loadgen`: many tenant sessions sending a mix of orders to swarmexd on a fixed
// schedule (open loop, latency from the scheduled send time, so a slow server cannot hide its
// stalls) or pipelined at full speed, with host sessions keeping asks on the book for crossing
// orders; optionally the same load against a bare loopback echo server as the baseline,
// alternating with the gateway in short segments (or run after it). Connects
// only to --server and to its own echo server on 127.0.0.1; always stops by itself.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <optional>

#include "echo_server.hpp"
#include "interleave.hpp"
#include "plan.hpp"
#include "report.hpp"
#include "runner.hpp"
#include "swarmex/client/client.hpp"
#include "swarmex/common/split_list.hpp"

namespace swarmex::loadgen {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kStartDelayNs = 100'000'000;  // hosts' asks land before the first bid
constexpr std::int64_t kDrainNs = 2'000'000'000;     // wait for late answers after sending

Schedule make_schedule(const Options& o, int sessions) {
  Schedule s;
  s.start_ns = now_ns() + kStartDelayNs;
  s.measure_ns = s.start_ns + static_cast<std::int64_t>(o.warmup_s * 1e9);
  s.send_end_ns = s.measure_ns + static_cast<std::int64_t>(o.duration_s * 1e9);
  s.drain_end_ns = s.send_end_ns + kDrainNs;
  s.rate = o.rate;
  s.sessions = sessions;
  s.pipelined = o.pipelined;
  s.window = o.window;
  s.spin_ns = static_cast<std::int64_t>(o.spin_us * 1000);
  return s;
}

// Logs on to the node of `servers` that leads: a refused connection or a not_leader logon (a
// cluster's standby) moves on to the next node.
client::Client logged_on(const std::vector<client::Endpoint>& servers, const std::string& principal,
                         const Options& o, wire::Role role) {
  client::LogonResult r;
  for (std::size_t i = 0;; ++i) {
    client::Client c;
    try {
      c.connect(servers[i], 5s);
    } catch (const client::ClientError&) {
      if (i + 1 == servers.size()) throw;
      continue;
    }
    // Tenants opt in to cancel-on-disconnect (hosts always have it): the run leaves no orders.
    r = c.logon(principal, principal + o.token_suffix, role, 0, true, 10s);
    if (r.ok()) return c;
    if (r.reason != engine::RejectReason::NotLeader || i + 1 == servers.size()) break;
  }
  throw std::runtime_error(fmt::format("logon of {} refused: {}{}{}", principal,
                                       engine::to_string(r.reason), r.text.empty() ? "" : ": ",
                                       r.text));
}

client::Client echo_session(const EchoServer& echo) {
  client::Client c;
  c.connect("127.0.0.1", echo.port(), 5s);
  return c;
}

RunResult run(Options& o) {
  std::vector<client::Endpoint> servers;
  for (const std::string& item : split_list(o.server))
    servers.push_back(client::parse_endpoint(item));
  if (servers.empty()) throw std::invalid_argument("--server: no address");
  const IdScheme ids = IdScheme::random();
  RunResult result;

  // Gateway phase.
  Schedule schedule;
  std::vector<Driver> drivers;
  drivers.reserve(static_cast<std::size_t>(o.sessions) + o.hosts.size());
  for (int i = 0; i < o.sessions; ++i) {
    const std::string& p = o.principals[static_cast<std::size_t>(i) % o.principals.size()];
    drivers.emplace_back(logged_on(servers, p, o, wire::Role::Tenant), Driver::Mode::Tenant,
                         static_cast<std::uint32_t>(i), o, ids, schedule);
  }
  for (std::size_t h = 0; h < o.hosts.size(); ++h) {
    if (o.hosts[h].empty()) continue;
    try {
      drivers.emplace_back(logged_on(servers, o.hosts[h], o, wire::Role::Host), Driver::Mode::Host,
                           static_cast<std::uint32_t>(IdScheme::kMaxSessions - 1 - h), o, ids,
                           schedule);
      ++result.hosts;
    } catch (const std::exception& e) {
      fmt::print(stderr, "swarmex-loadgen: no liquidity from {}: {}\n", o.hosts[h], e.what());
    }
  }
  result.sessions = o.sessions;
  if (o.echo_baseline && o.echo_segment_ms > 0) {
    // Same sessions, rate and frames against a bare echo, alternating with the gateway in
    // short segments; both connection sets stay open.
    EchoServer echo;
    Schedule echo_schedule;
    std::vector<Driver> echo_drivers;
    echo_drivers.reserve(static_cast<std::size_t>(o.sessions));
    for (int i = 0; i < o.sessions; ++i)
      echo_drivers.emplace_back(echo_session(echo), Driver::Mode::Echo,
                                static_cast<std::uint32_t>(i), o, ids, echo_schedule);
    run_interleaved(drivers, schedule, echo_drivers, echo_schedule, o, result);
    return result;
  }
  schedule = make_schedule(o, o.sessions);
  result.gateway = run_phase(drivers, schedule, o.io_threads);
  result.measured_s = o.duration_s;
  drivers.clear();

  if (o.echo_baseline) {
    // Same sessions, schedule and frames against a bare echo over loopback TCP, after the gateway.
    EchoServer echo;
    Schedule echo_schedule;
    for (int i = 0; i < o.sessions; ++i)
      drivers.emplace_back(echo_session(echo), Driver::Mode::Echo, static_cast<std::uint32_t>(i), o,
                           ids, echo_schedule);
    echo_schedule = make_schedule(o, o.sessions);
    result.echo = run_phase(drivers, echo_schedule, o.io_threads);
    drivers.clear();
  }
  return result;
}

}  // namespace
}  // namespace swarmex::loadgen

int main(int argc, char** argv) {
  using swarmex::loadgen::Options;
  Options o;
  std::string hosts = "host-a1";
  CLI::App app{"swarmex-loadgen: load generator for swarmexd with latency histograms"};
  app.add_option("--server", o.server, "swarmexd HOST:PORT, or a cluster's nodes: HOST:PORT,...")
      ->envname("SWARMEX_SERVER")
      ->capture_default_str();
  app.add_option("--sessions", o.sessions, "tenant sessions")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));
  app.add_option("--principals", o.principals, "tenant principals the sessions log on as")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--hosts", hosts,
                 "host principals posting the asks that crossing orders hit ('' for none)")
      ->capture_default_str();
  app.add_option("--token-suffix", o.token_suffix, "token of principal P is P + suffix")
      ->capture_default_str();
  app.add_option("--rate", o.rate, "requests per second offered, all sessions together")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e8));
  app.add_option("--duration", o.duration_s, "measured seconds")
      ->capture_default_str()
      ->check(CLI::Range(0.1, 3600.0));
  app.add_option("--warmup", o.warmup_s, "seconds of load before measuring")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 600.0));
  app.add_option(
         "--mix", o.mix_text,
         "fractions passive,crossing,ioc,cancel (or passive=..,crossing=..,ioc=..,cancel=..)")
      ->capture_default_str();
  app.add_option("--instrument", o.instrument, "instrument id")->capture_default_str();
  app.add_option("--tick", o.tick, "the instrument's price tick")->capture_default_str();
  app.add_option("--ask-price", o.ask_price, "price of the hosts' asks and crossing bids")
      ->capture_default_str();
  app.add_option("--ask-qty", o.ask_qty, "quantity of each host ask")->capture_default_str();
  app.add_flag("--pipelined", o.pipelined, "send as fast as answers come, --window per session");
  app.add_option("--window", o.window, "pipelined: outstanding requests per session")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--io-threads", o.io_threads, "threads driving the sessions")
      ->capture_default_str()
      ->check(CLI::Range(1, 8));
  app.add_option("--spin-us", o.spin_us,
                 "busy-poll this long before each scheduled send (less send lag, more CPU)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 10000.0));
  app.add_flag("--echo-baseline", o.echo_baseline,
               "also run the same load against a loopback echo server and compare");
  app.add_option("--echo-segment-ms", o.echo_segment_ms,
                 "echo baseline: alternate gateway and echo in segments this long, same sessions "
                 "(0: the gateway, then the echo, once each)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 60000.0));
  app.add_option("--seed", o.seed, "random seed of the order mix")->capture_default_str();
  app.add_flag("--json", o.json, "print the summary as one JSON object");
  CLI11_PARSE(app, argc, argv);

  try {
    o.mix = swarmex::loadgen::Mix::parse(o.mix_text);
    o.hosts.clear();
    if (!hosts.empty()) {
      for (std::size_t start = 0;;) {
        const auto comma = hosts.find(',', start);
        o.hosts.push_back(hosts.substr(start, comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    if (o.principals.empty()) throw std::invalid_argument("--principals: none given");
    if (o.ask_price - o.tick * 1000 <= 0)
      throw std::invalid_argument("--ask-price must leave room for 1000 ticks below it");
    const auto result = swarmex::loadgen::run(o);
    fmt::print("{}\n", o.json ? swarmex::loadgen::format_summary_json(o, result)
                              : swarmex::loadgen::format_summary(o, result));
    return result.gateway.errors > 0 ? 1 : 0;
  } catch (const std::exception& e) {
    fmt::print(stderr, "swarmex-loadgen: {}\n", e.what());
    return 1;
  }
}
