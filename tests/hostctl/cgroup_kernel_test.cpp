// Integration on this kernel's cgroup hierarchy (/sys/fs/cgroup): creates a test subtree
// swarmex-test-<pid> in every tenant controller, enacts limits through the writers and reads them
// back, and provokes a real EBUSY on a v1 memory limit. Skipped, with the reason, when not root or
// no writable hierarchy exists. TearDown kills the test's children and removes everything.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

#include "cgroup_test_support.hpp"
#include "swarmex/hostctl/cgroup_tree.hpp"
#include "swarmex/hostctl/plain_cgroup_writer.hpp"
#include "swarmex/hostctl/tenant_limits.hpp"
#include "swarmex/hostctl/uring_cgroup_writer.hpp"

namespace swarmex::hostctl {
namespace {

namespace fs = std::filesystem;
using testing::slurp;

class KernelCgroupTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "not root: cannot create cgroups";
    try {
      layout_ = detect_cgroup_layout("/sys/fs/cgroup");
    } catch (const std::exception& e) {
      GTEST_SKIP() << e.what();
    }
    layout_.subtree = fmt::format("swarmex-test-{}", ::getpid());
    const fs::path probe = subtree_dir(layout_, "cpu");
    if (::mkdir(probe.c_str(), 0755) != 0)
      GTEST_SKIP() << "cannot create " << probe << ": " << std::strerror(errno);
    ::rmdir(probe.c_str());
    ready_ = true;
    writer_ = make_writer(RetryPolicy{});
  }

  std::unique_ptr<CgroupWriter> make_writer(RetryPolicy retry) const {
    if (GetParam() == "uring") return std::make_unique<UringCgroupWriter>(retry);
    return std::make_unique<PlainCgroupWriter>(retry);
  }

  void TearDown() override {
    for (const pid_t child : children_) {
      ::kill(child, SIGKILL);
      ::waitpid(child, nullptr, 0);
    }
    if (!ready_) return;
    for (const auto& controller : tenant_controllers(layout_)) {
      const fs::path sub = subtree_dir(layout_, controller);
      std::error_code ec;
      if (!fs::exists(sub, ec)) continue;
      for (const auto& tenant : list_tenants(layout_, controller))
        remove_dir(sub / tenant);
      remove_dir(sub);
    }
  }

  // rmdir, retried briefly: a task killed a moment ago may still be leaving the cgroup.
  static void remove_dir(const fs::path& dir) {
    for (int i = 0; i < 100; ++i) {
      if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
      if (errno != EBUSY) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ADD_FAILURE() << "cleanup: rmdir " << dir << ": " << std::strerror(errno);
  }

  // Applies `ws`, expecting every operation to succeed.
  void apply_ok(const std::vector<CgroupWrite>& ws) {
    const auto res = writer_->apply(ws);
    for (std::size_t i = 0; i < ws.size(); ++i)
      EXPECT_EQ(res[i].error, 0) << describe_cgroup_error(ws[i], res[i].error);
  }

  std::string read(std::string_view controller, std::string_view tenant, const char* file) {
    return read_cgroup_value(tenant_dir(layout_, controller, tenant) / file);
  }

  bool v1() const { return layout_.version == CgroupVersion::V1; }

  CgroupLayout layout_;
  bool ready_ = false;
  std::unique_ptr<CgroupWriter> writer_;
  std::vector<pid_t> children_;
};

INSTANTIATE_TEST_SUITE_P(Writers, KernelCgroupTest, ::testing::Values("uring", "plain"),
                         [](const auto& writer) { return writer.param; });

TEST_P(KernelCgroupTest, EnactsLimitsAndReadsThemBack) {
  apply_ok(plan_tenant_create(layout_, "acme"));
  for (const auto& controller : tenant_controllers(layout_))
    EXPECT_TRUE(fs::is_directory(tenant_dir(layout_, controller, "acme"))) << controller;

  const TenantLimits first{5, 4, {}, {}};
  apply_ok(plan_tenant_writes(layout_, "acme", first, nullptr));
  if (v1()) {
    EXPECT_EQ(read("cpu", "acme", "cpu.cfs_quota_us"), "50000");
    EXPECT_EQ(read("cpu", "acme", "cpu.cfs_period_us"), "100000");
    EXPECT_EQ(read("memory", "acme", "memory.limit_in_bytes"), "1073741824");
  } else {
    EXPECT_EQ(read("cpu", "acme", "cpu.max"), "50000 100000");
    EXPECT_EQ(read("memory", "acme", "memory.max"), "1073741824");
    EXPECT_EQ(read("memory", "acme", "memory.high"), "1073741824");
  }

  const bool cpuset = has_controller(layout_, "cpuset");
  const TenantLimits second{0, 0, {}, cpuset ? "0" : ""};
  apply_ok(plan_tenant_writes(layout_, "acme", second, &first));
  if (v1()) {
    EXPECT_EQ(read("cpu", "acme", "cpu.cfs_quota_us"), "1000");
    EXPECT_GT(std::stoll(read("memory", "acme", "memory.limit_in_bytes")), std::int64_t{1} << 62);
  } else {
    EXPECT_EQ(read("cpu", "acme", "cpu.max"), "1000 100000");
    EXPECT_EQ(read("memory", "acme", "memory.max"), "max");
  }
  if (cpuset) {
    EXPECT_EQ(read("cpuset", "acme", "cpuset.cpus"), "0");
  }
}

TEST_P(KernelCgroupTest, IoLimitOnARealDevice) {
  const char* controller = v1() ? "blkio" : "io";
  if (!has_controller(layout_, controller)) GTEST_SKIP() << "no " << controller << " controller";
  std::vector<std::string> devices;
  for (const auto& e : fs::directory_iterator("/sys/block"))
    devices.push_back(read_cgroup_value(e.path() / "dev"));
  if (devices.empty()) GTEST_SKIP() << "no block device in /sys/block";
  std::sort(devices.begin(), devices.end());
  const std::string device = devices.front();

  apply_ok(plan_tenant_create(layout_, "io"));
  const TenantLimits limited{1, 1, {{device, 3}}, {}};
  apply_ok(plan_tenant_writes(layout_, "io", limited, nullptr));
  const fs::path dir = tenant_dir(layout_, controller, "io");
  if (v1()) {
    EXPECT_EQ(slurp(dir / "blkio.throttle.read_bps_device"), device + " 30000000\n");
    EXPECT_EQ(slurp(dir / "blkio.throttle.write_bps_device"), device + " 30000000\n");
  } else {
    EXPECT_NE(slurp(dir / "io.max").find(device + " rbps=30000000 wbps=30000000"),
              std::string::npos);
  }
  const TenantLimits removed{1, 1, {}, {}};
  apply_ok(plan_tenant_writes(layout_, "io", removed, &limited));
  EXPECT_EQ(slurp(dir / (v1() ? "blkio.throttle.read_bps_device" : "io.max")), "");
}

TEST_P(KernelCgroupTest, ListsTenantsForReconciliation) {
  for (const char* t : {"c", "a", "b"})
    apply_ok(plan_tenant_create(layout_, t));
  EXPECT_EQ(list_tenants(layout_), (std::vector<std::string>{"a", "b", "c"}));
  apply_ok(plan_tenant_remove(layout_, "b"));
  EXPECT_EQ(list_tenants(layout_), (std::vector<std::string>{"a", "c"}));
}

// A child that, once told, touches `bytes` of anonymous memory, says so, and waits to be killed.
// Only async-signal-safe calls after fork().
pid_t spawn_memory_user(std::size_t bytes, int& go_fd, int& ready_fd) {
  int go[2], ready[2];
  if (::pipe(go) != 0 || ::pipe(ready) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    char c = 0;
    if (::read(go[0], &c, 1) != 1) ::_exit(1);
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) ::_exit(2);
    std::memset(p, 0x5a, bytes);
    if (::write(ready[1], "r", 1) != 1) ::_exit(3);
    for (;;)
      ::pause();
  }
  ::close(go[0]);
  ::close(ready[1]);
  go_fd = go[1];
  ready_fd = ready[0];
  return pid;
}

