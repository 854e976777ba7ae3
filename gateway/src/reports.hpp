// What a principal is told: execution reports and host fills as plain records (kept for replay)
// and their encoding into wire frames.
#pragma once

#include <cstdint>
#include <span>

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
  // An order the agent placed: to its owner, the agent; to the agent, the owner (configuration
  // principals, which outlive every report). Null otherwise.
  const Principal* agent;
  const Principal* on_behalf_of;
  std::int64_t fee = 0;  // fills: this party's fee
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
  std::int64_t lease_start_ns;  // the engine's lease of the fill
  std::int64_t lease_end_ns;
  std::int32_t gpu;  // mig.* fills: the instance's GPU and start slice; -1 when none
  std::int32_t start_slice;
  // Owned by the server's configuration, which outlives every report.
  const engine::InstrumentSpec* spec;
  const Principal* tenant_principal;
  const Principal* seller_principal;  // a tenant reselling its allocation; null: the host's ask
  std::int64_t seller_fee = 0;
};

// Which side of a fill event a report is for.
enum class FillParty : std::uint8_t { Taker, Maker };

// The execution report an engine event means for its owner (or for the maker of a fill).
ExecReport report_for(const engine::Event& e, FillParty party, std::int64_t time_ns);
// `spec` and `tenant` may be null (unknown to the configuration). The lease and the MIG placement
// are the engine's (Event::lease_start_ns / lease_end_ns, gpu, start_slice). `seller` is the
// selling principal when it is a tenant (a resale: the host moves the allocation), else null.
HostFill host_fill_for(const engine::Event& e, std::int64_t time_ns,
                       const engine::InstrumentSpec* spec, const Principal* tenant,
                       const Principal* seller);

// `history`: the exchange history the stream sequences belong to (Server::history()).
// `text`: a gateway reject's detail (empty: none).
std::span<const std::uint8_t> encode(protocol::FrameWriter& w, const ExecReport& r,
                                     std::uint64_t history, std::string_view text = {});
// The report as a table inside another message (the drop copy's).
flatbuffers::Offset<wire::ExecutionReport> create_report(flatbuffers::FlatBufferBuilder& b,
                                                         const ExecReport& r, std::uint64_t history,
                                                         std::string_view text = {});
std::span<const std::uint8_t> encode(protocol::FrameWriter& w, const HostFill& f,
                                     std::uint64_t history);
// Market data: a BookLevel event as BookUpdate, a Fill event as Trade.
std::span<const std::uint8_t> encode_book_update(protocol::FrameWriter& w, const engine::Event& e);
std::span<const std::uint8_t> encode_trade(protocol::FrameWriter& w, const engine::Event& e);

}  // namespace swarmex::gateway
