#include "interleave.hpp"

#include <algorithm>
#include <cmath>

#include "runner.hpp"

namespace swarmex::loadgen {
namespace {

constexpr std::int64_t kSegmentStartNs = 1'000'000;  // from setting a segment up to its first send
constexpr std::int64_t kSegmentDrainNs = 1'000'000'000;  // wait this long at most for late answers

// One segment from now: measured from its start, or not at all (warm-up).
void plan_segment(Schedule& s, const Options& o, int sessions, std::int64_t length_ns,
                  bool measured) {
  s.start_ns = now_ns() + kSegmentStartNs;
  s.send_end_ns = s.start_ns + length_ns;
  s.measure_ns = measured ? s.start_ns : s.send_end_ns;
  s.drain_end_ns = s.send_end_ns + kSegmentDrainNs;
  s.rate = o.rate;
  s.sessions = sessions;
  s.pipelined = o.pipelined;
  s.window = o.window;
  s.spin_ns = static_cast<std::int64_t>(o.spin_us * 1000);
}

Stats run_segment(std::vector<Driver>& drivers, Schedule& schedule, const Options& o,
                  std::int64_t length_ns, bool measured) {
  plan_segment(schedule, o, o.sessions, length_ns, measured);
  for (Driver& d : drivers)
    d.restart_schedule();
  return run_phase(drivers, schedule, o.io_threads, true);
}

}  // namespace

void run_interleaved(std::vector<Driver>& gateway, Schedule& gateway_schedule,
                     std::vector<Driver>& echo, Schedule& echo_schedule, const Options& o,
                     RunResult& result) {
  const auto length_ns = static_cast<std::int64_t>(o.echo_segment_ms * 1e6);
  const auto warmup_pairs =
      static_cast<int>(std::ceil(o.warmup_s * 1000 / (2 * o.echo_segment_ms)));
  const int pairs =
      std::max(1, static_cast<int>(std::lround(o.duration_s * 1000 / o.echo_segment_ms)));
  result.echo.emplace();
  result.segment_ms = o.echo_segment_ms;
  for (int i = 0; i < warmup_pairs + pairs; ++i) {
    const bool measured = i >= warmup_pairs;
    Stats g;
    Stats e;
    if (i % 2 == 0) {  // gateway first in even pairs, echo first in odd ones
      g = run_segment(gateway, gateway_schedule, o, length_ns, measured);
      e = run_segment(echo, echo_schedule, o, length_ns, measured);
    } else {
      e = run_segment(echo, echo_schedule, o, length_ns, measured);
      g = run_segment(gateway, gateway_schedule, o, length_ns, measured);
    }
    // Warm-up segments measure nothing, but their host asks and failures still count.
    result.gateway.merge(g);
    result.echo->merge(e);
    if (!measured) continue;
    result.segments.push_back(
        {g.ack.percentile(50), g.ack.percentile(99), e.ack.percentile(50), e.ack.percentile(99)});
  }
  result.measured_s = static_cast<double>(pairs) * o.echo_segment_ms / 1000;
  // Close both sets; what is still unanswered counts against the last segment's window.
  Stats g_end;
  Stats e_end;
  for (Driver& d : gateway)
    d.finish(g_end);
  for (Driver& d : echo)
    d.finish(e_end);
  result.gateway.unanswered += g_end.unanswered;
  result.echo->unanswered += e_end.unanswered;
}

}  // namespace swarmex::loadgen
