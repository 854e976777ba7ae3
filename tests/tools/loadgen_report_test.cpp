// The load generator's JSON summary: every key a script reads is there with its type, and free
// text (the first error) survives the trip through JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "report.hpp"
#include "swarmex/engine/types.hpp"

namespace swarmex::loadgen {
namespace {

RunResult sample_run() {
  RunResult r;
  r.sessions = 3;
  r.hosts = 1;
  r.measured_s = 2;
  Stats& g = r.gateway;
  g.orders = 90;
  g.cancels = 10;
  g.accepted = 88;
  g.rejected = 2;
  g.reject_reasons[static_cast<std::size_t>(engine::RejectReason::PriceOffTick)] = 2;
  g.errors = 1;
  g.first_error = "gateway said \"slow_consumer\" at C:\\load\n";
  for (std::int64_t ns : {10'000, 20'000, 30'000})
    g.ack.record(ns);
  return r;
}

TEST(LoadgenReportTest, SummaryJsonHasEveryKeyAndEscapesTheFirstError) {
  Options o;
  o.mix = Mix::parse(o.mix_text);
  const std::string line = format_summary_json(o, sample_run());
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  const auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j.at("first_error"), "gateway said \"slow_consumer\" at C:\\load\n") << line;
  EXPECT_EQ(j.at("orders"), 90);
  EXPECT_EQ(j.at("sessions"), 3);
  EXPECT_EQ(j.at("pipelined"), false);
  EXPECT_DOUBLE_EQ(j.at("achieved_rate").get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(j.at("offered_rate").get<double>(), 10000.0);
  EXPECT_DOUBLE_EQ(j.at("mix").at("passive").get<double>(), 0.5);
  EXPECT_EQ(j.at("reject_reasons"), nlohmann::json({{"price_off_tick", 2}})) << line;
  const auto& ack = j.at("ack");
  EXPECT_EQ(ack.at("count"), 3);
  EXPECT_GT(ack.at("p50_us").get<double>(), 0);
  EXPECT_LE(ack.at("p50_us").get<double>(), ack.at("max_us").get<double>());
  for (const char* key : {"to_engine", "from_engine", "fill", "cancel", "send_lag"})
    EXPECT_EQ(j.at(key).at("count"), 0) << key;
  EXPECT_FALSE(j.contains("echo")) << "no echo baseline was run";
}

TEST(LoadgenReportTest, EchoBaselineAddsItsLatenciesAndRatios) {
  Options o;
  RunResult r = sample_run();
  r.echo.emplace();
  for (std::int64_t ns : {5'000, 10'000, 15'000})
    r.echo->ack.record(ns);
  const auto j = nlohmann::json::parse(format_summary_json(o, r));
  EXPECT_EQ(j.at("echo").at("count"), 3);
  EXPECT_EQ(j.at("echo_send_lag").at("count"), 0);
  EXPECT_GT(j.at("ratio_p50").get<double>(), 1.0);
  EXPECT_TRUE(j.at("ratio_p99").is_number());
}

}  // namespace
}  // namespace swarmex::loadgen
