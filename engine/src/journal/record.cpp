#include "swarmex/journal/record.hpp"

#include <boost/crc.hpp>
#include <cstring>

#include "auction_fields.hpp"
#include "swarm_fields.hpp"
#include "swarmex/common/little_endian.hpp"

namespace swarmex::journal {
namespace {

using engine::Command;
using engine::CommandKind;

void put_u32_at(std::uint8_t* at, std::uint32_t v) noexcept {
  common::le::PtrWriter{at}.put(v);
}

// A NUL-padded name field as u8 length + bytes.
template <std::size_t N>
void put_name(common::le::PtrWriter& w, const char (&field)[N]) noexcept {
  const std::size_t n = strnlen(field, N);
  w.put(static_cast<std::uint8_t>(n));
  for (std::size_t i = 0; i < n; ++i)
    w.put(static_cast<std::uint8_t>(field[i]));
}

template <std::size_t N>
bool get_name(common::le::Reader& r, char (&field)[N]) noexcept {
  const auto n = r.get<std::uint8_t>();
  std::memset(field, 0, N);
  if (n > N) return false;
  for (std::size_t i = 0; i < n; ++i)
    field[i] = static_cast<char>(r.get<std::uint8_t>());
  return r.ok;
}

}  // namespace

std::uint32_t crc32c(const void* data, std::size_t n) noexcept {
  boost::crc_optimal<32, 0x1EDC6F41, 0xFFFFFFFF, 0xFFFFFFFF, true, true> crc;
  crc.process_bytes(data, n);
  return crc.checksum();
}

std::size_t encode_record(const Command& cmd, std::uint8_t* out) noexcept {
  common::le::PtrWriter w{out + 8};
  w.put<std::uint64_t>(cmd.seq);
  w.put<std::int64_t>(cmd.time_ns);
  w.put<std::uint8_t>(static_cast<std::uint8_t>(cmd.kind));
  switch (cmd.kind) {
    case CommandKind::NewOrder: {
      const auto& o = cmd.new_order;
      w.put(o.order_id);
      w.put(o.instrument);
      w.put(o.owner);
      w.put(o.host);
      w.put(static_cast<std::uint8_t>(o.side));
      w.put(static_cast<std::uint8_t>(o.type));
      w.put(static_cast<std::uint8_t>(o.tif));
      w.put(static_cast<std::uint8_t>(o.stp));
      // Bit 0 post-only, bit 1 pegged (a byte older records hold 0 or 1 in), bit 2: the order
      // terms follow the client id (agent, expiry, display quantity).
      const bool terms = o.expire_time_ns != 0 || o.display_qty != 0;
      w.put(
          static_cast<std::uint8_t>((o.post_only ? 1 : 0) | (o.pegged ? 2 : 0) | (terms ? 4 : 0)));
      w.put(o.price);
      w.put(o.qty);
      w.put(o.min_qty);
      w.put(o.client_order_id);
      if (terms) {
        w.put(o.agent);
        w.put(o.expire_time_ns);
        w.put(o.display_qty);
      } else if (o.agent != 0) {
        w.put(o.agent);  // appended only for agent orders: older records match
      }
      break;
    }
    case CommandKind::CancelOrder:
      w.put(cmd.cancel.order_id);
      w.put(cmd.cancel.owner);
      w.put(cmd.cancel.instrument);
      break;
    case CommandKind::ModifyOrder:
      w.put(cmd.modify.order_id);
      w.put(cmd.modify.owner);
      w.put(cmd.modify.instrument);
      w.put(cmd.modify.new_price);
      w.put(cmd.modify.new_qty);
      break;
    case CommandKind::MassCancel:
      w.put(cmd.mass_cancel.owner);
      w.put(cmd.mass_cancel.instrument);
      break;
    case CommandKind::SwarmOrder:
      detail::put_swarm(w, cmd.swarm);
      break;
    case CommandKind::Resell:
      detail::put_resell(w, cmd.resell);
      break;
    case CommandKind::SetSupply:
      w.put(cmd.supply.owner);
      w.put(cmd.supply.host);
      w.put(cmd.supply.instrument);
      w.put(cmd.supply.capacity);
      break;
    case CommandKind::SetParams:
      w.put(cmd.params.owner);
      w.put(cmd.params.instrument);
      w.put(cmd.params.request_id);
      w.put(cmd.params.band_min);
      w.put(cmd.params.band_max);
      w.put(cmd.params.min_qty);
      w.put(cmd.params.max_qty);
      w.put(cmd.params.market_protection_ticks);
      break;
    case CommandKind::CreateInstrument: {
      const auto& c = cmd.create;
      w.put(c.owner);
      w.put(c.id);
      w.put(c.request_id);
      w.put(c.tick);
      w.put(c.lot);
      w.put(c.min_qty);
      w.put(c.max_qty);
      w.put(c.band_min);
      w.put(c.band_max);
      w.put(c.market_protection_ticks);
      w.put(c.lease_ns);
      put_name(w, c.symbol);
      put_name(w, c.resource);
      put_name(w, c.pool);
      break;
    }
    case CommandKind::Autopilot: {
      const auto& a = cmd.autopilot;
      w.put(a.owner);
      w.put(a.instrument);
      w.put(a.request_id);
      w.put(static_cast<std::uint8_t>(a.on ? 1 : 0));
      w.put(a.max_price);
      w.put(a.budget_per_hour);
      w.put(a.window_ns);
      w.put(a.target_ppm);
      break;
    }
    case CommandKind::EndDay:
      w.put(cmd.end_day.owner);
      w.put(cmd.end_day.instrument);
      w.put(cmd.end_day.request_id);
      break;
    case CommandKind::SetFees:
      w.put(cmd.fees.owner);
      w.put(cmd.fees.instrument);
      w.put(cmd.fees.request_id);
      w.put(cmd.fees.fees.maker_bps);
      w.put(cmd.fees.fees.taker_bps);
      break;
    case CommandKind::SetPricing: {
      const auto& s = cmd.pricing;
      w.put(s.owner);
      w.put(s.instrument);
      w.put(s.request_id);
      w.put(s.policy.points);
      for (std::size_t i = 0; i < s.policy.points && i < engine::kMaxCurvePoints; ++i) {
        w.put(s.policy.curve[i].utilisation_ppm);
        w.put(s.policy.curve[i].multiplier_ppm);
      }
      w.put(s.policy.target_ppm);
      w.put(s.policy.idle_after_ns);
      w.put(s.policy.cut_ppm);
      w.put(s.policy.valid_ns);
      break;
    }
    case CommandKind::SetTradingMode:
      detail::put_trading_mode(w, cmd.trading_mode);
      break;
    case CommandKind::SetBreaker:
      detail::put_breaker(w, cmd.breaker);
      break;
    default:  // Halt, Resume, and kinds the engine will reject: the instrument field only
      w.put(cmd.control.instrument);
      break;
  }
  const auto length = static_cast<std::uint32_t>(w.p - out);
  put_u32_at(out, length);
  put_u32_at(out + 4, crc32c(out + 8, length - 8));
  return length;
}

DecodeStatus decode_record(std::span<const std::uint8_t> bytes, Command* cmd,
                           std::size_t* length) noexcept {
  if (bytes.size() < 8) return DecodeStatus::Truncated;
  common::le::Reader head{bytes.data(), bytes.data() + 8};
  const auto len = head.get<std::uint32_t>();
  const auto crc = head.get<std::uint32_t>();
  if (len < kRecordHeaderBytes + 1 || len > kMaxRecordBytes) return DecodeStatus::BadLength;
  if (bytes.size() < len) return DecodeStatus::Truncated;
  if (crc32c(bytes.data() + 8, len - 8) != crc) return DecodeStatus::BadChecksum;

  common::le::Reader r{bytes.data() + 8, bytes.data() + len};
  Command c;
  c.seq = r.get<std::uint64_t>();
  c.time_ns = r.get<std::int64_t>();
  c.kind = static_cast<CommandKind>(r.get<std::uint8_t>());
  switch (c.kind) {
    case CommandKind::NewOrder: {
      auto& o = c.new_order;
      o.order_id = r.get<std::uint64_t>();
      o.instrument = r.get<std::uint32_t>();
      o.owner = r.get<std::uint32_t>();
      o.host = r.get<std::uint32_t>();
      o.side = static_cast<engine::Side>(r.get<std::uint8_t>());
      o.type = static_cast<engine::OrderType>(r.get<std::uint8_t>());
      o.tif = static_cast<engine::TimeInForce>(r.get<std::uint8_t>());
      o.stp = static_cast<engine::StpMode>(r.get<std::uint8_t>());
      const auto flags = r.get<std::uint8_t>();
      if (flags > 7) return DecodeStatus::BadCommand;
      o.post_only = (flags & 1) != 0;
      o.pegged = (flags & 2) != 0;
      o.price = r.get<std::int64_t>();
      o.qty = r.get<std::int64_t>();
      o.min_qty = r.get<std::int64_t>();
      o.client_order_id = r.get<std::uint64_t>();
      if ((flags & 4) != 0) {
        o.agent = r.get<std::uint32_t>();
        o.expire_time_ns = r.get<std::int64_t>();
        o.display_qty = r.get<std::int64_t>();
      } else {
        o.agent = r.p != r.end ? r.get<std::uint32_t>() : 0;
      }
      break;
    }
    case CommandKind::CancelOrder:
      c.cancel.order_id = r.get<std::uint64_t>();
      c.cancel.owner = r.get<std::uint32_t>();
      c.cancel.instrument = r.get<std::uint32_t>();
      break;
    case CommandKind::ModifyOrder:
      c.modify.order_id = r.get<std::uint64_t>();
      c.modify.owner = r.get<std::uint32_t>();
      c.modify.instrument = r.get<std::uint32_t>();
      c.modify.new_price = r.get<std::int64_t>();
      c.modify.new_qty = r.get<std::int64_t>();
      break;
    case CommandKind::MassCancel:
      c.mass_cancel.owner = r.get<std::uint32_t>();
      c.mass_cancel.instrument = r.get<std::uint32_t>();
      break;
    case CommandKind::SwarmOrder:
      if (!detail::get_swarm(r, c.swarm)) return DecodeStatus::BadCommand;
      break;
    case CommandKind::Resell:
      if (!detail::get_resell(r, c.resell)) return DecodeStatus::BadCommand;
      break;
    case CommandKind::SetSupply:
      c.supply.owner = r.get<std::uint32_t>();
      c.supply.host = r.get<std::uint32_t>();
      c.supply.instrument = r.get<std::uint32_t>();
      c.supply.capacity = r.get<std::int64_t>();
      break;
    case CommandKind::SetParams:
      c.params.owner = r.get<std::uint32_t>();
      c.params.instrument = r.get<std::uint32_t>();
      c.params.request_id = r.get<std::uint64_t>();
      c.params.band_min = r.get<std::int64_t>();
      c.params.band_max = r.get<std::int64_t>();
      c.params.min_qty = r.get<std::int64_t>();
      c.params.max_qty = r.get<std::int64_t>();
      c.params.market_protection_ticks = r.get<std::int64_t>();
      break;
    case CommandKind::CreateInstrument: {
      auto& n = c.create;
      n.owner = r.get<std::uint32_t>();
      n.id = r.get<std::uint32_t>();
      n.request_id = r.get<std::uint64_t>();
      n.tick = r.get<std::int64_t>();
      n.lot = r.get<std::int64_t>();
      n.min_qty = r.get<std::int64_t>();
      n.max_qty = r.get<std::int64_t>();
      n.band_min = r.get<std::int64_t>();
      n.band_max = r.get<std::int64_t>();
      n.market_protection_ticks = r.get<std::int64_t>();
      n.lease_ns = r.get<std::int64_t>();
      if (!get_name(r, n.symbol) || !get_name(r, n.resource) || !get_name(r, n.pool))
        return DecodeStatus::BadCommand;
      break;
    }
    case CommandKind::Autopilot: {
      auto& a = c.autopilot;
      a.owner = r.get<std::uint32_t>();
      a.instrument = r.get<std::uint32_t>();
      a.request_id = r.get<std::uint64_t>();
      const auto on = r.get<std::uint8_t>();
      if (on > 1) return DecodeStatus::BadCommand;
      a.on = on == 1;
      a.max_price = r.get<std::int64_t>();
      a.budget_per_hour = r.get<std::int64_t>();
      a.window_ns = r.get<std::int64_t>();
      a.target_ppm = r.get<std::uint32_t>();
      break;
    }
    case CommandKind::EndDay:
      c.end_day.owner = r.get<std::uint32_t>();
      c.end_day.instrument = r.get<std::uint32_t>();
      c.end_day.request_id = r.get<std::uint64_t>();
      break;
    case CommandKind::SetFees:
      c.fees.owner = r.get<std::uint32_t>();
      c.fees.instrument = r.get<std::uint32_t>();
      c.fees.request_id = r.get<std::uint64_t>();
      c.fees.fees.maker_bps = r.get<std::int32_t>();
      c.fees.fees.taker_bps = r.get<std::int32_t>();
      break;
    case CommandKind::SetPricing: {
      auto& s = c.pricing;
      s.owner = r.get<std::uint32_t>();
      s.instrument = r.get<std::uint32_t>();
      s.request_id = r.get<std::uint64_t>();
      s.policy.points = r.get<std::uint8_t>();
      if (s.policy.points > engine::kMaxCurvePoints) return DecodeStatus::BadCommand;
      for (std::size_t i = 0; i < s.policy.points; ++i) {
        s.policy.curve[i].utilisation_ppm = r.get<std::uint32_t>();
        s.policy.curve[i].multiplier_ppm = r.get<std::uint32_t>();
      }
      s.policy.target_ppm = r.get<std::uint32_t>();
      s.policy.idle_after_ns = r.get<std::int64_t>();
      s.policy.cut_ppm = r.get<std::uint32_t>();
      s.policy.valid_ns = r.get<std::int64_t>();
      break;
    }
    case CommandKind::SetTradingMode:
      if (!detail::get_trading_mode(r, c.trading_mode)) return DecodeStatus::BadCommand;
      break;
    case CommandKind::SetBreaker:
      if (!detail::get_breaker(r, c.breaker)) return DecodeStatus::BadCommand;
      break;
    default:
      c.control.instrument = r.get<std::uint32_t>();
      break;
  }
  if (!r.ok || r.p != r.end) return DecodeStatus::BadCommand;
  *cmd = c;
  *length = len;
  return DecodeStatus::Ok;
}

const char* to_string(DecodeStatus s) noexcept {
  switch (s) {
    case DecodeStatus::Ok:
      return "ok";
    case DecodeStatus::Truncated:
      return "truncated";
    case DecodeStatus::BadLength:
      return "bad length";
    case DecodeStatus::BadChecksum:
      return "bad checksum";
    case DecodeStatus::BadCommand:
      return "bad command";
  }
  return "unknown";
}

}  // namespace swarmex::journal
