// libFuzzer target: the host controller's state file (<dir>/state). parse_host_state either
// returns a state or throws std::runtime_error; what parses must format to a text that parses to
// the same text again. Any other exception, crash or sanitizer report is a bug.
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "swarmex/hostctl/host_state.hpp"

using namespace swarmex::hostctl;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  HostState state;
  try {
    state = parse_host_state(text);
  } catch (const std::runtime_error&) {
    return 0;
  }
  const std::string once = format_host_state(state);
  const std::string twice = format_host_state(parse_host_state(once));
  if (once != twice) std::abort();
  return 0;
}
