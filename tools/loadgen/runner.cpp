#include "runner.hpp"

#include <sys/epoll.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>

namespace swarmex::loadgen {
namespace {

constexpr std::int64_t kMaxWaitNs = 10'000'000;  // wake at least every 10 ms (heartbeats)

void run_thread(const std::vector<Driver*>& mine, const Schedule& schedule, bool keep_open,
                Stats& stats) {
  // Default timer slack (50 us) would show up as send lag.
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  const int ep = ::epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) throw std::runtime_error("epoll_create1 failed");
  for (Driver* d : mine) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = d;
    ::epoll_ctl(ep, EPOLL_CTL_ADD, d->fd(), &ev);
    d->start(stats);
  }
  epoll_event events[64];
  for (;;) {
    const std::int64_t now = now_ns();
    if (now >= schedule.drain_end_ns) break;
    std::int64_t next = std::numeric_limits<std::int64_t>::max();
    std::uint64_t outstanding = 0;
    bool buffered = false;
    for (Driver* d : mine) {
      d->send_due(now, stats);
      next = std::min(next, d->next_send_ns());
      if (d->alive() && d->mode() != Driver::Mode::Host) outstanding += d->outstanding();
      if (d->has_buffered()) {
        d->on_readable(stats);
        buffered = buffered || d->has_buffered();
      }
    }
    if (now >= schedule.send_end_ns && outstanding == 0) break;  // everything answered
    std::int64_t wait = std::min({next - now, kMaxWaitNs, schedule.drain_end_ns - now});
    // Waking from a sleep costs tens of microseconds, which would count as send lag: the last
    // stretch before a send is polled instead (--spin-us).
    wait = buffered || wait <= schedule.spin_ns ? 0 : wait - schedule.spin_ns;
    const timespec ts{static_cast<time_t>(wait / 1'000'000'000),
                      static_cast<long>(wait % 1'000'000'000)};
    const int n = ::epoll_pwait2(ep, events, 64, &ts, nullptr);
    for (int i = 0; i < n; ++i)
      static_cast<Driver*>(events[i].data.ptr)->on_readable(stats);
  }
  if (!keep_open)
    for (Driver* d : mine)
      d->finish(stats);
  ::close(ep);
}

}  // namespace

Stats run_phase(std::vector<Driver>& drivers, const Schedule& schedule, int io_threads,
                bool keep_open) {
  const auto threads = static_cast<std::size_t>(std::max(1, io_threads));
  std::vector<std::vector<Driver*>> shares(threads);
  for (std::size_t i = 0; i < drivers.size(); ++i)
    shares[i % threads].push_back(&drivers[i]);
  std::vector<Stats> stats(threads);
  std::vector<std::string> failures(threads);
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      try {
        run_thread(shares[t], schedule, keep_open, stats[t]);
      } catch (const std::exception& e) {
        failures[t] = e.what();
      }
    });
  for (auto& th : pool)
    th.join();
  Stats total;
  for (std::size_t t = 0; t < threads; ++t) {
    total.merge(stats[t]);
    if (!failures[t].empty()) throw std::runtime_error("I/O thread: " + failures[t]);
  }
  return total;
}

}  // namespace swarmex::loadgen
