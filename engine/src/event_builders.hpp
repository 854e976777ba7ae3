// Private helper: the Accepted / Rejected event that echoes a command's own fields.
#pragma once

#include "swarmex/engine/command.hpp"
#include "swarmex/engine/event.hpp"

namespace swarmex::engine {

Event echo(const Command& cmd, EventKind kind, std::uint8_t reason = 0) noexcept;

}  // namespace swarmex::engine
