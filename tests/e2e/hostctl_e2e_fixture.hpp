// The fixture of the host controller's end-to-end tests: swarmexd + swarmex-hostctl + tenants
// over loopback, enacting on the real kernel's cgroups. Runs as root with a writable cgroup mount
// (v1 or v2 with cpu and memory); otherwise every test is reported as skipped with the reason.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "e2e_fixture.hpp"
#include "swarmex/hostctl/cgroup_usage.hpp"
#include "swarmex/hostctl/enactor.hpp"
#include "swarmex/hostctl/host_state.hpp"

namespace swarmex::e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using hostctl::CgroupLayout;
using hostctl::CgroupVersion;

// A 2-second spot lease on pool-a cpu, for window-end reclaim, and MIG 1g.10gb instances.
inline const char* kShortLease =
    "[[instruments]]\nid = 5\nsymbol = \"cpu.pool-a.short\"\nresource = \"cpu\"\npool = "
    "\"pool-a\"\ntick = 100\nband_min = 100\nband_max = 10000000\nlease_s = 2\n\n"
    "[[instruments]]\nid = 6\nsymbol = \"mig.1g.10gb.pool-a.spot\"\nresource = "
    "\"mig.1g.10gb\"\npool = \"pool-a\"\ntick = 100\nband_min = 100\nband_max = "
    "10000000\nlease_s = 600\n\n";
// One simulated H100 selling 1g.10gb instances (instrument 6).
inline const char* kSimulatedGpu =
    "[[supply]]\ninstrument = 6\nresource = \"mig.1g.10gb\"\nreserve_price = 1000\n\n"
    "[gpu]\nbackend = \"simulated\"\nsimulated_gpus = 1\n";

inline std::string read_file(const fs::path& p) {
  std::ifstream in(p);
  std::string s;
  std::getline(in, s);
  return s;
}

