// libFuzzer target: swarmex-hostctl's configuration text. parse_host_config either returns a
// configuration or throws std::runtime_error naming what is wrong; any other exception, crash or
// sanitizer report is a bug (libFuzzer reports an escaping exception as a crash).
#include <cstdint>
#include <stdexcept>
#include <string>

#include "swarmex/hostctl/host_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const swarmex::hostctl::HostConfig c = swarmex::hostctl::parse_host_config(text, "fuzz.toml");
    (void)c;
  } catch (const std::runtime_error&) {
  }
  return 0;
}
