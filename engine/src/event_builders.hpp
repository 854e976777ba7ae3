// Private helpers shared by the engine sources: the Accepted / Rejected echo of a command and the
// quantity rules of an instrument.
#pragma once

#include "swarmex/engine/command.hpp"
#include "swarmex/engine/event.hpp"
#include "swarmex/engine/instrument.hpp"

namespace swarmex::engine {

Event echo(const Command& cmd, EventKind kind, std::uint8_t reason = 0) noexcept;

// Quantity rules of an instrument (positive, on lot, within min/max); None when they hold.
RejectReason check_qty(const InstrumentSpec& spec, Qty qty) noexcept;

}  // namespace swarmex::engine
