// What a soak run measured: one sample of swarmexd per interval (memory, descriptors, threads,
// journal on disk, orders so far, that interval's order -> ack percentiles), and the drift from
// the end of the warm-up to the end of the run. Text and JSON lines.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace swarmex::soak {

struct Sample {
  double t_s = 0;  // since the start of the load
  std::int64_t rss_kib = 0;
  int fds = 0;
  int threads = 0;
  std::int64_t journal_bytes = 0;
  std::uint64_t orders = 0;    // NewOrders sent so far, all intervals
  std::uint64_t requests = 0;  // NewOrders and cancels so far
  // This interval (all absent in the sample taken before the load).
  std::uint64_t interval_orders = 0;
  double interval_s = 0;
  double achieved_rate = 0;  // requests per second
  std::optional<double> p50_us;
  std::optional<double> p99_us;
  std::optional<double> p999_us;
  std::uint64_t unanswered = 0;
  std::uint64_t errors = 0;
};

struct Restart {
  double stop_s = 0;        // SIGTERM until swarmexd exited
  bool clean_stop = false;  // exited by itself with status 0 (not killed)
  double restart_s = 0;     // started again on the same journal until a logon was accepted
  bool restarted = false;   // a logon was accepted in time
  std::int64_t journal_bytes = 0;
};

struct Summary {
  std::string warmup;        // what was left out, in words
  std::size_t baseline = 0;  // index of the sample the drift is measured from
  std::int64_t rss_growth_kib = 0;
  double rss_growth_pct = 0;
  std::optional<double> rss_kib_per_million_orders;  // absent without orders after warm-up
  int fd_drift = 0;
  int thread_drift = 0;
  // Last interval against the first after warm-up; absent with fewer than two after it.
  std::optional<double> p999_drift_pct;
  std::uint64_t orders_after_warmup = 0;
};

// `samples[0]` is taken before the load, then one per interval. The first interval is the
// warm-up (left out) when there are at least two; otherwise the drift runs from the idle sample.
Summary summarize(const std::vector<Sample>& samples);

std::string format_sample(const Sample& s);
std::string format_sample_json(const Sample& s);
std::string format_summary(const Summary& s, const std::vector<Sample>& samples, const Restart& r);
std::string format_summary_json(const Summary& s, const std::vector<Sample>& samples,
                                const Restart& r);

}  // namespace swarmex::soak
