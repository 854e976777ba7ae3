#include "swarmexd_process.hpp"

#include <fstream>
#include <stdexcept>

namespace swarmex::tools {

SwarmexdProcess::SwarmexdProcess(std::string binary, std::string dir, std::string config_toml)
    : binary_(std::move(binary)),
      dir_(std::move(dir)),
      journal_(dir_ + "/journal"),
      process_(dir_ + "/swarmexd.log") {
  std::ofstream(dir_ + "/swarmex.toml") << config_toml;
}

void SwarmexdProcess::start(int timeout_ms) {
  const std::size_t seen = process_.output_size();  // earlier runs' lines do not count
  process_.start({binary_, "--config", dir_ + "/swarmex.toml", "--listen", listen_, "--journal-dir",
                  journal_, "--log-level", "warn"});
  const std::string marker = "listening on 127.0.0.1:";
  const auto at = process_.wait_for(marker, seen, timeout_ms);
  if (at == std::string::npos) {
    const bool exited = !process_.running();
    process_.kill();
    throw std::runtime_error(std::string(exited ? "swarmexd exited at start-up:\n"
                                                : "swarmexd did not start in time:\n") +
                             process_.output());
  }
  port_ = std::stoi(process_.output().substr(at + marker.size()));
}

}  // namespace swarmex::tools
