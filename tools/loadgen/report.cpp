#include "report.hpp"

#include <fmt/format.h>

#include "swarmex/engine/types.hpp"

namespace swarmex::loadgen {
namespace {

double us(std::int64_t ns) {
  return static_cast<double>(ns) / 1000.0;
}

std::string latency_row(std::string_view name, const common::LatencyHistogram& h) {
  if (h.count() == 0) return fmt::format("  {:<22} {:>9}\n", name, 0);
  return fmt::format("  {:<22} {:>9} {:>9.1f} {:>9.1f} {:>9.1f} {:>9.1f} {:>9.1f}\n", name,
                     h.count(), us(h.percentile(50)), us(h.percentile(99)), us(h.percentile(99.9)),
                     us(h.max()), h.mean() / 1000.0);
}

std::string latency_json(const common::LatencyHistogram& h) {
  return fmt::format(R"({{"count":{},"p50_us":{:.1f},"p99_us":{:.1f},"p999_us":{:.1f},)"
                     R"("max_us":{:.1f},"mean_us":{:.1f}}})",
                     h.count(), us(h.percentile(50)), us(h.percentile(99)), us(h.percentile(99.9)),
                     us(h.max()), h.mean() / 1000.0);
}

std::string rejects(const Stats& s, bool json) {
  std::string out;
  for (std::size_t i = 0; i < s.reject_reasons.size(); ++i) {
    if (s.reject_reasons[i] == 0) continue;
    const auto name = engine::to_string(static_cast<engine::RejectReason>(i));
    if (json)
      out += fmt::format(R"({}"{}":{})", out.empty() ? "" : ",", name, s.reject_reasons[i]);
    else
      out += fmt::format(" {}={}", name, s.reject_reasons[i]);
  }
  return out;
}

std::string json_string(std::string_view text) {
  std::string s = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') s += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) s += c;
  }
  return s + "\"";
}

double ratio(std::int64_t a, std::int64_t b) {
  return b > 0 ? static_cast<double>(a) / static_cast<double>(b) : 0.0;
}

std::string mode(const Options& o) {
  return o.pipelined ? fmt::format("pipelined, window {} per session", o.window)
                     : fmt::format("open loop, {:.0f} requests/s offered", o.rate);
}

}  // namespace

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
                   g.rejected ? rejects(g, false).substr(1) + ")" : "", g.unanswered,
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
    if (e.errors > 0) s += fmt::format("  echo errors {} (first: {})\n", e.errors, e.first_error);
  }
  return s;
}

std::string format_summary_json(const Options& o, const RunResult& r) {
  const Stats& g = r.gateway;
  const double secs = r.measured_s > 0 ? r.measured_s : 1;
  std::string s = fmt::format(
      R"({{"sessions":{},"hosts":{},"instrument":{},"pipelined":{},"window":{},)"
      R"("offered_rate":{:.0f},"duration_s":{:.3f},"warmup_s":{:.3f},)"
      R"("mix":{{"passive":{:.3f},"crossing":{:.3f},"ioc":{:.3f},"cancel":{:.3f}}},)"
      R"("orders":{},"cancels":{},"achieved_rate":{:.1f},"accepted":{},"rejected":{},)"
      R"("reject_reasons":{{{}}},"unanswered":{},"fills":{},"cancelled_requested":{},)"
      R"("cancel_rejected":{},"cancelled_other":{},"host_asks":{},"errors":{},)"
      R"("first_error":{},"ack":{},"to_engine":{},"from_engine":{},"fill":{},"cancel":{},)"
      R"("send_lag":{})",
      r.sessions, r.hosts, o.instrument, o.pipelined, o.window, o.pipelined ? 0.0 : o.rate,
      o.duration_s, o.warmup_s, o.mix.passive, o.mix.crossing, o.mix.ioc, o.mix.cancel, g.orders,
      g.cancels, static_cast<double>(g.orders + g.cancels) / secs, g.accepted, g.rejected,
      rejects(g, true), g.unanswered, g.fills, g.cancelled_requested, g.cancel_rejected,
      g.cancelled_other, g.host_asks, g.errors, json_string(g.first_error), latency_json(g.ack),
      latency_json(g.to_engine), latency_json(g.from_engine), latency_json(g.fill),
      latency_json(g.cancel), latency_json(g.send_lag));
  if (r.echo) {
    const Stats& e = *r.echo;
    s += fmt::format(R"(,"echo":{},"echo_send_lag":{},"ratio_p50":{:.2f},"ratio_p99":{:.2f})",
                     latency_json(e.ack), latency_json(e.send_lag),
                     ratio(g.ack.percentile(50), e.ack.percentile(50)),
                     ratio(g.ack.percentile(99), e.ack.percentile(99)));
  }
  return s + "}";
}

}  // namespace swarmex::loadgen
