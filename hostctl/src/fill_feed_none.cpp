// A build without libnats: fills come from the session only.
#include <stdexcept>

#include "swarmex/hostctl/fill_feed.hpp"

namespace swarmex::hostctl {

std::unique_ptr<FillFeed> make_jetstream_fill_feed(const HostConfig&) {
  throw std::runtime_error(
      "exchange.fills = \"jetstream\": this swarmex-hostctl was built without libnats "
      "(libnats-dev)");
}

}  // namespace swarmex::hostctl
