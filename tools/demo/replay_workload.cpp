#include "replay_workload.hpp"

#include <sys/prctl.h>
#include <unistd.h>
#include <csignal>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "swarmex/common/clock.hpp"
#include "swarmex/hostctl/cgroup_usage.hpp"

namespace swarmex::demo {

namespace fs = std::filesystem;

namespace {

// Written whole and renamed into place: a reader never sees half a file.
void put(const fs::path& file, const std::string& text) {
  const fs::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp);
    out << text;
    if (!out) return;
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
}

}  // namespace

ReplayWorkload::ReplayWorkload(Stack& stack, const PoolPlan& plan, std::vector<std::string> hosts,
                               std::string self_exe)
    : stack_(stack), plan_(plan), self_exe_(std::move(self_exe)) {
  for (const std::string& h : hosts) {
    PerHost& p = hosts_[h];
    p.target_file = stack_.work_dir() + "/burn-" + h;
    put(p.target_file, "0\n");
  }
}

ReplayWorkload::~ReplayWorkload() {
  std::error_code ec;
  for (auto& [name, h] : hosts_)
    fs::remove(h.target_file, ec);  // the burners stop; teardown kills them anyway
}

void ReplayWorkload::tick(std::int64_t now_ns, const std::map<std::string, std::int64_t>& held) {
  const std::int64_t dt = last_ns_ == 0 ? 0 : now_ns - last_ns_;
  last_ns_ = now_ns;
  const double demand = plan_.demand_at(now_ns);
  std::int64_t total = 0;
  for (const auto& [host, units] : held)
    if (hosts_.count(host) && !hosts_[host].dropped) total += units;
  (void)used_core_s();  // follow the counters closely: a cgroup removed takes its count along
  for (auto& [host, h] : hosts_) {
    if (h.dropped) continue;
    const auto it = held.find(host);
    const std::int64_t units = it == held.end() ? 0 : it->second;
    const double share = total > 0 ? demand * static_cast<double>(units) / total : 0;
    if (stack_.mode().real)
      play_real(host, h, share);
    else
      play_dry(host, h, share, dt);
  }
}

void ReplayWorkload::play_real(const std::string& host, PerHost& h, double cores) {
  put(h.target_file, std::to_string(cores) + "\n");
  if (h.burner != nullptr && !h.burner->running()) h.burner = nullptr;  // its cgroup went
  if (cores <= 0 || h.burner != nullptr) return;
  // Join once the host made the tenant's cgroup and enforces a window there.
  if (hostctl::read_cpu_quota_cpus(stack_.layout(host), kAutoTenant) <= 0.02) return;
  h.burner = &stack_.start_workload(host, kAutoTenant,
                                    std::vector<std::string>{self_exe_, "--burn", h.target_file});
}

void ReplayWorkload::play_dry(const std::string& host, PerHost& h, double cores,
                              std::int64_t dt_ns) {
  const fs::path dir = hostctl::tenant_dir(stack_.layout(host), "cpu", kAutoTenant);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;  // not enacted (yet)
  // A quota lets no more through than it holds.
  const double quota = hostctl::read_cpu_quota_cpus(stack_.layout(host), kAutoTenant);
  const double used = quota > 0 ? std::min(cores, quota) : cores;
  h.dry_usec += used * static_cast<double>(dt_ns) / 1e3;
  put(dir / "cpu.stat", "usage_usec " + std::to_string(static_cast<std::int64_t>(h.dry_usec)) +
                            "\nuser_usec 0\nsystem_usec 0\n");
}

void ReplayWorkload::drop_host(const std::string& host) {
  const auto it = hosts_.find(host);
  if (it == hosts_.end()) return;
  (void)used_core_s();  // count what it used up to now
  it->second.dropped = true;
  if (it->second.burner != nullptr) it->second.burner->kill();
  it->second.burner = nullptr;
}

double ReplayWorkload::used_core_s() {
  double ns = 0;
  for (auto& [host, h] : hosts_) {
    if (!h.dropped) {
      const std::int64_t c = hostctl::read_cpu_usage_ns(stack_.layout(host), kAutoTenant);
      if (c < 0) {
        h.last_counter = 0;  // the cgroup went; a new one counts from 0
      } else {
        h.used_ns += static_cast<double>(c >= h.last_counter ? c - h.last_counter : c);
        h.last_counter = c;
      }
    }
    ns += h.used_ns;
  }
  return ns / 1e9;
}

double ReplayWorkload::quota_cores() const {
  double q = 0;
  for (const auto& [host, h] : hosts_)
    if (!h.dropped)
      q += std::max(0.0, hostctl::read_cpu_quota_cpus(stack_.layout(host), kAutoTenant));
  return q;
}

int run_burner(const std::string& file) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  std::atomic<double> target{0};
  std::atomic<bool> stop{false};
  auto burn = [&](int index) {
    using namespace std::chrono;
    for (;;) {
      if (stop.load()) return;
      // This thread's part of the target over a 20 ms slice: busy, then asleep.
      const double mine = std::clamp(target.load() - index, 0.0, 1.0);
      const auto slice_end = steady_clock::now() + milliseconds(20);
      const auto busy_until = steady_clock::now() + microseconds(static_cast<int>(mine * 20000));
      while (steady_clock::now() < busy_until) {
      }
      std::this_thread::sleep_until(slice_end);
    }
  };
  std::thread a(burn, 0), b(burn, 1);
  for (;;) {
    std::ifstream in(file);
    double t = 0;
    if (!in || !(in >> t)) break;
    target.store(t);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop.store(true);
  a.join();
  b.join();
  return 0;
}

}  // namespace swarmex::demo
