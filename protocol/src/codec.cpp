#include "swarmex/protocol/codec.hpp"

#include <cstdint>
#include <limits>
#include <type_traits>

#include "swarmex/engine/swarm_order.hpp"
#include "swarmex/protocol/enums.hpp"

namespace swarmex::protocol {

namespace {

using engine::RejectReason;

bool valid_role(wire::Role r) {
  return r <= wire::Role::MAX;
}

RejectReason check_order_enums(wire::Side side, wire::OrderType type, wire::TimeInForce tif,
                               wire::StpMode stp) {
  if (side > wire::Side::MAX) return RejectReason::InvalidSide;
  if (type > wire::OrderType::MAX) return RejectReason::InvalidOrderType;
  if (tif > wire::TimeInForce::MAX) return RejectReason::InvalidTimeInForce;
  if (stp > wire::StpMode::MAX) return RejectReason::InvalidStpMode;
  return RejectReason::None;
}

// FlatBuffers 2.0's Verifier checks a vector's length word for alignment but not its elements:
// a vector of 8-byte structs or scalars may start 4 bytes off, and reading it would be undefined
// behaviour. An empty vector has nothing to read (FlatBuffers 2.0 itself lays empty vectors of
// structs out 4 bytes off: a book side without levels).
template <typename Element>
bool aligned(const flatbuffers::Vector<Element>* v) {
  using T = std::remove_cv_t<std::remove_pointer_t<Element>>;
  return v == nullptr || v->size() == 0 ||
         reinterpret_cast<std::uintptr_t>(v->Data()) % alignof(T) == 0;
}

bool struct_vectors_aligned(const wire::Message& m) {
  switch (m.body_type()) {
    case wire::Body::NewSwarmOrder:
      return aligned(m.body_as_NewSwarmOrder()->legs());
    case wire::Body::BookSnapshot:
      return aligned(m.body_as_BookSnapshot()->bids()) && aligned(m.body_as_BookSnapshot()->asks());
    case wire::Body::NewBlockOrder:
      return aligned(m.body_as_NewBlockOrder()->qtys());
    case wire::Body::AuctionResult:
      return aligned(m.body_as_AuctionResult()->points());
    default:
      return true;
  }
}

// What block orders and reservation changes share: a placement, IOC or GTC, a product named by
// resource and pool, and 1 … 8 consecutive windows.
template <typename WindowRequest>
RejectReason check_windows(const WindowRequest& o) {
  if (o.placement() > wire::Placement::MAX) return RejectReason::InvalidPlacement;
  if (o.time_in_force() != wire::TimeInForce::Ioc && o.time_in_force() != wire::TimeInForce::Gtc)
    return RejectReason::InvalidTimeInForce;
  if (o.resource()->size() > 64 || o.pool()->size() > 64) return RejectReason::MalformedMessage;
  if (o.windows() == 0 || o.windows() > engine::kMaxSwarmLegs) return RejectReason::InvalidWindow;
  return RejectReason::None;
}

// What the Verifier does not check: enum ranges and content we require.
RejectReason validate(const wire::Message& m) {
  switch (m.body_type()) {
    case wire::Body::Logon: {
      const auto* l = m.body_as_Logon();
      if (l->principal()->size() == 0 || l->principal()->size() > 128 || l->token()->size() > 512 ||
          !valid_role(l->role()))
        return RejectReason::MalformedMessage;
      return RejectReason::None;
    }
    case wire::Body::NewOrder: {
      const auto* o = m.body_as_NewOrder();
      // An expiry goes with GTD and only with it: never silently dropped.
      if ((o->time_in_force() == wire::TimeInForce::Gtd) != (o->expire_time_ns() > 0) ||
          o->expire_time_ns() < 0)
        return RejectReason::InvalidTimeInForce;
      if (o->on_behalf_of() != nullptr && o->on_behalf_of()->size() > 128)
        return RejectReason::MalformedMessage;
      return check_order_enums(o->side(), o->type(), o->time_in_force(), o->stp());
    }
    case wire::Body::NewSwarmOrder: {
      const auto* o = m.body_as_NewSwarmOrder();
      if (o->placement() > wire::Placement::MAX) return RejectReason::InvalidPlacement;
      if (o->time_in_force() != wire::TimeInForce::Ioc &&
          o->time_in_force() != wire::TimeInForce::Gtc)
        return RejectReason::InvalidTimeInForce;
      const bool has_legs = o->legs() != nullptr && o->legs()->size() > 0;
      const bool has_template = o->template_name() != nullptr && o->template_name()->size() > 0;
      if (has_legs == has_template) return RejectReason::InvalidLegs;  // exactly one of them
      if (has_legs && o->legs()->size() > engine::kMaxSwarmLegs) return RejectReason::InvalidLegs;
      if ((o->template_name() != nullptr && o->template_name()->size() > 64) ||
          (o->pool() != nullptr && o->pool()->size() > 64))
        return RejectReason::MalformedMessage;
      return RejectReason::None;
    }
    case wire::Body::NewBlockOrder: {
      const auto* o = m.body_as_NewBlockOrder();
      if (const RejectReason r = check_windows(*o); r != RejectReason::None) return r;
      if (o->qtys() != nullptr && o->qtys()->size() != 0 && o->qtys()->size() != o->windows())
        return RejectReason::InvalidLegs;
      return RejectReason::None;
    }
    case wire::Body::ChangeReservation: {
      const auto* o = m.body_as_ChangeReservation();
      if (const RejectReason r = check_windows(*o); r != RejectReason::None) return r;
      // Exactly one of a quantity and a percentage; no change, or one whose size cannot be
      // negated, is refused.
      if ((o->delta_qty() == 0) == (o->delta_pct() == 0) ||
          o->delta_qty() == std::numeric_limits<std::int64_t>::min() || o->delta_pct() < -100 ||
          o->delta_pct() > 1000)
        return RejectReason::InvalidQuantity;
      if ((o->delta_qty() < 0 || o->delta_pct() < 0) && o->host() == 0)
        return RejectReason::MalformedMessage;
      return RejectReason::None;
    }
    case wire::Body::SubscribeMarketData: {
      const auto* s = m.body_as_SubscribeMarketData();
      if (s->instruments() != nullptr && s->instruments()->size() > 4096)
        return RejectReason::MalformedMessage;
      return RejectReason::None;
    }
    case wire::Body::Admin: {
      const auto* a = m.body_as_Admin();
      if (a->action_type() == wire::AdminAction::NONE || a->action_type() > wire::AdminAction::MAX)
        return RejectReason::UnknownMessage;
      return RejectReason::None;
    }
    case wire::Body::AutopilotSet: {
      const auto* a = m.body_as_AutopilotSet();
      if (a->resource()->size() > 64 || a->pool()->size() > 64)
        return RejectReason::MalformedMessage;
      return RejectReason::None;
    }
    case wire::Body::AutopilotOff: {
      const auto* a = m.body_as_AutopilotOff();
      if (a->resource()->size() > 64 || a->pool()->size() > 64)
        return RejectReason::MalformedMessage;
      return RejectReason::None;
    }
    case wire::Body::Forecast: {
      const auto* f = m.body_as_Forecast();
      if (f->tenant()->size() > 128 || (f->resource() != nullptr && f->resource()->size() > 64) ||
          (f->pool() != nullptr && f->pool()->size() > 64))
        return RejectReason::MalformedMessage;
      return RejectReason::None;
    }
    case wire::Body::LogonAck:
      return valid_role(m.body_as_LogonAck()->role()) ? RejectReason::None
                                                      : RejectReason::MalformedMessage;
    default:
      return RejectReason::None;
  }
}

}  // namespace

RejectReason decode_frame(std::span<const std::uint8_t> frame, const wire::Message** out) noexcept {
  if (frame.size() < kFrameHeaderBytes + kMinMessageBytes ||
      read_frame_length(frame.data()) != frame.size() - kFrameHeaderBytes ||
      !flatbuffers::BufferHasIdentifier(frame.data(), wire::MessageIdentifier(),
                                        /*size_prefixed=*/true))
    return RejectReason::MalformedMessage;
  flatbuffers::Verifier verifier(frame.data(), frame.size(), /*max_depth=*/16,
                                 /*max_tables=*/4096);
  if (!wire::VerifySizePrefixedMessageBuffer(verifier)) return RejectReason::MalformedMessage;
  // The generated verifier passes union types it does not know (without looking inside them).
  const auto* msg = wire::GetSizePrefixedMessage(frame.data());
  if (!struct_vectors_aligned(*msg)) return RejectReason::MalformedMessage;
  *out = msg;  // verified: safe to read even when a check below refuses it
  if (msg->body_type() == wire::Body::NONE || msg->body_type() > wire::Body::MAX)
    return RejectReason::UnknownMessage;
  return validate(*msg);
}

std::span<const std::uint8_t> FrameWriter::finish_union(wire::Body type,
                                                        flatbuffers::Offset<void> body) {
  finished_ = true;
  const auto msg = wire::CreateMessage(fbb_, type, body);
  fbb_.FinishSizePrefixed(msg, wire::MessageIdentifier());  // u32 little-endian length prefix
  std::span<const std::uint8_t> out(fbb_.GetBufferPointer(), fbb_.GetSize());
  return out;
}

}  // namespace swarmex::protocol
