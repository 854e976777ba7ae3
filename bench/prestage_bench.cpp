// swarmex-prestage-bench: window start -> enforced, pre-staged beside cold, in the same run, on
// the real cgroup mount (root) with the simulated H100 taking --mig-create-ms per instance. Each
// window is one new tenant with cpu, memory and one 1g.10gb instance. Cold: at the start its
// cgroup is made, the limits written and the instance created, as hostctl with prestage = false
// does. Pre-staged: the cgroup (closed limits) and the instance are made ahead, and the start
// only writes the limits. Timed: the start step alone, as the daemon runs it (Enactor::enforce
// and MigInstances::create), not the loop's wake-up.
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>

#include "swarmex/common/latency_histogram.hpp"
#include "swarmex/hostctl/enactor.hpp"
#include "swarmex/hostctl/mig_instances.hpp"
#include "swarmex/hostctl/simulated_mig_backend.hpp"

int main(int argc, char** argv) {
  using namespace swarmex;
  using namespace swarmex::hostctl;
  using Clock = std::chrono::steady_clock;
  CLI::App app{"window start -> enforced, pre-staged and cold"};
  int windows = 20;
  std::int64_t mig_create_ms = 500;
  bool uring = true;
  std::string root = "/sys/fs/cgroup";
  app.add_option("--windows", windows, "windows of each kind");
  app.add_option("--mig-create-ms", mig_create_ms, "simulated instance creation time");
  app.add_option("--uring", uring, "io_uring writer (else plain write())");
  app.add_option("--cgroup-root", root);
  CLI11_PARSE(app, argc, argv);

  Enactor enactor(make_layout(root, "auto", "swarmex-prestage-bench"),
                  make_cgroup_writer({}, uring));
  auto backend = std::make_unique<SimulatedMigBackend>(1);
  backend->set_create_delay(std::chrono::milliseconds(mig_create_ms));
  SimulatedMigBackend* sim = backend.get();
  MigInstances mig(std::move(backend));
  TenantLimits bought;
  bought.vrus = 5;
  bought.mem_shards = 4;

  common::LatencyHistogram cold, staged;
  std::uint64_t created_at_start = 0;
  for (int i = 0; i < 2 * windows; ++i) {
    const bool prestage = i % 2 == 1;  // interleaved: both kinds see the same machine
    const std::string tenant = "w" + std::to_string(i);
    Allocation a;
    a.tenant = tenant;
    a.resource = "mig.1g.10gb";
    a.qty = 1;
    a.mig = {MigInstanceRecord{0, kNoGpuInstance, 0}};
    if (prestage) {
      if (!enactor.enforce({{tenant, closed_limits()}}).at(0).ok || !mig.prestage(a)) return 2;
    }
    const std::uint64_t before = sim->creates();
    const auto t0 = Clock::now();
    mig.create(a);
    const auto out = enactor.enforce({{tenant, bought}});
    const auto t1 = Clock::now();
    if (!out.at(0).ok || !a.why.empty()) {
      std::fprintf(stderr, "%s: %s%s\n", tenant.c_str(), out.at(0).why.c_str(), a.why.c_str());
      return 2;
    }
    if (prestage) created_at_start += sim->creates() - before;
    (prestage ? staged : cold).record((t1 - t0).count());
    mig.destroy(a);
    (void)enactor.remove(tenant);
  }
  (void)enactor.remove_subtree();
  auto line = [](const char* kind, const common::LatencyHistogram& h) {
    std::printf("%-10s %3llu windows: p50 %8.1f us, p99 %8.1f us, max %8.1f us\n", kind,
                static_cast<unsigned long long>(h.count()), h.percentile(50) / 1e3,
                h.percentile(99) / 1e3, h.max() / 1e3);
  };
  std::printf("writer %s, MIG creation %lld ms\n", std::string(enactor.writer_name()).c_str(),
              static_cast<long long>(mig_create_ms));
  line("cold", cold);
  line("pre-staged", staged);
  std::printf("instances created at a pre-staged start: %llu\n",
              static_cast<unsigned long long>(created_at_start));
  return 0;
}
