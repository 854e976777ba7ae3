// tools/soak's binary against the real swarmexd and swarmex-loadgen, briefly: the JSON lines it
// prints (a start line, one sample per interval, a summary) carry plausible memory, descriptor,
// latency and restart figures, and it leaves no process or directory behind, also when
// interrupted. Timing goals are not asserted: the machine may be busy.
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "swarmex/common/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::vector<json> json_lines(const std::string& out) {
  std::vector<json> lines;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with("{")) lines.push_back(json::parse(line));
  return lines;
}

bool alive(int pid) {
  return pid > 0 && ::kill(pid, 0) == 0;
}

class SoakTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The soak's own temporary directory goes under here, so the test sees whether it is gone.
    ::setenv("TMPDIR", tmp_.str().c_str(), 1);
  }
  void TearDown() override { ::unsetenv("TMPDIR"); }

  [[nodiscard]] std::size_t entries_left() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(tmp_.path()))
      ++n;
    return n;
  }

  swarmex::common::TempDir tmp_{"soak-test-tmp"};
  swarmex::common::TempDir logs_{"soak-test-log"};
};

TEST_F(SoakTest, PrintsSamplesAndASummaryWithRestartFiguresAndLeavesNothing) {
  swarmex::tools::ChildProcess soak(logs_.str() + "/soak.log");
  soak.start({SWARMEX_SOAK, "--seconds", "9", "--interval", "3", "--rate", "4000", "--sessions",
              "4", "--json"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
  while (soak.running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_FALSE(soak.running()) << soak.output();
  const std::string out = soak.output();
  ASSERT_TRUE(WIFEXITED(soak.exit_status()) && WEXITSTATUS(soak.exit_status()) == 0) << out;
  const auto lines = json_lines(out);
  // start, the idle sample, three intervals, the summary.
  ASSERT_EQ(lines.size(), 6u) << out;
  EXPECT_EQ(lines[0].at("type"), "start");
  EXPECT_EQ(lines[0].at("engine"), "inline");
  const int pid = lines[0].at("pid").get<int>();
  std::uint64_t orders = 0;
  for (std::size_t i = 1; i <= 4; ++i) {
    const json& s = lines[i];
    ASSERT_EQ(s.at("type"), "sample") << s;
    EXPECT_GT(s.at("rss_kib").get<std::int64_t>(), 1024) << "more than 1 MiB resident: " << s;
    EXPECT_LT(s.at("rss_kib").get<std::int64_t>(), 64LL << 20) << "less than 64 GiB: " << s;
    EXPECT_GE(s.at("fds").get<int>(), 3) << s;
    EXPECT_LT(s.at("fds").get<int>(), 1000) << s;
    EXPECT_GE(s.at("threads").get<int>(), 1) << s;
    EXPECT_GE(s.at("orders").get<std::uint64_t>(), orders) << "orders so far never shrink";
    orders = s.at("orders").get<std::uint64_t>();
    if (i == 1) {
      EXPECT_TRUE(s.at("ack_p999_us").is_null()) << "before the load: " << s;
      continue;
    }
    EXPECT_GT(s.at("interval_orders").get<std::uint64_t>(), 3000u) << s;
    EXPECT_GT(s.at("journal_bytes").get<std::int64_t>(), 0) << s;
    const double p50 = s.at("ack_p50_us").get<double>();
    const double p99 = s.at("ack_p99_us").get<double>();
    const double p999 = s.at("ack_p999_us").get<double>();
    EXPECT_GT(p50, 0) << s;
    EXPECT_LE(p50, p99) << s;
    EXPECT_LE(p99, p999) << s;
    EXPECT_GE(s.at("t_s").get<double>(), 3.0 * static_cast<double>(i - 1)) << s;
  }
  const json& sum = lines[5];
  ASSERT_EQ(sum.at("type"), "summary") << sum;
  EXPECT_EQ(sum.at("orders").get<std::uint64_t>(), orders);
  EXPECT_NE(sum.at("warmup").get<std::string>().find("first interval"), std::string::npos);
  EXPECT_GT(sum.at("orders_after_warmup").get<std::uint64_t>(), 0u);
  EXPECT_TRUE(sum.at("rss_growth_pct").is_number()) << sum;
  EXPECT_TRUE(sum.at("rss_kib_per_million_orders").is_number()) << sum;
  EXPECT_LT(std::abs(sum.at("fd_drift").get<int>()), 100) << sum;
  EXPECT_TRUE(sum.at("p999_drift_pct").is_number()) << sum;
  EXPECT_EQ(sum.at("clean_stop"), true) << sum;
  EXPECT_GT(sum.at("stop_s").get<double>(), 0) << sum;
  EXPECT_LT(sum.at("stop_s").get<double>(), 60) << sum;
  EXPECT_GT(sum.at("restart_s").get<double>(), 0) << sum;
  EXPECT_LT(sum.at("restart_s").get<double>(), 60) << sum;
  EXPECT_GT(sum.at("restart_journal_bytes").get<std::int64_t>(), 0) << sum;
  EXPECT_FALSE(alive(pid)) << "swarmexd still runs";
  EXPECT_EQ(entries_left(), 0u) << "the soak's directory is removed";
}

TEST_F(SoakTest, CtrlCStopsEverythingAndRemovesItsDirectory) {
  swarmex::tools::ChildProcess soak(logs_.str() + "/soak.log");
  soak.start({SWARMEX_SOAK, "--seconds", "60", "--interval", "30", "--rate", "2000", "--sessions",
              "2", "--json"});
  // Wait for the idle sample (swarmexd is up), then a moment of load.
  ASSERT_NE(soak.wait_for("\"type\":\"sample\"", 0, 30000), std::string::npos) << soak.output();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const auto lines = json_lines(soak.output());
  ASSERT_FALSE(lines.empty());
  const int pid = lines[0].at("pid").get<int>();
  EXPECT_TRUE(alive(pid));
  ::kill(soak.pid(), SIGINT);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (soak.running() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_FALSE(soak.running()) << soak.output();
  EXPECT_TRUE(WIFEXITED(soak.exit_status()) && WEXITSTATUS(soak.exit_status()) == 130)
      << soak.output();
  EXPECT_FALSE(alive(pid)) << "swarmexd stopped";
  EXPECT_EQ(entries_left(), 0u) << "the soak's directory is removed";
}

}  // namespace
