// swarmex-hostctl-burst: sends bursts of single-unit IOC buys that cross a host's asks, so the
// host controller receives bursts of 1, 100 or 1,000 fills; its fill->enforced latencies are read
// from its own summary line (see bench/hostctl-burst). Waits for every burst's reports before the
// next.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <thread>

#include "swarmex/client/client.hpp"

int main(int argc, char** argv) {
  using namespace swarmex;
  CLI::App app{"bursts of fills for swarmex-hostctl"};
  std::string server = "127.0.0.1:7400", principal = "tenant-a", token = "tenant-a-token";
  std::uint32_t instrument = 1, burst = 100, bursts = 10, warmup = 1;
  std::int64_t price = 5000;
  app.add_option("--server", server);
  app.add_option("--principal", principal);
  app.add_option("--token", token);
  app.add_option("--instrument", instrument);
  app.add_option("--price", price);
  app.add_option("--burst", burst, "fills per burst");
  app.add_option("--bursts", bursts, "how many bursts");
  app.add_option("--warmup", warmup,
                 "single fills sent first: the tenant's first fill on the host makes its cgroups "
                 "(milliseconds of mkdir on cgroup v1), which is not what a burst measures");
  CLI11_PARSE(app, argc, argv);
  client::Client c;
  c.connect(client::parse_endpoint(server), std::chrono::seconds(5));
  if (!c.logon(principal, token, wire::Role::Tenant).ok()) return 2;
  std::uint64_t id = static_cast<std::uint64_t>(
      std::chrono::system_clock::now().time_since_epoch().count() / 1000);
  std::uint64_t filled = 0;
  for (std::uint32_t b = 0; b < warmup + bursts; ++b) {
    const std::uint32_t n = b < warmup ? 1 : burst;
    c.set_batching(true);
    for (std::uint32_t i = 0; i < n; ++i) {
      client::OrderSpec o;
      o.client_order_id = ++id;
      o.instrument = instrument;
      o.time_in_force = wire::TimeInForce::Ioc;
      o.price = price;
      o.qty = 1;
      c.new_order(o);
    }
    c.flush();  // the whole burst in as few segments as the socket takes
    for (std::uint32_t done = 0; done < n;) {
      const wire::Message* m = c.receive(std::chrono::seconds(10));
      if (m == nullptr) return 3;
      const auto* r = m->body_as_ExecutionReport();
      if (r == nullptr) continue;
      if (r->kind() == wire::ExecKind::Filled) ++filled;
      if (r->kind() == wire::ExecKind::Filled || r->kind() == wire::ExecKind::Cancelled ||
          r->kind() == wire::ExecKind::Rejected)
        ++done;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the controller settle
  }
  std::printf("%llu fills in %u bursts of %u\n", static_cast<unsigned long long>(filled), bursts,
              burst);
  return 0;
}
