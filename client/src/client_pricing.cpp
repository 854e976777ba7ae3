// Client: an operator's pool pricing (SetPricing, fractions turned into the wire's ppm) and
// fees (SetFees), and the end of the trading day (EndDay).
#include <cmath>

#include "swarmex/client/client.hpp"

namespace swarmex::client {
namespace {

std::uint32_t to_ppm(double fraction) {
  const double ppm = std::round(fraction * 1e6);
  // Out-of-range values reach the engine as such, so it refuses them with its reason.
  return ppm <= 0 ? 0 : ppm >= 4e9 ? 4'000'000'000u : static_cast<std::uint32_t>(ppm);
}

}  // namespace

void Client::admin_set_pricing(std::uint64_t request_id, const PricingSpec& p) {
  auto& b = writer().fbb();
  std::vector<flatbuffers::Offset<wire::CurvePoint>> points;
  for (const auto& [u, f] : p.curve)
    points.push_back(wire::CreateCurvePoint(b, to_ppm(u), to_ppm(f)));
  const auto pool = b.CreateString(p.pool);
  const auto resource = b.CreateString(p.resource);
  const auto curve = b.CreateVector(points);
  admin(request_id, wire::AdminAction::SetPricing,
        wire::CreateSetPricing(b, pool, resource, curve, to_ppm(p.target), p.idle_after_ms,
                               to_ppm(p.cut), p.valid_ms)
            .Union());
}

void Client::admin_set_fees(std::uint64_t request_id, std::uint32_t instrument,
                            std::int32_t maker_bps, std::int32_t taker_bps) {
  admin(request_id, wire::AdminAction::SetFees,
        wire::CreateSetFees(writer().fbb(), instrument, maker_bps, taker_bps).Union());
}

void Client::admin_end_day(std::uint64_t request_id, std::uint32_t instrument) {
  admin(request_id, wire::AdminAction::EndDay,
        wire::CreateEndDay(writer().fbb(), instrument).Union());
}

}  // namespace swarmex::client
