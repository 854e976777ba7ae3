#include "report.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "swarmex/common/json_text.hpp"
#include "swarmex/engine/types.hpp"

namespace swarmex::loadgen {
namespace {

using common::Json;
using common::json_decimal;

double us(std::int64_t ns) {
  return static_cast<double>(ns) / 1000.0;
}

std::string latency_row(std::string_view name, const common::LatencyHistogram& h) {
  if (h.count() == 0) return fmt::format("  {:<22} {:>9}\n", name, 0);
  return fmt::format("  {:<22} {:>9} {:>9.1f} {:>9.1f} {:>9.1f} {:>9.1f} {:>9.1f}\n", name,
                     h.count(), us(h.percentile(50)), us(h.percentile(99)), us(h.percentile(99.9)),
                     us(h.max()), h.mean() / 1000.0);
}

// Latencies in microseconds to 0.1 us, as the text table shows them.
Json latency_json(const common::LatencyHistogram& h) {
  return {{"count", h.count()},
          {"p50_us", json_decimal(us(h.percentile(50)), 1)},
          {"p99_us", json_decimal(us(h.percentile(99)), 1)},
          {"p999_us", json_decimal(us(h.percentile(99.9)), 1)},
          {"max_us", json_decimal(us(h.max()), 1)},
          {"mean_us", json_decimal(h.mean() / 1000.0, 1)}};
}

// The reasons that occurred, by engine name: " name=count" each.
std::string rejects(const Stats& s) {
  std::string out;
  for (std::size_t i = 0; i < s.reject_reasons.size(); ++i)
    if (s.reject_reasons[i] != 0)
      out += fmt::format(" {}={}", engine::to_string(static_cast<engine::RejectReason>(i)),
                         s.reject_reasons[i]);
  return out;
}

Json rejects_json(const Stats& s) {
  Json j = Json::object();
  for (std::size_t i = 0; i < s.reject_reasons.size(); ++i)
    if (s.reject_reasons[i] != 0)
      j[std::string(engine::to_string(static_cast<engine::RejectReason>(i)))] = s.reject_reasons[i];
  return j;
}

double ratio(std::int64_t a, std::int64_t b) {
  return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
}

std::string mode(const Options& o) {
  return o.pipelined ? fmt::format("pipelined, window {} per session", o.window)
                     : fmt::format("open loop, {:.0f} requests/s offered", o.rate);
}

std::string segment_line(const RunResult& r) {
  const SegmentRatios q = segment_ratios(r.segments);
  return fmt::format(
      "  gateway/echo per segment ({} pairs of {:.0f} ms, interleaved): median p50 {:.2f}x "
      "({:.2f}-{:.2f})  p99 {:.2f}x ({:.2f}-{:.2f})\n",
      q.pairs, r.segment_ms, q.median_p50, q.min_p50, q.max_p50, q.median_p99, q.min_p99,
      q.max_p99);
}

}  // namespace

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

SegmentRatios segment_ratios(const std::vector<SegmentPair>& pairs) {
  std::vector<double> p50;
  std::vector<double> p99;
  for (const SegmentPair& s : pairs) {
    if (s.gateway_p50_ns <= 0 || s.gateway_p99_ns <= 0 || s.echo_p50_ns <= 0 || s.echo_p99_ns <= 0)
      continue;
    p50.push_back(ratio(s.gateway_p50_ns, s.echo_p50_ns));
    p99.push_back(ratio(s.gateway_p99_ns, s.echo_p99_ns));
  }
  SegmentRatios q;
  q.pairs = p50.size();
  if (q.pairs == 0) return q;
  q.median_p50 = median(p50);
  q.median_p99 = median(p99);
  const auto [lo50, hi50] = std::minmax_element(p50.begin(), p50.end());
  const auto [lo99, hi99] = std::minmax_element(p99.begin(), p99.end());
  q.min_p50 = *lo50;
  q.max_p50 = *hi50;
  q.min_p99 = *lo99;
  q.max_p99 = *hi99;
  return q;
}

std::string format_summary(const Options& o, const RunResult& r) {
  const Stats& g = r.gateway;
  const double secs = r.measured_s > 0 ? r.measured_s : 1;
  std::string s = fmt::format(
      "swarmex-loadgen: {} sessions, {} liquidity host(s), instrument {}, {}, {:.1f} s "
      "measured after {:.1f} s warm-up\n",
      r.sessions, r.hosts, o.instrument, mode(o), o.duration_s, o.warmup_s);
  s += fmt::format("  mix: passive {:.2f}  crossing {:.2f}  ioc {:.2f}  cancel {:.2f}\n",
                   o.mix.passive, o.mix.crossing, o.mix.ioc, o.mix.cancel);
  s += fmt::format("  sent      {} orders + {} cancels = {:.0f} requests/s achieved\n", g.orders,
                   g.cancels, static_cast<double>(g.orders + g.cancels) / secs);
  s += fmt::format("  answered  {} accepted, {} rejected{}{}, {} unanswered ({:.0f} orders/s)\n",
                   g.accepted, g.rejected, g.rejected ? " (" : "",
                   g.rejected ? rejects(g).substr(1) + ")" : "", g.unanswered,
                   static_cast<double>(g.accepted + g.rejected) / secs);
  s += fmt::format(
      "  outcomes  {} fills, {} cancelled on request ({} cancel rejects), "
      "{} other cancels; hosts posted {} asks\n",
      g.fills, g.cancelled_requested, g.cancel_rejected, g.cancelled_other, g.host_asks);
  if (g.errors > 0) s += fmt::format("  errors    {} (first: {})\n", g.errors, g.first_error);
  s += fmt::format("  {:<22} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "latency (us)", "count", "p50",
                   "p99", "p99.9", "max", "mean");
  s += latency_row("order -> ack", g.ack);
  s += latency_row("  order -> sequenced", g.to_engine);
  s += latency_row("  sequenced -> ack", g.from_engine);
  s += latency_row("order -> fill", g.fill);
  s += latency_row("cancel -> cancelled", g.cancel);
  s += latency_row("send lag (generator)", g.send_lag);
  if (r.echo) {
    const Stats& e = *r.echo;
    s += latency_row("echo round trip", e.ack);
    s += latency_row("echo send lag", e.send_lag);
    s += fmt::format(
        "  gateway/echo: p50 {:.1f}x  p99 {:.1f}x  (order frame {:.0f} bytes, echo "
        "frame {:.0f} bytes)\n",
        ratio(g.ack.percentile(50), e.ack.percentile(50)),
        ratio(g.ack.percentile(99), e.ack.percentile(99)),
        g.orders ? static_cast<double>(g.order_frame_bytes) / g.orders : 0.0,
        e.orders ? static_cast<double>(e.order_frame_bytes) / e.orders : 0.0);
    if (r.segment_ms > 0) s += segment_line(r);
    if (e.errors > 0) s += fmt::format("  echo errors {} (first: {})\n", e.errors, e.first_error);
  }
  return s;
}

std::string format_summary_json(const Options& o, const RunResult& r) {
  const Stats& g = r.gateway;
  const double secs = r.measured_s > 0 ? r.measured_s : 1;
  Json j{{"sessions", r.sessions},
         {"hosts", r.hosts},
         {"instrument", o.instrument},
         {"pipelined", o.pipelined},
         {"window", o.window},
         {"offered_rate", json_decimal(o.pipelined ? 0.0 : o.rate, 0)},
         {"duration_s", json_decimal(o.duration_s, 3)},
         {"warmup_s", json_decimal(o.warmup_s, 3)},
         {"mix",
          {{"passive", json_decimal(o.mix.passive, 3)},
           {"crossing", json_decimal(o.mix.crossing, 3)},
           {"ioc", json_decimal(o.mix.ioc, 3)},
           {"cancel", json_decimal(o.mix.cancel, 3)}}},
         {"orders", g.orders},
         {"cancels", g.cancels},
         {"achieved_rate", json_decimal(static_cast<double>(g.orders + g.cancels) / secs, 1)},
         {"accepted", g.accepted},
         {"rejected", g.rejected},
         {"reject_reasons", rejects_json(g)},
         {"unanswered", g.unanswered},
         {"fills", g.fills},
         {"cancelled_requested", g.cancelled_requested},
         {"cancel_rejected", g.cancel_rejected},
         {"cancelled_other", g.cancelled_other},
         {"host_asks", g.host_asks},
         {"errors", g.errors},
         {"first_error", g.first_error},
         {"ack", latency_json(g.ack)},
         {"to_engine", latency_json(g.to_engine)},
         {"from_engine", latency_json(g.from_engine)},
         {"fill", latency_json(g.fill)},
         {"cancel", latency_json(g.cancel)},
         {"send_lag", latency_json(g.send_lag)}};
  if (r.echo) {
    const Stats& e = *r.echo;
    j["echo"] = latency_json(e.ack);
    j["echo_send_lag"] = latency_json(e.send_lag);
    j["ratio_p50"] = json_decimal(ratio(g.ack.percentile(50), e.ack.percentile(50)), 2);
    j["ratio_p99"] = json_decimal(ratio(g.ack.percentile(99), e.ack.percentile(99)), 2);
    j["echo_segment_ms"] = json_decimal(r.segment_ms, 0);  // 0: the echo ran after the gateway
    if (r.segment_ms > 0) {
      const SegmentRatios q = segment_ratios(r.segments);
      j["segments"] = q.pairs;
      j["median_ratio_p50"] = json_decimal(q.median_p50, 2);
      j["median_ratio_p99"] = json_decimal(q.median_p99, 2);
      j["segment_ratio_p50_range"] =
          Json::array({json_decimal(q.min_p50, 2), json_decimal(q.max_p50, 2)});
      j["segment_ratio_p99_range"] =
          Json::array({json_decimal(q.min_p99, 2), json_decimal(q.max_p99, 2)});
    }
  }
  return common::json_text(j);
}

}  // namespace swarmex::loadgen
