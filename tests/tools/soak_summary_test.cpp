// The soak's arithmetic: which sample the drift starts from, RSS growth per million orders, the
// p99.9 drift, and /proc/PID/status parsing.
#include <gtest/gtest.h>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "proc_sample.hpp"
#include "soak_summary.hpp"

namespace swarmex::soak {
namespace {

Sample at(double t, std::int64_t rss, int fds, std::uint64_t orders, std::optional<double> p999) {
  Sample s;
  s.t_s = t;
  s.rss_kib = rss;
  s.fds = fds;
  s.threads = 5;
  s.orders = orders;
  s.requests = orders;
  s.interval_s = t > 0 ? 60 : 0;
  s.p999_us = p999;
  return s;
}

TEST(SoakSummaryTest, FirstIntervalIsTheWarmUpAndDriftRunsFromItsEnd) {
  // idle, end of warm-up, two measured intervals.
  const std::vector<Sample> samples{
      at(0, 10'000, 10, 0, std::nullopt), at(60, 100'000, 20, 1'000'000, 900.0),
      at(120, 101'000, 20, 3'000'000, 1000.0), at(180, 102'000, 21, 5'000'000, 1200.0)};
  const Summary s = summarize(samples);
  EXPECT_EQ(s.baseline, 1u);
  EXPECT_NE(s.warmup.find("first interval (60 s) excluded"), std::string::npos) << s.warmup;
  EXPECT_EQ(s.rss_growth_kib, 2'000);
  EXPECT_DOUBLE_EQ(s.rss_growth_pct, 2.0);
  EXPECT_EQ(s.orders_after_warmup, 4'000'000u);
  ASSERT_TRUE(s.rss_kib_per_million_orders);
  EXPECT_DOUBLE_EQ(*s.rss_kib_per_million_orders, 500.0);
  EXPECT_EQ(s.fd_drift, 1);
  EXPECT_EQ(s.thread_drift, 0);
  // Last interval against the first after the warm-up (1000), not the warm-up's own (900).
  ASSERT_TRUE(s.p999_drift_pct);
  EXPECT_NEAR(*s.p999_drift_pct, 20.0, 1e-9);
}

TEST(SoakSummaryTest, OneIntervalHasNoWarmUpToLeaveOut) {
  const std::vector<Sample> samples{at(0, 10'000, 10, 0, std::nullopt),
                                    at(60, 12'000, 10, 1'000'000, 800.0)};
  const Summary s = summarize(samples);
  EXPECT_EQ(s.baseline, 0u);
  EXPECT_NE(s.warmup.find("none excluded"), std::string::npos);
  EXPECT_EQ(s.rss_growth_kib, 2'000);
  // The interval measured is both the first and the last: no drift to speak of.
  EXPECT_FALSE(s.p999_drift_pct);
  // Warm-up and one interval after it: still only one interval to compare.
  const std::vector<Sample> two{samples[0], samples[1], at(120, 12'500, 10, 2'000'000, 900.0)};
  EXPECT_EQ(summarize(two).baseline, 1u);
  EXPECT_FALSE(summarize(two).p999_drift_pct);
}

TEST(SoakSummaryTest, JsonLinesCarryEveryFigure) {
  const std::vector<Sample> samples{at(0, 10'000, 10, 0, std::nullopt),
                                    at(60, 100'000, 20, 1'000'000, 900.0),
                                    at(120, 101'000, 20, 3'000'000, 1000.0)};
  const auto sample = nlohmann::json::parse(format_sample_json(samples[2]));
  for (const char* key : {"t_s", "rss_kib", "fds", "threads", "journal_bytes", "orders",
                          "ack_p50_us", "ack_p99_us", "ack_p999_us"})
    EXPECT_TRUE(sample.contains(key)) << key;
  EXPECT_EQ(sample.at("type"), "sample");
  EXPECT_TRUE(nlohmann::json::parse(format_sample_json(samples[0])).at("ack_p999_us").is_null());
  Restart r;
  r.stop_s = 0.25;
  r.clean_stop = true;
  r.restart_s = 1.5;
  r.restarted = true;
  const auto j = nlohmann::json::parse(format_summary_json(summarize(samples), samples, r));
  EXPECT_EQ(j.at("type"), "summary");
  EXPECT_DOUBLE_EQ(j.at("restart_s").get<double>(), 1.5);
  EXPECT_EQ(j.at("clean_stop"), true);
  EXPECT_EQ(j.at("fd_drift"), 0);
  r.restarted = false;
  EXPECT_TRUE(nlohmann::json::parse(format_summary_json(summarize(samples), samples, r))
                  .at("restart_s")
                  .is_null());
}

TEST(SoakSummaryTest, ParsesRssAndThreadsOutOfProcStatus) {
  const ProcStatus p = parse_status(
      "Name:\tswarmexd\nVmPeak:\t  900000 kB\nVmRSS:\t  123456 kB\nThreads:\t7\nVmSwap:\t0 kB\n");
  EXPECT_EQ(p.rss_kib, 123456);
  EXPECT_EQ(p.threads, 7);
  EXPECT_EQ(parse_status("Name:\tx\n").rss_kib, 0);
}

TEST(SoakSummaryTest, ReadsItsOwnProcess) {
  const ProcStatus p = read_proc(::getpid());
  EXPECT_GT(p.rss_kib, 0);
  EXPECT_GE(p.threads, 1);
  EXPECT_GE(p.fds, 3);  // stdin, stdout, stderr at least
  EXPECT_THROW((void)read_proc(0x7ffffff0), std::runtime_error);
}

}  // namespace
}  // namespace swarmex::soak
