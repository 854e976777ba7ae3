#include "swarmex/gateway/swarm_template.hpp"

#include <set>

#include "swarmex/common/toml_read.hpp"
#include "swarmex/engine/checked_math.hpp"

namespace swarmex::gateway {

bool parse_placement(std::string_view text, engine::Placement* out) noexcept {
  for (std::uint8_t i = 0; i < static_cast<std::uint8_t>(engine::Placement::kCount); ++i) {
    const auto p = static_cast<engine::Placement>(i);
    if (text == engine::to_string(p)) {
      *out = p;
      return true;
    }
  }
  return false;
}

std::vector<SwarmTemplate> parse_templates(const toml::array& arr, const std::string& src,
                                           const std::vector<engine::InstrumentSpec>& instruments) {
  std::vector<SwarmTemplate> out;
  std::set<std::string> names;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const auto* t = arr.get(i)->as_table();
    const std::string w = "templates[" + std::to_string(i) + "].";
    if (t == nullptr) common::config_error(src, w, "must be a table");
    common::reject_unknown(*t, {"name", "placement", "legs"}, src, w);
    SwarmTemplate st;
    common::read_string(*t, "name", st.name, src, w);
    if (st.name.empty() || st.name.size() > 64)
      common::config_error(src, w + "name", "1 to 64 characters");
    if (!names.insert(st.name).second) common::config_error(src, w + "name", "duplicate name");
    std::string placement = "same-host";
    common::read_string(*t, "placement", placement, src, w);
    if (!parse_placement(placement, &st.placement))
      common::config_error(src, w + "placement", "must be same-host, same-pool or any");
    const auto* legs = (*t)["legs"].as_array();
    if (legs == nullptr || legs->empty() || legs->size() > engine::kMaxSwarmLegs)
      common::config_error(
          src, w + "legs",
          "1 to " + std::to_string(engine::kMaxSwarmLegs) + " legs {resource, qty}");
    for (std::size_t j = 0; j < legs->size(); ++j) {
      const auto* lt = legs->get(j)->as_table();
      const std::string lw = w + "legs[" + std::to_string(j) + "].";
      if (lt == nullptr) common::config_error(src, lw, "must be a table {resource, qty}");
      common::reject_unknown(*lt, {"resource", "qty"}, src, lw);
      TemplateLeg leg;
      common::read_string(*lt, "resource", leg.resource, src, lw);
      common::read_int(*lt, "qty", leg.qty, src, lw, 1, 1'000'000'000);
      bool sold = false;
      for (const auto& spec : instruments)
        sold = sold || spec.resource == leg.resource;
      if (!sold)
        common::config_error(src, lw + "resource", "no instrument sells '" + leg.resource + "'");
      for (const TemplateLeg& other : st.legs)
        if (other.resource == leg.resource)
          common::config_error(src, lw + "resource", "listed twice");
      st.legs.push_back(std::move(leg));
    }
    out.push_back(std::move(st));
  }
  return out;
}

engine::RejectReason expand_template(const SwarmTemplate& t, std::uint32_t count,
                                     const std::string& pool,
                                     const std::vector<engine::InstrumentSpec>& instruments,
                                     engine::SwarmOrder& out) {
  if (count == 0) return engine::RejectReason::InvalidQuantity;
  out.placement = t.placement;
  out.leg_count = 0;
  for (const TemplateLeg& leg : t.legs) {
    const engine::InstrumentSpec* spot = nullptr;
    for (const auto& spec : instruments)
      if (spec.window.spot && spec.resource == leg.resource && spec.pool == pool &&
          (spot == nullptr || spec.id < spot->id))
        spot = &spec;
    if (spot == nullptr) return engine::RejectReason::UnknownInstrument;
    engine::Qty qty = 0;
    if (!engine::checked_mul(leg.qty, static_cast<engine::Qty>(count), &qty))
      return engine::RejectReason::InvalidQuantity;
    out.legs[out.leg_count++] = engine::SwarmLeg{spot->id, qty};
  }
  return engine::RejectReason::None;
}

}  // namespace swarmex::gateway
