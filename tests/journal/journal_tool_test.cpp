// `swarmex journal verify|dump|stats` against a real journal directory, as an operator runs it.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "random_commands.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/journal/segment.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::journal {
namespace {

struct ToolRun {
  int status;
  std::string out;
};

ToolRun run(const std::string& args) {
  const std::string cmd = std::string(SWARMEX_CLI) + " " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  ToolRun r{-1, {}};
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0)
    r.out.append(buf, n);
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::size_t count_lines(const std::string& s) {
  return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n'));
}

// Every line parsed as JSON; one that does not parse throws and fails the test.
std::vector<nlohmann::json> json_lines(const std::string& s) {
  std::vector<nlohmann::json> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);)
    out.push_back(nlohmann::json::parse(line));
  return out;
}

class JournalToolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    files_ = open_directory(dir_.str());
    swarmex::testing::RandomCommands gen(11, swarmex::testing::random_test_instruments());
    JournalWriter w(*files_, 8 * 1024, 1, {});
    JournalBatch batch;
    for (engine::Seq i = 1; i <= 1000; ++i) {
      engine::Command c = gen.next([](engine::OrderId) { return false; });
      if (i % 100 == 50) {  // a swarm order among them: the tool prints its legs
        c.kind = engine::CommandKind::SwarmOrder;
        c.swarm = engine::SwarmOrder{};
        c.swarm.order_id = 1'000'000 + i;
        c.swarm.owner = 3;
        c.swarm.tif = engine::TimeInForce::Ioc;
        c.swarm.placement = engine::Placement::SameHost;
        c.swarm.limit_total = 9000;
        c.swarm.leg_count = 2;
        c.swarm.legs[0] = engine::SwarmLeg{1, 4};
        c.swarm.legs[1] = engine::SwarmLeg{2, 8};
      }
      c.seq = i;
      c.time_ns = 1'700'000'000'000'000'000 + static_cast<std::int64_t>(i) * 1'000'000;
      batch.commands.push_back(c);
      if (batch.commands.size() == 100) {
        JournalBatch* b = &batch;
        ASSERT_EQ(w.write_batches(&b, 1), 0);
      }
    }
  }
  swarmex::common::TempDir dir_;
  std::unique_ptr<JournalFiles> files_;
};

TEST_F(JournalToolTest, VerifyDumpStatsOnAHealthyJournal) {
  ToolRun v = run("journal verify " + dir_.str());
  EXPECT_EQ(v.status, 0) << v.out;
  EXPECT_NE(v.out.find("ok: 1000 records"), std::string::npos) << v.out;
  ToolRun d = run("journal dump " + dir_.str());
  EXPECT_EQ(d.status, 0);
  EXPECT_EQ(count_lines(d.out), 1000u);
  EXPECT_EQ(d.out.rfind("seq=1 ", 0), 0u) << d.out.substr(0, 200);
  EXPECT_NE(d.out.find("seq=50 time_ns=1700000000050000000 swarm_order id=1000050 owner=3 ioc "
                       "same-host limit_total=9000 legs=1:4,2:8"),
            std::string::npos);
  ToolRun j = run("journal dump --json " + dir_.str());
  EXPECT_EQ(j.status, 0);
  const auto records = json_lines(j.out);
  ASSERT_EQ(records.size(), 1000u);
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].at("seq"), i + 1);
    EXPECT_TRUE(records[i].at("command").is_string()) << records[i];
  }
  const auto& swarm = records[49];
  EXPECT_EQ(swarm.at("time_ns"), 1'700'000'000'050'000'000);
  EXPECT_EQ(swarm.at("command"), "swarm_order");
  EXPECT_EQ(swarm.at("order_id"), 1'000'050);
  EXPECT_EQ(swarm.at("owner"), 3);
  EXPECT_EQ(swarm.at("tif"), "ioc");
  EXPECT_EQ(swarm.at("placement"), "same-host");
  EXPECT_EQ(swarm.at("limit_total"), 9000);
  EXPECT_EQ(swarm.at("legs"), nlohmann::json::parse(R"([{"instrument":1,"qty":4},
                                                         {"instrument":2,"qty":8}])"));
  ToolRun s = run("journal stats " + dir_.str());
  EXPECT_EQ(s.status, 0);
  EXPECT_NE(s.out.find("records   1000"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("seq       1..1000"), std::string::npos) << s.out;
  EXPECT_NE(s.out.find("time span 0.999 s"), std::string::npos) << s.out;
  ToolRun sj = run("journal stats --json " + dir_.str());
  EXPECT_EQ(sj.status, 0);
  const auto stats = nlohmann::json::parse(sj.out);
  EXPECT_EQ(stats.at("ok"), true);
  EXPECT_EQ(stats.at("records"), 1000);
  EXPECT_EQ(stats.at("first_seq"), 1);
  EXPECT_EQ(stats.at("last_seq"), 1000);
  EXPECT_DOUBLE_EQ(stats.at("span_s").get<double>(), 0.999);
  EXPECT_GT(stats.at("segments").get<int>(), 2);
}

TEST_F(JournalToolTest, VerifyNamesFileAndOffsetOfDamage) {
  const auto names = files_->list(kSegmentPrefix);
  ASSERT_GT(names.size(), 2u);
  {  // torn tail: half a record at the end of the newest segment
    std::ofstream out(files_->path(names.back()), std::ios::binary | std::ios::app);
    out.write("\x40\x00\x00\x00garbage", 11);
  }
  ToolRun torn = run("journal verify " + dir_.str());
  EXPECT_EQ(torn.status, 2) << torn.out;
  EXPECT_NE(torn.out.find(names.back()), std::string::npos) << torn.out;
  std::vector<std::uint8_t> bytes;
  files_->read(names[0], &bytes);
  bytes[kSegmentHeaderBytes + 50] ^= 0x10;
  ASSERT_EQ(files_->write_atomic(names[0], bytes), 0);
  ToolRun bad = run("journal verify " + dir_.str());
  EXPECT_EQ(bad.status, 1) << bad.out;
  EXPECT_NE(bad.out.find(names[0] + " at offset"), std::string::npos) << bad.out;
  ToolRun bad_json = run("journal verify --json " + dir_.str());
  EXPECT_EQ(bad_json.status, 1) << bad_json.out;
  const auto verdict = nlohmann::json::parse(bad_json.out);
  EXPECT_EQ(verdict.at("ok"), false);
  EXPECT_NE(verdict.at("error").get<std::string>().find(names[0] + " at offset"), std::string::npos)
      << bad_json.out;
  ToolRun missing = run("journal verify /nonexistent/dir");
  EXPECT_NE(missing.status, 0);
}

}  // namespace
}  // namespace swarmex::journal
