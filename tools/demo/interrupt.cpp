#include "interrupt.hpp"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace swarmex::demo {

namespace {
std::atomic<bool> g_interrupted{false};
extern "C" void on_signal(int) {
  g_interrupted.store(true);
}
}  // namespace

void install_interrupt_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

bool interrupted() noexcept {
  return g_interrupted.load();
}

void check_interrupt() {
  if (interrupted()) throw Interrupted();
}

void sleep_for(std::chrono::nanoseconds d) {
  const auto end = std::chrono::steady_clock::now() + d;
  for (;;) {
    check_interrupt();
    const auto left = end - std::chrono::steady_clock::now();
    if (left <= std::chrono::nanoseconds::zero()) return;
    std::this_thread::sleep_for(
        std::min<std::chrono::nanoseconds>(left, std::chrono::milliseconds(20)));
  }
}

}  // namespace swarmex::demo
