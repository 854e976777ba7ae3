// Swarm templates: operator-defined named bundles (e.g. inference-small = 4 cpu + 8 mem +
// 1 mig.1g.10gb, same-host) that tenants order by name, count and pool.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <string>
#include <vector>

#include "swarmex/engine/instrument.hpp"
#include "swarmex/engine/swarm_order.hpp"

namespace swarmex::gateway {

struct TemplateLeg {
  std::string resource;  // cpu | mem | io | mig.<profile>
  engine::Qty qty = 0;   // per bundle
};

struct SwarmTemplate {
  std::string name;
  engine::Placement placement = engine::Placement::SameHost;
  std::vector<TemplateLeg> legs;
};

// "same-host" | "same-pool" | "any"; false for anything else.
bool parse_placement(std::string_view text, engine::Placement* out) noexcept;

// The [[templates]] array. Throws std::runtime_error naming the key; every resource must be sold
// by at least one configured instrument.
std::vector<SwarmTemplate> parse_templates(const toml::array& arr, const std::string& src,
                                           const std::vector<engine::InstrumentSpec>& instruments);

// Fills out.legs / leg_count / placement with `count` bundles on the spot instruments of `pool`.
// Returns UnknownTemplate-free reasons only: InvalidQuantity (count 0 or an overflowing
// quantity) or UnknownInstrument (the pool sells no spot instrument of a leg's resource).
engine::RejectReason expand_template(const SwarmTemplate& t, std::uint32_t count,
                                     const std::string& pool,
                                     const std::vector<engine::InstrumentSpec>& instruments,
                                     engine::SwarmOrder& out);

}  // namespace swarmex::gateway
