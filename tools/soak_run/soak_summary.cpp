#include "soak_summary.hpp"

#include <fmt/format.h>

#include "swarmex/common/json_text.hpp"

namespace swarmex::soak {
namespace {

using common::Json;
using common::json_decimal;

double mib(std::int64_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

std::string elapsed(double t_s) {
  const auto t = static_cast<long>(t_s + 0.5);
  return fmt::format("{:3}:{:02}", t / 60, t % 60);
}

std::string us_or_dash(const std::optional<double>& v) {
  return v ? fmt::format("{:.0f} us", *v) : std::string("-");
}

Json optional_json(const std::optional<double>& v, int digits) {
  return v ? Json(json_decimal(*v, digits)) : Json(nullptr);
}

}  // namespace

Summary summarize(const std::vector<Sample>& samples) {
  Summary s;
  if (samples.size() < 2) {
    s.warmup = "no interval ran";
    return s;
  }
  // samples[1] ends the first interval: with more after it, that interval is the warm-up.
  s.baseline = samples.size() >= 3 ? 1 : 0;
  s.warmup = s.baseline == 1 ? fmt::format("first interval ({:.0f} s) excluded", samples[1].t_s)
                             : std::string("none excluded (one interval only)");
  const Sample& base = samples[s.baseline];
  const Sample& last = samples.back();
  s.rss_growth_kib = last.rss_kib - base.rss_kib;
  s.rss_growth_pct = base.rss_kib > 0 ? 100.0 * static_cast<double>(s.rss_growth_kib) /
                                            static_cast<double>(base.rss_kib)
                                      : 0.0;
  s.orders_after_warmup = last.orders - base.orders;
  if (s.orders_after_warmup > 0)
    s.rss_kib_per_million_orders =
        static_cast<double>(s.rss_growth_kib) * 1e6 / static_cast<double>(s.orders_after_warmup);
  s.fd_drift = last.fds - base.fds;
  s.thread_drift = last.threads - base.threads;
  // The first interval measured after the warm-up against the last: two different intervals.
  const Sample& first = samples[s.baseline + 1];
  if (samples.size() >= s.baseline + 3 && first.p999_us && last.p999_us && *first.p999_us > 0)
    s.p999_drift_pct = 100.0 * (*last.p999_us / *first.p999_us - 1.0);
  return s;
}

std::string format_sample(const Sample& s) {
  std::string line = fmt::format(
      "soak [{}] rss {:.1f} MiB  fds {}  threads {}  journal {:.1f} MiB  orders {}", elapsed(s.t_s),
      static_cast<double>(s.rss_kib) / 1024.0, s.fds, s.threads, mib(s.journal_bytes), s.orders);
  if (s.interval_s <= 0) return line + "  (before the load)";
  line += fmt::format("  ({:.0f} requests/s)  order->ack p50 {}  p99 {}  p99.9 {}", s.achieved_rate,
                      us_or_dash(s.p50_us), us_or_dash(s.p99_us), us_or_dash(s.p999_us));
  if (s.unanswered > 0 || s.errors > 0)
    line += fmt::format("  unanswered {}  errors {}", s.unanswered, s.errors);
  return line;
}

std::string format_sample_json(const Sample& s) {
  const Json j{{"type", "sample"},
               {"t_s", json_decimal(s.t_s, 1)},
               {"rss_kib", s.rss_kib},
               {"fds", s.fds},
               {"threads", s.threads},
               {"journal_bytes", s.journal_bytes},
               {"orders", s.orders},
               {"requests", s.requests},
               {"interval_s", json_decimal(s.interval_s, 1)},
               {"interval_orders", s.interval_orders},
               {"achieved_rate", json_decimal(s.achieved_rate, 0)},
               {"ack_p50_us", optional_json(s.p50_us, 1)},
               {"ack_p99_us", optional_json(s.p99_us, 1)},
               {"ack_p999_us", optional_json(s.p999_us, 1)},
               {"unanswered", s.unanswered},
               {"errors", s.errors}};
  return common::json_text(j);
}

std::string format_summary(const Summary& s, const std::vector<Sample>& samples, const Restart& r) {
  const Sample& last = samples.back();
  std::string out = fmt::format("soak summary: {} orders, {} requests in {:.0f} s; warm-up: {}\n",
                                last.orders, last.requests, last.t_s, s.warmup);
  out += fmt::format("  rss        {:+.1f} MiB ({:+.2f}%) after warm-up", s.rss_growth_kib / 1024.0,
                     s.rss_growth_pct);
  out += s.rss_kib_per_million_orders ? fmt::format(", {:+.1f} MiB per million orders\n",
                                                    *s.rss_kib_per_million_orders / 1024.0)
                                      : std::string("\n");
  out += fmt::format("  fds        {:+} (threads {:+})\n", s.fd_drift, s.thread_drift);
  out += s.p999_drift_pct ? fmt::format(
                                "  p99.9      {:+.1f}% (last interval against the first "
                                "after warm-up)\n",
                                *s.p999_drift_pct)
                          : std::string("  p99.9      - (needs two intervals after warm-up)\n");
  out += fmt::format("  stop       {:.2f} s after SIGTERM ({})\n", r.stop_s,
                     r.clean_stop ? "clean exit" : "NOT clean: killed or failed");
  out += r.restarted ? fmt::format(
                           "  restart    {:.2f} s to the first logon on a journal of {:.1f} "
                           "MiB\n",
                           r.restart_s, mib(r.journal_bytes))
                     : std::string("  restart    FAILED: no logon accepted\n");
  return out;
}

std::string format_summary_json(const Summary& s, const std::vector<Sample>& samples,
                                const Restart& r) {
  const Sample& last = samples.back();
  const Json j{{"type", "summary"},
               {"duration_s", json_decimal(last.t_s, 1)},
               {"orders", last.orders},
               {"requests", last.requests},
               {"warmup", s.warmup},
               {"orders_after_warmup", s.orders_after_warmup},
               {"rss_growth_kib", s.rss_growth_kib},
               {"rss_growth_pct", json_decimal(s.rss_growth_pct, 3)},
               {"rss_kib_per_million_orders", optional_json(s.rss_kib_per_million_orders, 1)},
               {"fd_drift", s.fd_drift},
               {"thread_drift", s.thread_drift},
               {"p999_drift_pct", optional_json(s.p999_drift_pct, 1)},
               {"stop_s", json_decimal(r.stop_s, 3)},
               {"clean_stop", r.clean_stop},
               {"restart_s", r.restarted ? Json(json_decimal(r.restart_s, 3)) : Json(nullptr)},
               {"restart_journal_bytes", r.journal_bytes}};
  return common::json_text(j);
}

}  // namespace swarmex::soak