TEST_P(KernelCgroupTest, LoweringV1MemoryBelowUsageIsEbusyAfterRetries) {
#if defined(__SANITIZE_THREAD__)
  // The forked child keeps ThreadSanitizer's shadow of what it touches: its usage passes the
  // 256 MiB that the test expects to fit.
  GTEST_SKIP() << "under ThreadSanitizer the child's shadow memory is above the test's limits";
#endif
  if (!v1()) GTEST_SKIP() << "cgroup v2 memory.max reclaims or OOM-kills instead of EBUSY";
  if (std::count(std::istreambuf_iterator<char>(std::ifstream("/proc/swaps").rdbuf()), {}, '\n') >
      1)
    GTEST_SKIP() << "swap is on: the kernel could swap the memory out instead of EBUSY";
  apply_ok(plan_tenant_create(layout_, "mem"));

  constexpr std::size_t kUsed = std::size_t{64} << 20;
  int go = -1, ready = -1;
  const pid_t child = spawn_memory_user(kUsed, go, ready);
  ASSERT_GT(child, 0);
  children_.push_back(child);
  const fs::path dir = tenant_dir(layout_, "memory", "mem");
  apply_ok({{dir / "cgroup.procs", std::to_string(child)}});  // before it touches anything
  ASSERT_EQ(::write(go, "g", 1), 1);
  pollfd pfd{ready, POLLIN, 0};
  ASSERT_EQ(::poll(&pfd, 1, 10'000), 1) << "child did not touch its memory in 10 s";
  ::close(go);
  ::close(ready);
  ASSERT_GE(std::stoll(read_cgroup_value(dir / "memory.usage_in_bytes")), 60 << 20);

  // 16 MiB is below the child's 64 MiB of anonymous memory, which cannot be reclaimed without
  // swap: the kernel refuses with EBUSY, the writer retries (3 times here), then reports it.
  const auto writer = make_writer(RetryPolicy{3, std::chrono::microseconds(1000)});
  const std::vector<CgroupWrite> lower{{dir / "memory.limit_in_bytes", std::to_string(16 << 20)}};
  const auto res = writer->apply(lower);
  EXPECT_EQ(res[0].error, EBUSY) << describe_cgroup_error(lower[0], res[0].error);
  EXPECT_EQ(res[0].attempts, 4);
  EXPECT_NE(describe_cgroup_error(lower[0], res[0].error).find("memory usage is above"),
            std::string::npos);
  EXPECT_EQ(read_cgroup_value(dir / "memory.limit_in_bytes"), "9223372036854771712");

  const TenantLimits room{1, 1, {}, {}};  // 256 MiB: above the usage, so it takes
  apply_ok(plan_tenant_writes(layout_, "mem", room, nullptr));
  EXPECT_EQ(read_cgroup_value(dir / "memory.limit_in_bytes"), "268435456");
}

}  // namespace
}  // namespace swarmex::hostctl
