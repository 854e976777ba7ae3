// swarmex-forecast-eval as a user runs it: --json prints exactly one object of the documented
// shape, and bad input ends with a reason and exit status 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "swarmex/common/temp_dir.hpp"

namespace {

struct ToolRun {
  int status = 0;
  std::string out;
};

ToolRun run(const std::string& args) {
  ToolRun r;
  FILE* p = popen((std::string(SWARMEX_FORECAST_EVAL) + " " + args + " 2>&1").c_str(), "r");
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
    r.out.append(buf.data(), n);
  r.status = WEXITSTATUS(pclose(p));
  return r;
}

// Three VMs over nine days: a steady one, a day-shaped one, and one that never reports.
std::string write_trace(const swarmex::common::TempDir& dir) {
  std::ofstream cpu(dir.path() / "cpu.csv"), mem(dir.path() / "mem.csv");
  cpu << "timestamp_s,vm1,vm2,vm3\n";
  mem << "timestamp_s,vm1,vm2,vm3\n";
  for (int64_t row = 0; row < 9 * 288; ++row) {
    const int64_t t = 1375653600 + row * 300;
    const bool day = row % 288 > 100 && row % 288 < 200;
    cpu << t << ',' << 500 + row % 7 * 10 << ',' << (day ? 4000 : 600) << ",\n";
    mem << t << ',' << 700 + row % 5 << ',' << (day ? 3000 : 1000) << ",\n";
  }
  std::ofstream(dir.path() / "vms.csv") << "vm_id,column,cpu_cores,cpu_capacity_mhz\n"
                                           "1,vm1,1,2926\n2,vm2,2,5852\n3,vm3,,\n";
  const auto p = dir.path().string();
  return "--cpu " + p + "/cpu.csv --mem " + p + "/mem.csv --vms " + p + "/vms.csv";
}

TEST(ForecastEvalToolTest, JsonIsOneObjectWithEveryMethodAndTheChoice) {
  swarmex::common::TempDir dir("swarmex-forecast-eval");
  const ToolRun r = run(write_trace(dir) + " --warmup-days 2 --json");
  ASSERT_EQ(r.status, 0) << r.out;
  ASSERT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
  const auto j = nlohmann::json::parse(r.out);
  std::set<std::string> seen;
  for (const auto& m : j.at("methods")) {
    seen.insert(m.at("name").get<std::string>() + "/" + m.at("resource").get<std::string>());
    for (const char* key : {"unit_hours", "shortfall", "slack", "pinball90", "mase"}) {
      EXPECT_TRUE(m.at(key).is_number()) << key;
    }
    EXPECT_GT(m.at("unit_hours").get<double>(), 0);
    EXPECT_LE(m.at("shortfall").get<double>(), 1.0);
  }
  for (const char* name : {"vpa", "seasonal", "conformal"}) {
    EXPECT_TRUE(seen.count(std::string(name) + "/cpu")) << name;
    EXPECT_TRUE(seen.count(std::string(name) + "/mem")) << name;
  }
  EXPECT_TRUE(j.at("chosen").at("cpu").is_string());
  EXPECT_TRUE(j.at("chosen").at("mem").is_string());
  ASSERT_GT(j.at("sweep").size(), 10u);
  for (const auto& s : j.at("sweep")) {
    EXPECT_TRUE(s.at("target").is_number());
    EXPECT_TRUE(s.at("unit_hours").is_number());
  }
}

TEST(ForecastEvalToolTest, HoursScoresOnlyThatManyWindowsAfterTheWarmup) {
  swarmex::common::TempDir dir("swarmex-forecast-eval");
  const std::string args = write_trace(dir) + " --warmup-days 2 --methods vpa --no-sweep --json";
  auto unit_hours = [](const ToolRun& r) {
    return nlohmann::json::parse(r.out).at("methods").at(0).at("unit_hours").get<double>();
  };
  const ToolRun all = run(args), five = run(args + " --hours 5"), six = run(args + " --hours 6");
  ASSERT_EQ(all.status, 0) << all.out;
  ASSERT_EQ(five.status, 0) << five.out;
  ASSERT_EQ(six.status, 0) << six.out;
  EXPECT_LT(unit_hours(five), unit_hours(six));
  EXPECT_LT(unit_hours(six), unit_hours(all));
  // Two VMs report, each holding at least a unit per window: 5 windows are 10 to a few dozen.
  EXPECT_GE(unit_hours(five), 10);
  EXPECT_LT(unit_hours(five), 5 * 2 * 40);
}

TEST(ForecastEvalToolTest, BadInputEndsWithAReason) {
  swarmex::common::TempDir dir("swarmex-forecast-eval");
  const std::string args = write_trace(dir);
  ToolRun r = run(args + " --methods vpa,prophet");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("unknown method 'prophet'"), std::string::npos) << r.out;
  r = run("--cpu /nonexistent.csv --mem /nonexistent.csv --vms /nonexistent.csv");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("cannot open /nonexistent.csv"), std::string::npos) << r.out;
}

}  // namespace