// Why the real-kernel tests cannot run here, or "" when they can.
inline std::string cgroup_unavailable() {
  if (::geteuid() != 0) return "not root: cannot write cgroups";
  try {
    const CgroupLayout l = hostctl::detect_cgroup_layout("/sys/fs/cgroup");
    const fs::path probe = hostctl::controller_root(l, "cpu") / "swarmex-probe";
    std::error_code ec;
    fs::create_directory(probe, ec);
    if (ec) return "cgroup mount not writable: " + ec.message();
    fs::remove(probe, ec);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

class HostctlE2eTest : public E2eTest {
 protected:
  void SetUp() override {
    if (const std::string why = cgroup_unavailable(); !why.empty()) GTEST_SKIP() << why;
    subtree_ = "swarmex-e2e-" + std::to_string(::getpid());
    layout_ = hostctl::detect_cgroup_layout("/sys/fs/cgroup");
    layout_.subtree = subtree_;
    server_ = std::make_unique<testing::ServerProcess>(
        SWARMEX_SERVER_BINARY, dir_.path(),
        testing::test_config("", "sync", 2, std::string(kShortLease) + more_instruments_));
    server_->start();
    server_->set_listen("127.0.0.1:" + std::to_string(server_->port()));  // restarts keep it
    hostctl_ = std::make_unique<tools::ChildProcess>(dir_.str() + "/hostctl.log");
  }

  void TearDown() override {
    for (auto& w : workers_)
      w->kill();
    if (hostctl_) hostctl_->stop();
    if (!subtree_.empty()) {
      // Whatever a failed test left: tasks out, then the directories.
      hostctl::Enactor cleanup(layout_, hostctl::make_cgroup_writer({}, false));
      (void)cleanup.remove_subtree();
    }
    if (HasFailure() && hostctl_)
      std::printf("--- hostctl output ---\n%s\n", hostctl_->output().c_str());
    E2eTest::TearDown();
  }

  void start_hostctl(std::int64_t vrus = 20, const std::string& extra = "") {
    const std::string cfg = dir_.str() + "/host-a1.toml";
    std::ofstream(cfg) << "[exchange]\naddress = \"" << address_before_
                       << "127.0.0.1:" << server_->port()
                       << "\"\nprincipal = \"host-a1\"\ntoken = \"host-a1-token\"\n"
                       << "reconnect_ms = 50\n\n[host]\npool = \"pool-a\"\nstate_dir = \""
                       << state_dir() << "\"\nsubtree = \"" << subtree_ << "\"\n"
                       << host_extra_ << "\n"
                       << "[capacity]\nvrus = " << vrus << "\nmem_shards = 16\n\n"
                       << "[[supply]]\ninstrument = 1\nresource = \"cpu\"\nreserve_price = 1000\n"
                       << "[[supply]]\ninstrument = 2\nresource = \"mem\"\nreserve_price = 500\n"
                       << "[[supply]]\ninstrument = 5\nresource = \"cpu\"\nreserve_price = 1000\n"
                       << extra;
    const std::size_t from = hostctl_->output_size();
    hostctl_->start({SWARMEX_HOSTCTL_BINARY, "--config", cfg});
    ASSERT_NE(hostctl_->wait_for("logged on", from, 10000), std::string::npos)
        << hostctl_->output();
  }
  std::string state_dir() const { return dir_.str() + "/hostctl-state"; }
  // Nodes listed before the exchange's in [exchange] address (a cluster's, "host:port,").
  std::string address_before_;
  hostctl::HostState state() const { return hostctl::load_host_state(state_dir()); }

  fs::path tenant_file(const std::string& tenant, const char* controller, const char* file) {
    return hostctl::tenant_dir(layout_, controller, tenant) / file;
  }
  // cpu quota in CPUs and CPU time used, from the tenant's own control files (-1 while its cgroup
  // is missing: a restarted controller may be between reconcile and re-enactment).
  double quota_cpus(const std::string& tenant) {
    return hostctl::read_cpu_quota_cpus(layout_, tenant);
  }
  std::int64_t usage_ns(const std::string& tenant) {
    return hostctl::read_cpu_usage_ns(layout_, tenant);
  }
  double measured_cpus(const std::string& tenant, std::chrono::milliseconds over) {
    const std::int64_t u0 = usage_ns(tenant);
    const auto t0 = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(over);
    const std::int64_t u1 = usage_ns(tenant);
    const auto dt = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0);
    return static_cast<double>(u1 - u0) / dt.count();
  }
  // The tenant's cpu cgroup exists and its quota is `cpus`.
  bool enforced_cpus(const std::string& tenant, double cpus) {
    return eventually([&] {
      return fs::exists(tenant_file(tenant, "cpu", "cgroup.procs")) && quota_cpus(tenant) == cpus;
    });
  }
  template <typename F>
  bool eventually(F&& ok, std::chrono::milliseconds timeout = 5s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (ok()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return ok();
  }
  // Buys `qty` with IOC orders until it all filled (the host's asks may still be on their way).
  std::int64_t buy(Conn& c, std::uint32_t instrument, std::int64_t qty) {
    std::int64_t got = 0;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (got < qty && std::chrono::steady_clock::now() < deadline) {
      c.order(next_id_++, instrument, wire::Side::Buy, 5000, qty - got, wire::TimeInForce::Ioc);
      for (;;) {
        auto r = c.report();
        if (!r) break;
        if (r->kind == wire::ExecKind::Filled) got += r->last_qty;
        if (r->kind == wire::ExecKind::Rejected || r->kind == wire::ExecKind::Cancelled ||
            r->leaves_qty == 0)
          break;
      }
      if (got < qty) std::this_thread::sleep_for(20ms);
    }
    return got;
  }
  void start_workers(const std::string& tenant, int n) {
    for (int i = 0; i < n; ++i) {
      workers_.push_back(std::make_unique<tools::ChildProcess>(dir_.str() + "/worker.log"));
      workers_.back()->start({SWARMEX_HOSTCTL_BINARY, "--config", dir_.str() + "/host-a1.toml",
                              "run", "--tenant", tenant, "--", "/bin/sh", "-c",
                              "while :; do :; done"});
    }
  }

  std::string subtree_;
  std::string host_extra_;        // more [host] keys
  std::string more_instruments_;  // more swarmexd configuration, set before SetUp (products)
  CgroupLayout layout_;
  std::unique_ptr<tools::ChildProcess> hostctl_;
  std::vector<std::unique_ptr<tools::ChildProcess>> workers_;
  std::uint64_t next_id_ = 1;
};

}  // namespace swarmex::e2e
