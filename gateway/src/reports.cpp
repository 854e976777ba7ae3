#include "reports.hpp"

#include "swarmex/protocol/enums.hpp"

namespace swarmex::gateway {

using engine::Event;
using engine::EventKind;

ExecReport report_for(const Event& e, FillParty party, std::int64_t time_ns) {
  ExecReport r{};
  r.side = e.side;
  r.instrument = e.instrument;
  r.host = e.host;
  r.order_id = e.order_id;
  r.price = e.price;
  r.qty = e.qty;
  r.leaves_qty = e.leaves_qty;
  r.engine_seq = e.seq;
  r.time_ns = time_ns;
  switch (e.kind) {
    case EventKind::Accepted:
      r.kind = wire::ExecKind::Accepted;
      break;
    case EventKind::Rejected:
      r.kind = wire::ExecKind::Rejected;
      r.reject_reason = static_cast<engine::RejectReason>(e.reason);
      r.leaves_qty = 0;
      break;
    case EventKind::Cancelled:
      r.cancel_reason = static_cast<engine::CancelReason>(e.reason);
      // Gate closure, a GTD time and the end of the trading day end an order by time.
      r.kind = r.cancel_reason == engine::CancelReason::GateClosed ||
                       r.cancel_reason == engine::CancelReason::Expired ||
                       r.cancel_reason == engine::CancelReason::DayEnd
                   ? wire::ExecKind::Expired
                   : wire::ExecKind::Cancelled;
      break;
    case EventKind::Modified:
      r.kind = wire::ExecKind::Modified;
      // supply_exhausted when the engine trimmed a host's ask to its supply group's room.
      r.cancel_reason = static_cast<engine::CancelReason>(e.reason);
      break;
    case EventKind::Fill:
      r.kind = wire::ExecKind::Filled;
      r.last_qty = e.qty;
      r.last_price = e.price;
      r.fee = party == FillParty::Maker ? e.maker_fee : e.taker_fee;
      if (party == FillParty::Maker) {
        r.order_id = e.maker_order_id;
        r.side = engine::opposite(e.side);
        r.leaves_qty = e.maker_leaves_qty;
      }
      r.price = 0;  // the order's own price is in its Accepted report
      r.qty = 0;
      break;
    case EventKind::BookLevel:
    case EventKind::Incentive:  // market data: never a report
    case EventKind::AuctionResult:
    case EventKind::InstrumentState:
      break;
  }
  return r;
}

HostFill host_fill_for(const Event& e, std::int64_t time_ns, const engine::InstrumentSpec* spec,
                       const Principal* tenant, const Principal* seller) {
  const bool taker_buys = e.side == engine::Side::Buy;
  HostFill f{};
  f.engine_seq = e.seq;
  f.instrument = e.instrument;
  f.host = e.host;
  f.tenant = taker_buys ? e.owner : e.maker_owner;
  f.buy_order_id = taker_buys ? e.order_id : e.maker_order_id;
  f.sell_order_id = taker_buys ? e.maker_order_id : e.order_id;
  f.qty = e.qty;
  f.price = e.price;
  f.time_ns = time_ns;
  // Where and for how long, as the engine decided: never computed here.
  f.lease_start_ns = e.lease_start_ns;
  f.lease_end_ns = e.lease_end_ns;
  f.gpu = e.gpu == engine::kNoMigPlacement ? -1 : e.gpu;
  f.start_slice = e.start_slice == engine::kNoMigPlacement ? -1 : e.start_slice;
  f.seller_fee = taker_buys ? e.maker_fee : e.taker_fee;
  f.spec = spec;
  f.tenant_principal = tenant;
  f.seller_principal = seller;
  return f;
}

flatbuffers::Offset<wire::ExecutionReport> create_report(flatbuffers::FlatBufferBuilder& b,
                                                         const ExecReport& r, std::uint64_t history,
                                                         std::string_view text) {
  const auto agent = r.agent ? b.CreateString(r.agent->name) : 0;
  const auto tenant = r.on_behalf_of ? b.CreateString(r.on_behalf_of->name) : 0;
  const auto detail = text.empty() ? 0 : b.CreateString(text);
  return wire::CreateExecutionReport(
      b, r.kind, protocol::to_wire(r.reject_reason), protocol::to_wire(r.cancel_reason),
      r.client_order_id, r.order_id, r.instrument, protocol::to_wire(r.side), r.price, r.qty,
      r.last_qty, r.last_price, r.leaves_qty, r.host, r.stream_seq, r.engine_seq, r.time_ns, agent,
      tenant, r.fee, history, detail);
}

std::span<const std::uint8_t> encode(protocol::FrameWriter& w, const ExecReport& r,
                                     std::uint64_t history, std::string_view text) {
  return w.finish(create_report(w.fbb(), r, history, text));
}

std::span<const std::uint8_t> encode(protocol::FrameWriter& w, const HostFill& f,
                                     std::uint64_t history) {
  auto& b = w.fbb();
  const auto tenant = f.tenant_principal ? b.CreateString(f.tenant_principal->name) : 0;
  const auto resource = f.spec ? b.CreateString(f.spec->resource) : 0;
  const auto pool = f.spec ? b.CreateString(f.spec->pool) : 0;
  const auto seller = f.seller_principal ? b.CreateString(f.seller_principal->name) : 0;
  return w.finish(wire::CreateFill(b, f.stream_seq, f.engine_seq, f.instrument, f.host, f.tenant,
                                   f.buy_order_id, f.sell_order_id, f.qty, f.price, f.time_ns,
                                   tenant, resource, pool, f.lease_start_ns, f.lease_end_ns, seller,
                                   f.gpu, f.start_slice, f.seller_fee, history));
}

std::span<const std::uint8_t> encode_book_update(protocol::FrameWriter& w, const Event& e) {
  const wire::Level level(e.price, e.qty, static_cast<std::uint32_t>(e.leaves_qty));
  return w.finish(
      wire::CreateBookUpdate(w.fbb(), e.instrument, e.seq, protocol::to_wire(e.side), &level));
}

std::span<const std::uint8_t> encode_trade(protocol::FrameWriter& w, const Event& e) {
  return w.finish(
      wire::CreateTrade(w.fbb(), e.instrument, e.seq, e.price, e.qty, protocol::to_wire(e.side)));
}

}  // namespace swarmex::gateway
