// Ctrl-C (SIGINT) and SIGTERM during the demo: the handler only raises a flag; the demo checks it
// wherever it waits and unwinds to its teardown, which stops and removes everything it started.
#pragma once

#include <chrono>
#include <stdexcept>

namespace swarmex::demo {

struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

void install_interrupt_handler();
[[nodiscard]] bool interrupted() noexcept;
// Throws Interrupted when the flag is up.
void check_interrupt();
// Sleeps in small steps; throws Interrupted as soon as the flag goes up.
void sleep_for(std::chrono::nanoseconds d);

}  // namespace swarmex::demo
