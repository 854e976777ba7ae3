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

TEST(LoadgenReportTest, MedianOfOddAndEvenCountsAndNone) {
  EXPECT_DOUBLE_EQ(median({}), 0.0);
  EXPECT_DOUBLE_EQ(median({3.0}), 3.0);
  EXPECT_DOUBLE_EQ(median({5.0, 1.0, 3.0}), 3.0);        // unsorted input
  EXPECT_DOUBLE_EQ(median({4.0, 1.0, 2.0, 10.0}), 3.0);  // mean of the middle two
}

TEST(LoadgenReportTest, SegmentRatiosAreTheMedianOfPerPairRatiosNotOfPooledFigures) {
  // Three pairs: p50 ratios 2, 1, 4 (median 2); p99 ratios 0.5, 3, 1 (median 1). Pooling the
  // figures instead would give other numbers (sum of gateway p50 / sum of echo p50 = 70/30).
  const std::vector<SegmentPair> pairs{
      {.gateway_p50_ns = 20, .gateway_p99_ns = 50, .echo_p50_ns = 10, .echo_p99_ns = 100},
      {.gateway_p50_ns = 10, .gateway_p99_ns = 300, .echo_p50_ns = 10, .echo_p99_ns = 100},
      {.gateway_p50_ns = 40, .gateway_p99_ns = 80, .echo_p50_ns = 10, .echo_p99_ns = 80},
      // An empty echo segment: left out, not a ratio of infinity or 0.
      {.gateway_p50_ns = 40, .gateway_p99_ns = 80, .echo_p50_ns = 0, .echo_p99_ns = 0},
  };
  const SegmentRatios q = segment_ratios(pairs);
  EXPECT_EQ(q.pairs, 3u);
  EXPECT_DOUBLE_EQ(q.median_p50, 2.0);
  EXPECT_DOUBLE_EQ(q.median_p99, 1.0);
  EXPECT_DOUBLE_EQ(q.min_p50, 1.0);
  EXPECT_DOUBLE_EQ(q.max_p50, 4.0);
  EXPECT_DOUBLE_EQ(q.min_p99, 0.5);
  EXPECT_DOUBLE_EQ(q.max_p99, 3.0);
  EXPECT_EQ(segment_ratios({}).pairs, 0u);
  EXPECT_DOUBLE_EQ(segment_ratios({}).median_p50, 0.0);
}

TEST(LoadgenReportTest, InterleavedRunReportsMedianRatiosBesidePooled) {
  Options o;
  RunResult r = sample_run();
  r.echo.emplace();
  r.echo->ack.record(10'000);
  r.segment_ms = 500;
  r.segments = {{.gateway_p50_ns = 30'000,
                 .gateway_p99_ns = 60'000,
                 .echo_p50_ns = 10'000,
                 .echo_p99_ns = 20'000}};
  const auto j = nlohmann::json::parse(format_summary_json(o, r));
  EXPECT_EQ(j.at("echo_segment_ms"), 500);
  EXPECT_EQ(j.at("segments"), 1);
  EXPECT_DOUBLE_EQ(j.at("median_ratio_p50").get<double>(), 3.0);
  EXPECT_DOUBLE_EQ(j.at("median_ratio_p99").get<double>(), 3.0);
  EXPECT_EQ(j.at("segment_ratio_p50_range").size(), 2u);
  EXPECT_TRUE(j.at("ratio_p50").is_number()) << "the pooled ratio stays";
  const std::string text = format_summary(o, r);
  EXPECT_NE(text.find("median p50 3.00x"), std::string::npos) << text;
  // Sequential: no per-segment keys.
  r.segment_ms = 0;
  r.segments.clear();
  const auto seq = nlohmann::json::parse(format_summary_json(o, r));
  EXPECT_EQ(seq.at("echo_segment_ms"), 0);
  EXPECT_FALSE(seq.contains("median_ratio_p50"));
}

}  // namespace
}  // namespace swarmex::loadgen
