// The controller's durable state: the last fill stream sequence it took and every allocation it
// is responsible for. Saved atomically (write, fdatasync, rename, fsync the directory) after each
// burst is enforced. Enforcement writes absolute limits (what the allocations add up to), so a
// crash before the save only means those fills are delivered again from the saved sequence and
// the same limits are written again: no fill is lost and none counts twice.
#pragma once

#include <cstdint>
#include <string>

#include "swarmex/hostctl/allocation_book.hpp"

namespace swarmex::hostctl {

struct HostState {
  // The exchange history (LogonAck.history) last_seq and the book's fills belong to; 0: unknown
  // (a new state, or a v1/v2 file): the first history seen is adopted.
  std::uint64_t history = 0;
  std::uint64_t last_seq = 0;              // fills up to here are in `book`
  std::uint64_t next_client_order_id = 0;  // asks' client order ids only grow
  AllocationBook book;
};

// <dir>/state; throws std::runtime_error on I/O errors.
void save_host_state(const std::string& dir, const HostState& state);
// Writes `text` (format_host_state's) as <dir>/state, atomically; throws on I/O errors.
void write_host_state(const std::string& dir, const std::string& text);
// An empty state when <dir>/state does not exist; throws std::runtime_error when it is corrupt.
HostState load_host_state(const std::string& dir);

// The text form (one line per allocation), for tests and `swarmex-hostctl status`. Written as
// v3 (a `history` line); v1 and v2 files read with history 0.
std::string format_host_state(const HostState& state);
HostState parse_host_state(const std::string& text);

// An operator's confirmation that the controller may adopt exchange history `history`
// (`swarmex-hostctl adopt-history ID`): <dir>/adopt-history, written atomically. The running
// controller (or the next one started) takes it when it meets that history.
void write_adopt_request(const std::string& dir, std::uint64_t history);
// The id requested, 0 when there is no request (or it is unreadable: logged by the caller).
std::uint64_t read_adopt_request(const std::string& dir);
void remove_adopt_request(const std::string& dir);

}  // namespace swarmex::hostctl
