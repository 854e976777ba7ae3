// What a principal is told: execution reports and host fills as plain records (kept for replay)
// and their encoding into wire frames.
#pragma once

#include <cstdint>
#include <span>

#include "swarmex/engine/calendar.hpp"
#include "swarmex/engine/event.hpp"
#include "swarmex/engine/instrument.hpp"
#include "swarmex/gateway/config.hpp"
#include "swarmex/protocol/codec.hpp"

namespace swarmex::gateway {

struct ExecReport {
  wire::ExecKind kind;
  engine::RejectReason reject_reason;
  engine::CancelReason cancel_reason;
  engine::Side side;
  engine::InstrumentId instrument;
  engine::HostId host;
  std::uint64_t client_order_id;
  engine::OrderId order_id;
  engine::Price price;
  engine::Qty qty;
  engine::Qty last_qty;
  engine::Price last_price;
  engine::Qty leaves_qty;
  std::uint64_t stream_seq;
  engine::Seq engine_seq;
  std::int64_t time_ns;
};

struct HostFill {
  std::uint64_t stream_seq;
  engine::Seq engine_seq;
  engine::InstrumentId instrument;
  engine::HostId host;
  engine::OwnerId tenant;
  engine::OrderId buy_order_id;
  engine::OrderId sell_order_id;
  engine::Qty qty;
  engine::Price price;
  std::int64_t time_ns;
  std::int64_t lease_start_ns;
  std::int64_t lease_end_ns;
  // Owned by the server's configuration, which outlives every report.
  const engine::InstrumentSpec* spec;
  const Principal* tenant_principal;
  const Principal* seller_principal;  // a tenant reselling its allocation; null: the host's ask
};

// Which side of a fill event a report is for.
enum class FillParty : std::uint8_t { Taker, Maker };

// The execution report an engine event means for its owner (or for the maker of a fill).
ExecReport report_for(const engine::Event& e, FillParty party, std::int64_t time_ns);
// `spec` and `tenant` may be null (unknown to the configuration): the fill then names no lease.
// `product` is the scheduled product `spec` is a window slot of (null for spot): the lease is
// the window that slot traded at the fill's time. `seller` is the selling principal when it is
// a tenant (a resale: the host moves the allocation), else null.
HostFill host_fill_for(const engine::Event& e, std::int64_t time_ns,
                       const engine::InstrumentSpec* spec, const engine::Product* product,
                       const Principal* tenant, const Principal* seller);

// The lease a fill at `time_ns` on `spec` (a slot of `product`, or spot when null) gives; false
// when unknown (no spec, or a slot with no trading window then).
bool lease_of(const engine::InstrumentSpec* spec, const engine::Product* product,
              std::int64_t time_ns, std::int64_t* start_ns, std::int64_t* end_ns);

std::span<const std::uint8_t> encode(protocol::FrameWriter& w, const ExecReport& r);
std::span<const std::uint8_t> encode(protocol::FrameWriter& w, const HostFill& f);
// Market data: a BookLevel event as BookUpdate, a Fill event as Trade.
std::span<const std::uint8_t> encode_book_update(protocol::FrameWriter& w, const engine::Event& e);
std::span<const std::uint8_t> encode_trade(protocol::FrameWriter& w, const engine::Event& e);

}  // namespace swarmex::gateway
