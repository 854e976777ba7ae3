// swarmexd's and swarmex-hostctl's Prometheus metrics, end to end: the real processes with
// metrics_listen set, trades and a deliberately bad order over the wire, then /metrics read over
// HTTP: the counters moved by exactly what happened, promtool accepts both expositions, and a
// real Prometheus scraping swarmexd answers an order→ack p99.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

#include "child_process.hpp"
#include "metrics_scrape.hpp"

namespace swarmex::e2e {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMetricsMarker = "metrics on http://127.0.0.1:";

class MetricsE2eTest : public E2eTest {
 protected:
  void SetUp() override { start_server("metrics_listen = \"127.0.0.1:0\""); }
  void TearDown() override {
    if (hostctl_) hostctl_->stop();
    if (prometheus_) prometheus_->stop();
    if (HasFailure()) {
      if (hostctl_) std::printf("--- hostctl output ---\n%s\n", hostctl_->output().c_str());
      if (prometheus_)
        std::printf("--- prometheus output ---\n%s\n", prometheus_->output().c_str());
    }
    E2eTest::TearDown();
  }
  int metrics_port() { return port_after(server_->output(), kMetricsMarker); }
  std::string scrape() { return http_get(metrics_port(), "/metrics"); }

  // host-a1 asks 10 at 1000 on instrument 1; tenant-a buys 4 and then 3 of it (IOC).
  void trade(Conn& host, Conn& tenant) {
    host.order(1, 1, wire::Side::Sell, 1000, 10);
    ASSERT_EQ(host.report()->kind, wire::ExecKind::Accepted);
    for (const std::int64_t qty : {4, 3}) {
      tenant.order(next_id_++, 1, wire::Side::Buy, 1000, qty, wire::TimeInForce::Ioc);
      ASSERT_EQ(tenant.report()->kind, wire::ExecKind::Accepted);
      ASSERT_EQ(tenant.report()->kind, wire::ExecKind::Filled);
    }
  }
  template <typename F>
  static bool eventually(F&& ok, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (ok()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return ok();
  }

  std::unique_ptr<tools::ChildProcess> hostctl_;
  std::unique_ptr<tools::ChildProcess> prometheus_;
  std::uint64_t next_id_ = 100;
};

TEST_F(MetricsE2eTest, CountersMoveByWhatWasTraded) {
  ASSERT_NE(metrics_port(), 0) << server_->output();
  auto host = this->host();
  auto t = tenant();
  trade(*host, *t);
  // An order off the tick reaches the engine and is refused there; a reused client order id is
  // refused by the gateway before it.
  t->order(next_id_, 1, wire::Side::Buy, 1050, 1);
  EXPECT_EQ(t->rejection(), RejectReason::PriceOffTick);
  t->order(next_id_ - 1, 1, wire::Side::Buy, 1000, 1);
  EXPECT_EQ(t->rejection(), RejectReason::DuplicateClientOrderId);

  const std::string m = scrape();
  ASSERT_FALSE(m.empty());
  const std::string pool = "{pool=\"pool-a\",resource=\"cpu\"}";
  EXPECT_EQ(sample(m, "swarmex_pool_traded_units_total" + pool), 7) << m;
  EXPECT_EQ(sample(m, "swarmex_pool_fills_total" + pool), 2);
  EXPECT_DOUBLE_EQ(sample(m, "swarmex_pool_last_price_per_unit_hour" + pool), 1000 / 1e6);
  EXPECT_EQ(sample(m, "swarmex_commands_total{kind=\"new_order\",outcome=\"accepted\"}"), 3);
  EXPECT_EQ(sample(m, "swarmex_commands_total{kind=\"new_order\",outcome=\"rejected\"}"), 1);
  EXPECT_EQ(sample(m, "swarmex_rejects_total{reason=\"price_off_tick\",stage=\"engine\"}"), 1);
  EXPECT_EQ(
      sample(m, "swarmex_rejects_total{reason=\"duplicate_client_order_id\",stage=\"gateway\"}"),
      1);
  // Every order the engine answered was timed, to its sequencing and to its ack.
  EXPECT_EQ(sample(m, "swarmex_order_ack_seconds_count"), 4);
  EXPECT_EQ(sample(m, "swarmex_order_to_sequenced_seconds_count"), 4);
  EXPECT_GT(sample(m, "swarmex_order_ack_seconds_sum"), 0);
  EXPECT_LT(sample(m, "swarmex_order_ack_seconds_sum"), 4 * 5.0);
  const double durable = sample(m, "swarmex_sequenced_to_durable_seconds_count{partition=\"0\"}") +
                         sample(m, "swarmex_sequenced_to_durable_seconds_count{partition=\"1\"}");
  EXPECT_GE(durable, 4);  // sync durability: every command was journaled
  EXPECT_GT(sample(m, "swarmex_journal_fdatasync_seconds_count{partition=\"0\"}") +
                sample(m, "swarmex_journal_fdatasync_seconds_count{partition=\"1\"}"),
            0);
  EXPECT_EQ(sample(m, "swarmex_sessions{role=\"tenant\"}"), 1);
  EXPECT_EQ(sample(m, "swarmex_sessions{role=\"host\"}"), 1);
  EXPECT_EQ(sample(m, "swarmex_queue_depth{index=\"0\",queue=\"events\"}"), 0);

  // host-a1 sold twice: fills 1 and 2 of its fill stream. It reports the first enforced.
  host->client().enactment_report(1, true, "", 1'500'000);
  EXPECT_TRUE(eventually(
      [&] { return sample(scrape(), "swarmex_host_enactments_total{host=\"host-a1\"}") == 1; }));
  std::string after = scrape();
  EXPECT_EQ(sample(after, "swarmex_host_fill_lag{host=\"host-a1\"}"), 1);
  EXPECT_EQ(sample(after, "swarmex_host_fill_to_enforced_seconds_count"), 1);
  EXPECT_DOUBLE_EQ(sample(after, "swarmex_host_fill_to_enforced_seconds_sum"), 0.0015);
  host->client().enactment_report(2, false, "cgroup write failed", 0);
  EXPECT_TRUE(eventually([&] {
    return sample(scrape(), "swarmex_host_enactment_failures_total{host=\"host-a1\"}") == 1;
  }));
  after = scrape();
  EXPECT_EQ(sample(after, "swarmex_host_fill_lag{host=\"host-a1\"}"), 0);
  EXPECT_EQ(sample(after, "swarmex_host_enactments_total{host=\"host-a1\"}"), 2);
}

TEST_F(MetricsE2eTest, PromtoolAcceptsSwarmexdsExposition) {
  if (!fs::exists(kPromtool)) GTEST_SKIP() << kPromtool << " is absent (Debian package prometheus)";
  auto host = this->host();
  auto t = tenant();
  trade(*host, *t);
  t->order(next_id_, 1, wire::Side::Buy, 1050, 1);
  EXPECT_EQ(t->rejection(), RejectReason::PriceOffTick);
  const std::string m = scrape();
  ASSERT_NE(m.find("swarmex_order_ack_seconds_bucket"), std::string::npos) << m;
  const CliRun check = promtool_check(m, dir_.path());
  EXPECT_EQ(check.exit_code, 0) << check.out << "\n" << m;
}

// swarmex-hostctl on a dry-run cgroup directory, selling 10 VRU of instrument 1 at 1000: a tenant
// buys 2, the controller enforces it, and both processes count the enactment.
TEST_F(MetricsE2eTest, HostctlCountsItsEnactmentsAndPromtoolAcceptsThem) {
  const fs::path cgroupfs = dir_.path() / "cgroupfs";
  fs::create_directories(cgroupfs);
  std::ofstream(cgroupfs / "cgroup.controllers") << "cpuset cpu io memory pids\n";
  std::ofstream(cgroupfs / "cgroup.subtree_control") << "\n";
  const std::string cfg = dir_.str() + "/host-a1.toml";
  std::ofstream(cfg) << "[exchange]\naddress = \"127.0.0.1:" << server_->port()
                     << "\"\nprincipal = \"host-a1\"\ntoken = \"host-a1-token\"\n"
                     << "reconnect_ms = 50\n\n[host]\npool = \"pool-a\"\nstate_dir = \""
                     << dir_.str() << "/hostctl-state\"\ncgroup_root = \"" << cgroupfs.string()
                     << "\"\ncgroup_driver = \"v2\"\nsubtree = \"swarmex\"\n"
                     << "telemetry_interval_ms = 0\nmetrics_listen = \"127.0.0.1:0\"\n\n"
                     << "[capacity]\nvrus = 10\nmem_shards = 16\n\n"
                     << "[[supply]]\ninstrument = 1\nresource = \"cpu\"\nreserve_price = 1000\n";
  hostctl_ = std::make_unique<tools::ChildProcess>(dir_.str() + "/hostctl.log");
  hostctl_->start({SWARMEX_HOSTCTL_BINARY, "--config", cfg});
  ASSERT_NE(hostctl_->wait_for("logged on", 0, 10000), std::string::npos) << hostctl_->output();
  const int port = port_after(hostctl_->output(), kMetricsMarker);
  ASSERT_NE(port, 0) << hostctl_->output();

  auto t = tenant();
  std::int64_t got = 0;
  for (int i = 0; i < 100 && got < 2; ++i) {  // the host's ask may still be on its way
    t->order(next_id_++, 1, wire::Side::Buy, 1000, 2 - got, wire::TimeInForce::Ioc);
    for (auto r = t->report(); r; r = t->report()) {
      if (r->kind == wire::ExecKind::Filled) got += r->last_qty;
      if (r->kind == wire::ExecKind::Rejected || r->kind == wire::ExecKind::Cancelled ||
          r->leaves_qty == 0)
        break;
    }
    if (got < 2) std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(got, 2);
  std::string m;
  EXPECT_TRUE(eventually([&] {
    m = http_get(port, "/metrics");
    return sample(m, "swarmex_hostctl_enactments_total") == 1;
  })) << m;
  EXPECT_EQ(sample(m, "swarmex_hostctl_fills_total"), 1);
  EXPECT_EQ(sample(m, "swarmex_hostctl_enactment_failures_total"), 0);
  EXPECT_EQ(sample(m, "swarmex_hostctl_fill_to_enforced_seconds_count"), 1);
  EXPECT_EQ(sample(m, "swarmex_hostctl_cgroup_batch_seconds_count"), 1);
  EXPECT_EQ(sample(m, "swarmex_hostctl_last_fill_seq"), 1);
  EXPECT_EQ(sample(m, "swarmex_hostctl_last_reported_fill_seq"), 1);
  // swarmexd heard the report: enforced, nothing left behind.
  EXPECT_TRUE(eventually(
      [&] { return sample(scrape(), "swarmex_host_enactments_total{host=\"host-a1\"}") == 1; }));
  EXPECT_EQ(sample(scrape(), "swarmex_host_fill_lag{host=\"host-a1\"}"), 0);
  if (!fs::exists(kPromtool)) GTEST_SKIP() << kPromtool << " is absent (Debian package prometheus)";
  const CliRun check = promtool_check(m, dir_.path());
  EXPECT_EQ(check.exit_code, 0) << check.out << "\n" << m;
}

// Percent-encodes a PromQL query for a URL.
std::string url_encode(const std::string& s) {
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

// A real Prometheus (its own port, storage and configuration in the test's directory) scrapes
// swarmexd every second while orders flow, and answers the order→ack p99 as operators query it.
TEST_F(MetricsE2eTest, PrometheusScrapesAndAnswersTheAckP99) {
  if (!fs::exists(kPrometheus)) GTEST_SKIP() << kPrometheus << " is absent (package prometheus)";
  const fs::path config = dir_.path() / "prometheus.yml";
  std::ofstream(config) << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                        << "scrape_configs:\n  - job_name: swarmexd\n    static_configs:\n"
                        << "      - targets: ['127.0.0.1:" << metrics_port() << "']\n";
  const int web = free_port();
  prometheus_ = std::make_unique<tools::ChildProcess>(dir_.str() + "/prometheus.log");
  prometheus_->start({kPrometheus, "--config.file=" + config.string(),
                      "--storage.tsdb.path=" + (dir_.path() / "tsdb").string(),
                      "--web.listen-address=127.0.0.1:" + std::to_string(web), "--log.level=warn"});
  auto host = this->host();
  auto t = tenant();
  host->order(1, 1, wire::Side::Sell, 1000, 1'000'000);
  ASSERT_EQ(host->report()->kind, wire::ExecKind::Accepted);
  const std::string query = url_encode(
      "histogram_quantile(0.99, sum(rate(swarmex_order_ack_seconds_bucket[30s])) by (le))");
  double p99 = std::nan("");
  std::string answer;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline && !(p99 > 0 && std::isfinite(p99))) {
    for (int i = 0; i < 20; ++i) {  // orders keep flowing between scrapes: the rate is not 0
      t->order(next_id_++, 1, wire::Side::Buy, 1000, 1, wire::TimeInForce::Ioc);
      ASSERT_TRUE(t->report());  // New
      ASSERT_TRUE(t->report());  // Filled
    }
    std::this_thread::sleep_for(250ms);
    answer = http_get(web, "/api/v1/query?query=" + query);
    if (answer.empty()) continue;  // Prometheus still starting
    try {  // {"status":"success","data":{"result":[{"value":[time, "0.000123"]}]}}
      const auto j = nlohmann::json::parse(answer);
      const auto& result = j.at("data").at("result");
      if (j.at("status") == "success" && !result.empty())
        p99 = std::stod(result.at(0).at("value").at(1).get<std::string>());
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what() << ": " << answer;
      break;
    }
  }
  EXPECT_TRUE(p99 > 0 && std::isfinite(p99)) << answer;
  EXPECT_LT(p99, 10.0) << answer;  // within the histogram's buckets: a measured latency
  prometheus_->stop();
  EXPECT_FALSE(prometheus_->running());
}

}  // namespace
}  // namespace swarmex::e2e
