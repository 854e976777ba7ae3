// How the CLI prints what the server sends: one human-readable line (or block), or one JSON
// object per line for scripts (nlohmann::json, see common/json_text.hpp). Enum values print as
// their engine::to_string names.
#pragma once

#include <string>
#include <string_view>

#include "swarmex/common/json_text.hpp"
#include "swarmex/protocol/codec.hpp"

namespace swarmex::cli {

// Text of any server-to-client message; heartbeats included (callers usually skip them).
std::string format_message(const wire::Message& message, bool json);

// The JSON object of any server-to-client message; format_message(m, true) is its text.
common::Json message_json(const wire::Message& message);

// An exchange history id as the CLI prints it: 0x and 16 hex digits.
std::string history_name(std::uint64_t history);
std::string_view role_name(wire::Role role) noexcept;
std::string_view exec_kind_name(wire::ExecKind kind) noexcept;

}  // namespace swarmex::cli
