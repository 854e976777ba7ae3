// tools/autopilot-sim as a user runs it, on a small made-up trace (four VMs, a week and three
// hours): swarmexd, three swarmex-hostctl and swarmex-autopilot play the hours; a host controller
// is killed with SIGKILL in the second hour and what it held of the next hour is bought again
// elsewhere. --json prints exactly the documented object, and the market bought about what the
// offline replay of the same method says it should.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "e2e_fixture.hpp"
#include "json_output.hpp"
#include "swarmex/common/temp_dir.hpp"

namespace swarmex::e2e {
namespace {

// Seven days and three hours of 5-minute rows: steady VMs and one with a daily shape.
void write_trace(const std::string& dir) {
  std::ofstream cpu(dir + "/cpu_usage_mhz.csv"), mem(dir + "/mem_usage_mib.csv");
  cpu << "timestamp_s,vm1,vm2,vm3,vm4\n";
  mem << "timestamp_s,vm1,vm2,vm3,vm4\n";
  for (std::int64_t row = 0; row < 7 * 288 + 36; ++row) {
    const std::int64_t t = 1375653600 + row * 300;
    const bool busy = row % 288 >= 12 && row % 288 < 24;  // the hour the kill falls in, daily
    cpu << t << ',' << 2926 << ',' << 1463 + row % 3 * 100 << ',' << (busy ? 8000 : 3000) << ','
        << 500 << '\n';
    mem << t << ",1024,2048,4096,512\n";
  }
  std::ofstream(dir + "/vms.csv") << "vm_id,column,cpu_cores,cpu_capacity_mhz\n1,vm1,1,2926\n"
                                     "2,vm2,1,2926\n3,vm3,4,11704\n4,vm4,1,2926\n";
}

TEST(AutopilotSimTest, PlaysTheTraceSelfHealsAndReportsTheDocumentedJson) {
  common::TempDir dir("swarmex-sim-trace");
  write_trace(dir.str());
  const CliRun r = run_command(std::string(SWARMEX_AUTOPILOT_SIM) + " --trace-dir " + dir.str() +
                               " --vms 4 --hours 3 --seconds-per-hour 16 --kill-host-at 1 --json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  const auto j = last_json_object(r.out);
  std::set<std::string> keys;
  for (const auto& [k, v] : j.items())
    keys.insert(k);
  EXPECT_EQ(keys,
            (std::set<std::string>{"tenants", "windows", "unit_hours_bought", "shortfall", "slack",
                                   "offline_shortfall", "capacity_sold_fraction", "spend",
                                   "self_heal_ms", "prestaged_start_us", "cold_start_us"}));
  EXPECT_EQ(j.at("tenants"), 4);
  EXPECT_EQ(j.at("windows"), 12) << "4 VMs x 3 hours, every one with samples";
  const double bought = j.at("unit_hours_bought").get<double>();
  // vm1 1 core, vm2 ~0.55, vm3 ~1-2.7, vm4 0.17: at least 30 VRU an hour, less than 120.
  EXPECT_GT(bought, 3 * 30.0) << r.out;
  EXPECT_LT(bought, 3 * 120.0) << r.out;
  EXPECT_LE(j.at("shortfall").get<double>(), j.at("offline_shortfall").get<double>() + 0.2)
      << "the market lost much more than the forecast: " << r.out;
  EXPECT_GT(j.at("spend").get<std::int64_t>(), 0);
  EXPECT_GT(j.at("capacity_sold_fraction").get<double>(), 0);
  EXPECT_LT(j.at("capacity_sold_fraction").get<double>(), 1);
  ASSERT_FALSE(j.at("self_heal_ms").at("max").is_null())
      << "the killed host held some of the next hour, bought again elsewhere: " << r.out;
  EXPECT_LT(j.at("self_heal_ms").at("max").get<double>(), 10'000);
  EXPECT_LE(j.at("self_heal_ms").at("p50").get<double>(),
            j.at("self_heal_ms").at("max").get<double>());
  EXPECT_FALSE(j.at("prestaged_start_us").at("p99").is_null()) << r.out;
  EXPECT_FALSE(j.at("cold_start_us").at("p99").is_null()) << r.out;
}

TEST(AutopilotSimTest, BadOptionsEndWithAReason) {
  const CliRun r = run_command(std::string(SWARMEX_AUTOPILOT_SIM) +
                               " --trace-dir /nonexistent --seconds-per-hour 7");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.out.find("divide 3600"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace swarmex::e2e
