// swarmex-cgroup-bench: burst latency of tenant-limit updates through the io_uring writer and the
// plain-syscall writer, on the real cgroup mount (default) or a directory laid out like cgroup
// v1 (--dir). Each update is one tenant's cpu quota write + memory limit write, with values that
// alternate on every burst so the kernel really changes something. Latency is measured from the
// burst's start to the completion of each update's last write.

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "swarmex/hostctl/cgroup_layout.hpp"
#include "swarmex/hostctl/cgroup_tree.hpp"
#include "swarmex/hostctl/plain_cgroup_writer.hpp"
#include "swarmex/hostctl/tenant_limits.hpp"
#include "swarmex/hostctl/uring_cgroup_writer.hpp"

namespace {

using namespace swarmex::hostctl;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string tenant_name(int i) {
  return fmt::format("t{:04}", i);
}

void check_all(const std::vector<CgroupWrite>& ops, const std::vector<CgroupWriteResult>& res) {
  for (std::size_t i = 0; i < ops.size(); ++i)
    if (res[i].error != 0) throw std::runtime_error(describe_cgroup_error(ops[i], res[i].error));
}

// Makes the tenants' cgroups (and, with --dir, the control files a real cgroup would have).
void create_tenants(const CgroupLayout& layout, int tenants, bool fake, CgroupWriter& writer) {
  // The first tenant's plan makes the subtree; the others' plans then see it and skip it.
  const auto first = plan_tenant_create(layout, tenant_name(0));
  check_all(first, writer.apply(first));
  std::vector<CgroupWrite> ops;
  for (int t = 1; t < tenants; ++t) {
    auto plan = plan_tenant_create(layout, tenant_name(t));
    ops.insert(ops.end(), plan.begin(), plan.end());
  }
  check_all(ops, writer.apply(ops));
  if (!fake) return;
  for (int t = 0; t < tenants; ++t)
    for (const char* f : {"cpu.cfs_quota_us", "cpu.cfs_period_us"})
      std::ofstream(tenant_dir(layout, "cpu", tenant_name(t)) / f) << "-1\n";
  for (int t = 0; t < tenants; ++t)
    std::ofstream(tenant_dir(layout, "memory", tenant_name(t)) / "memory.limit_in_bytes") << "-1\n";
}

void remove_tenants(const CgroupLayout& layout, int tenants, bool fake) {
  if (fake) {
    for (const auto& c : tenant_controllers(layout))
      fs::remove_all(subtree_dir(layout, c));
    return;
  }
  std::vector<CgroupWrite> ops;
  for (int t = 0; t < tenants; ++t) {
    auto plan = plan_tenant_remove(layout, tenant_name(t));
    ops.insert(ops.end(), plan.begin(), plan.end());
  }
  PlainCgroupWriter writer;
  const auto res = writer.apply(ops);
  for (std::size_t i = 0; i < ops.size(); ++i)
    if (res[i].error != 0)
      fmt::print(stderr, "cleanup: {}\n", describe_cgroup_error(ops[i], res[i].error));
  auto sub = plan_subtree_remove(layout);
  auto sub_res = writer.apply(sub);
  for (std::size_t i = 0; i < sub.size(); ++i)
    if (sub_res[i].error != 0)
      fmt::print(stderr, "cleanup: {}\n", describe_cgroup_error(sub[i], sub_res[i].error));
}

struct Burst {
  std::vector<CgroupWrite> ops;
  std::vector<std::size_t> first_op;  // update u's writes are ops[first_op[u], first_op[u+1])
};

// One update per tenant 0..size-1: cpu quota + memory limit, toggling between two values.
Burst make_burst(const CgroupLayout& layout, int size, bool high) {
  const TenantLimits a{5, 4, {}, {}};
  const TenantLimits b{6, 5, {}, {}};
  Burst burst;
  for (int t = 0; t < size; ++t) {
    burst.first_op.push_back(burst.ops.size());
    auto plan = plan_tenant_writes(layout, tenant_name(t), high ? b : a, high ? &a : &b);
    burst.ops.insert(burst.ops.end(), plan.begin(), plan.end());
  }
  burst.first_op.push_back(burst.ops.size());
  return burst;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Burst latency of cgroup limit updates: io_uring writer vs plain syscalls"};
  std::string root = "/sys/fs/cgroup";
  std::string dir;
  int tenants = 1000;
  std::vector<int> sizes{1, 100, 1000};
  std::vector<int> reps{200, 50, 20};
  unsigned depth = UringCgroupWriter::kDefaultQueueDepth;
  app.add_option("--root", root, "cgroup root to detect the hierarchy at")->capture_default_str();
  app.add_option("--dir", dir, "use this directory, laid out like cgroup v1, instead");
  app.add_option("--tenants", tenants, "tenant cgroups to create")->capture_default_str();
  app.add_option("--bursts", sizes, "burst sizes (updates per burst)")->capture_default_str();
  app.add_option("--reps", reps, "bursts per size, one per --bursts entry")->capture_default_str();
  app.add_option("--depth", depth, "io_uring queue depth")->capture_default_str();
  unsigned workers = 0;
  app.add_option("--iowq-workers", workers, "io-wq worker threads bound (0: kernel default)")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (reps.size() != sizes.size()) {
    fmt::print(stderr, "--reps needs one count per --bursts entry\n");
    return 2;
  }
  tenants = std::max(tenants, *std::max_element(sizes.begin(), sizes.end()));

  const bool fake = !dir.empty();
  CgroupLayout layout;
  try {
    if (fake) {
      layout = CgroupLayout{CgroupVersion::V1, dir, {}, {}};
      fs::create_directories(fs::path(dir) / "cpu");
      fs::create_directories(fs::path(dir) / "memory");
    } else {
      layout = detect_cgroup_layout(root);
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 1;
  }
  layout.subtree = fmt::format("swarmex-bench-{}", ::getpid());

  PlainCgroupWriter plain;
  UringCgroupWriter uring({}, depth, workers);
  std::array<CgroupWriter*, 2> writers{&uring, &plain};
  // (writer, size) → per-update latencies in microseconds, and whole-burst durations.
  std::map<std::pair<std::string, int>, std::vector<double>> latency_us, burst_us;
  int exit_code = 0;
  try {
    create_tenants(layout, tenants, fake, plain);
    bool high = false;
    for (std::size_t s = 0; s < sizes.size(); ++s) {
      for (int r = 0; r < reps[s]; ++r) {
        for (int k = 0; k < 2; ++k) {
          CgroupWriter* w = writers[(r + k) % 2];  // alternate which writer goes first
          high = !high;
          const Burst burst = make_burst(layout, sizes[s], high);
          const auto start = Clock::now();
          const auto res = w->apply(burst.ops);
          check_all(burst.ops, res);
          auto& lat = latency_us[{std::string(w->name()), sizes[s]}];
          Clock::time_point last{};
          for (std::size_t u = 0; u + 1 < burst.first_op.size(); ++u) {
            Clock::time_point done{};
            for (std::size_t i = burst.first_op[u]; i < burst.first_op[u + 1]; ++i)
              done = std::max(done, res[i].done_at);
            last = std::max(last, done);
            lat.push_back(std::chrono::duration<double, std::micro>(done - start).count());
          }
          burst_us[{std::string(w->name()), sizes[s]}].push_back(
              std::chrono::duration<double, std::micro>(last - start).count());
        }
      }
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    exit_code = 1;
  }
  remove_tenants(layout, tenants, fake);
  if (exit_code != 0) return exit_code;

  fmt::print("{} ({}), {} tenants, writes per update: cpu quota + memory limit\n",
             fake ? dir : root, layout.version == CgroupVersion::V2 ? "cgroup v2" : "cgroup v1",
             tenants);
  fmt::print("latency from burst start to each update's writes completed, microseconds\n\n");
  fmt::print("{:<9} {:>6} {:>8} {:>10} {:>10} {:>10} {:>14}\n", "writer", "burst", "updates", "p50",
             "p99", "max", "burst p50");
  std::map<std::pair<std::string, int>, std::array<double, 2>> summary;
  for (const auto* w : writers)
    for (int size : sizes) {
      const std::pair<std::string, int> key{std::string(w->name()), size};
      auto& lat = latency_us[key];
      const double p50 = percentile(lat, 0.50);
      const double p99 = percentile(lat, 0.99);
      summary[key] = {p50, p99};
      fmt::print("{:<9} {:>6} {:>8} {:>10.1f} {:>10.1f} {:>10.1f} {:>14.1f}\n", key.first, size,
                 lat.size(), p50, p99, lat.empty() ? 0.0 : lat.back(),
                 percentile(burst_us[key], 0.50));
    }
  fmt::print("\nratio io_uring / plain (below 1: io_uring faster)\n");
  fmt::print("{:>6} {:>8} {:>8}\n", "burst", "p50", "p99");
  for (int size : sizes) {
    const auto u = summary[{"io_uring", size}];
    const auto p = summary[{"plain", size}];
    fmt::print("{:>6} {:>8.2f} {:>8.2f}\n", size, u[0] / p[0], u[1] / p[1]);
  }
  return 0;
}
