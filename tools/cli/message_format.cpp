#include "message_format.hpp"

#include <fmt/format.h>

#include <array>

#include "auction_format.hpp"
#include "swarmex/client/client.hpp"
#include "swarmex/common/history_id.hpp"
#include "swarmex/common/json_text.hpp"

namespace swarmex::cli {

using protocol::text_of;

namespace {

using common::Json;
using protocol::to_engine;

std::string_view side_name(wire::Side s) {
  return engine::to_string(static_cast<engine::Side>(s));
}

Json report_json(const wire::ExecutionReport& r) {
  const auto kind = r.kind();
  Json j{{"type", "execution_report"},
         {"kind", exec_kind_name(kind)},
         {"client_order_id", r.client_order_id()},
         {"order_id", r.order_id()},
         {"instrument", r.instrument()},
         {"side", side_name(r.side())},
         {"price", r.price()},
         {"qty", r.qty()},
         {"last_qty", r.last_qty()},
         {"last_price", r.last_price()},
         {"leaves_qty", r.leaves_qty()},
         {"host", r.host()},
         {"stream_seq", r.stream_seq()},
         {"engine_seq", r.engine_seq()},
         {"time_ns", r.time_ns()},
         {"history", history_name(r.history())}};
  if (kind == wire::ExecKind::Rejected)
    j["reject_reason"] = engine::to_string(to_engine(r.reject_reason()));
  if (r.text() != nullptr) j["text"] = r.text()->str();  // a gateway reject's detail
  if (kind == wire::ExecKind::Cancelled)
    j["cancel_reason"] = engine::to_string(to_engine(r.cancel_reason()));
  return j;
}

std::string format_report(const wire::ExecutionReport& r) {
  const auto kind = r.kind();
  const std::string ids = fmt::format("client_order_id={} order_id={} instrument={}",
                                      r.client_order_id(), r.order_id(), r.instrument());
  const std::string seqs =
      fmt::format("stream_seq={} engine_seq={}", r.stream_seq(), r.engine_seq());
  switch (kind) {
    case wire::ExecKind::Accepted:
      return fmt::format("accepted  {} {} {} @ {} leaves={} {}", ids, side_name(r.side()), r.qty(),
                         r.price(), r.leaves_qty(), seqs);
    case wire::ExecKind::Rejected:
      return fmt::format("rejected  {} reason={} {}{}{}", ids,
                         engine::to_string(to_engine(r.reject_reason())), seqs,
                         r.text() != nullptr ? ": " : "", text_of(r.text()));
    case wire::ExecKind::Filled:
      return fmt::format("filled    {} {} {} @ {} leaves={} host={} {}", ids, side_name(r.side()),
                         r.last_qty(), r.last_price(), r.leaves_qty(), r.host(), seqs);
    case wire::ExecKind::Cancelled:
      return fmt::format("cancelled {} qty={} reason={} {}", ids, r.qty(),
                         engine::to_string(to_engine(r.cancel_reason())), seqs);
    case wire::ExecKind::Modified:
      return fmt::format("modified  {} price={} leaves={} {}", ids, r.price(), r.leaves_qty(),
                         seqs);
    case wire::ExecKind::Expired:
      return fmt::format("expired   {} qty={} {}", ids, r.qty(), seqs);
  }
  return fmt::format("report kind={} {} {}", static_cast<int>(kind), ids, seqs);
}

Json levels_json(const flatbuffers::Vector<const wire::Level*>* levels) {
  Json a = Json::array();
  if (levels != nullptr)
    for (const auto* l : *levels)
      a.push_back({{"price", l->price()}, {"qty", l->qty()}, {"orders", l->orders()}});
  return a;
}

Json snapshot_json(const wire::BookSnapshot& b) {
  return {{"type", "book_snapshot"},
          {"instrument", b.instrument()},
          {"seq", b.seq()},
          {"bids", levels_json(b.bids())},
          {"asks", levels_json(b.asks())}};
}

std::string format_snapshot(const wire::BookSnapshot& b) {
  std::string s = fmt::format("book instrument={} seq={}\n", b.instrument(), b.seq());
  s += fmt::format("  {:<4} {:>14} {:>12} {:>7}\n", "side", "price", "qty", "orders");
  // Asks best-last above the spread, bids best-first below: the book reads top to bottom.
  if (const auto* asks = b.asks(); asks != nullptr)
    for (auto i = asks->size(); i-- > 0;)
      s += fmt::format("  {:<4} {:>14} {:>12} {:>7}\n", "ask", asks->Get(i)->price(),
                       asks->Get(i)->qty(), asks->Get(i)->orders());
  s += "  ----\n";
  if (const auto* bids = b.bids(); bids != nullptr)
    for (const auto* l : *bids)
      s += fmt::format("  {:<4} {:>14} {:>12} {:>7}\n", "bid", l->price(), l->qty(), l->orders());
  s.pop_back();
  return s;
}

Json instrument_json(const wire::InstrumentInfo& i) {
  return {{"id", i.id()},
          {"symbol", text_of(i.symbol())},
          {"resource", text_of(i.resource())},
          {"pool", text_of(i.pool())},
          {"tick", i.tick()},
          {"lot", i.lot()},
          {"min_qty", i.min_qty()},
          {"max_qty", i.max_qty()},
          {"band_min", i.band_min()},
          {"band_max", i.band_max()},
          {"market_protection_ticks", i.market_protection_ticks()},
          {"halted", i.halted()},
          {"scheduled", i.scheduled()},
          {"window_start_ns", i.window_start_ns()},
          {"window_length_ns", i.window_length_ns()},
          {"gate_closure_ns", i.gate_closure_ns()}};
}

std::string format_instrument(const wire::InstrumentInfo& i) {
  return fmt::format("{:>6} {:<28} {:<12} {:<10} {:>8} {:>5} {:>7} {:>9} {:>10} {:>12} {}", i.id(),
                     text_of(i.symbol()), text_of(i.resource()), text_of(i.pool()), i.tick(),
                     i.lot(), i.min_qty(), i.max_qty(), i.band_min(), i.band_max(),
                     i.halted() ? "HALTED" : "trading");
}

Json session_json(const wire::SessionInfo& s) {
  return {{"session_id", s.session_id()},   {"principal", text_of(s.principal())},
          {"role", role_name(s.role())},    {"remote", text_of(s.remote())},
          {"messages_in", s.messages_in()}, {"messages_out", s.messages_out()}};
}

std::string format_session(const wire::SessionInfo& s) {
  return fmt::format("{:>8} {:<16} {:<9} {:<24} {:>12} {:>12}", s.session_id(),
                     text_of(s.principal()), role_name(s.role()), text_of(s.remote()),
                     s.messages_in(), s.messages_out());
}

Json admin_ack_json(const wire::AdminAck& a) {
  Json j{{"type", "admin_ack"},
         {"request_id", a.request_id()},
         {"ok", a.ok()},
         {"reason", engine::to_string(to_engine(a.reason()))},
         {"text", text_of(a.text())}};
  if (a.instruments() != nullptr) {
    Json& list = j["instruments"] = Json::array();
    for (const auto* i : *a.instruments())
      list.push_back(instrument_json(*i));
  }
  if (a.sessions() != nullptr) {
    Json& list = j["sessions"] = Json::array();
    for (const auto* i : *a.sessions())
      list.push_back(session_json(*i));
  }
  return j;
}

std::string format_admin_ack(const wire::AdminAck& a) {
  const auto reason = engine::to_string(to_engine(a.reason()));
  std::string s = a.ok() ? fmt::format("ok request_id={}", a.request_id())
                         : fmt::format("FAILED request_id={} reason={}", a.request_id(), reason);
  if (a.text() != nullptr && a.text()->size() > 0) {
    s += ' ';
    s += a.text()->str();
  }
  if (a.instruments() != nullptr && a.instruments()->size() > 0) {
    s += fmt::format("\n{:>6} {:<28} {:<12} {:<10} {:>8} {:>5} {:>7} {:>9} {:>10} {:>12} {}", "id",
                     "symbol", "resource", "pool", "tick", "lot", "min_qty", "max_qty", "band_min",
                     "band_max", "state");
    for (const auto* i : *a.instruments())
      s += fmt::format("\n{}", format_instrument(*i));
  }
  if (a.sessions() != nullptr && a.sessions()->size() > 0) {
    s += fmt::format("\n{:>8} {:<16} {:<9} {:<24} {:>12} {:>12}", "session", "principal", "role",
                     "remote", "messages_in", "messages_out");
    for (const auto* i : *a.sessions())
      s += fmt::format("\n{}", format_session(*i));
  }
  return s;
}

Json fill_json(const wire::Fill& f) {
  return {{"type", "fill"},
          {"stream_seq", f.stream_seq()},
          {"engine_seq", f.engine_seq()},
          {"instrument", f.instrument()},
          {"host", f.host()},
          {"tenant", f.tenant()},
          {"buy_order_id", f.buy_order_id()},
          {"sell_order_id", f.sell_order_id()},
          {"qty", f.qty()},
          {"price", f.price()},
          {"time_ns", f.time_ns()},
          {"tenant_name", text_of(f.tenant_name())},
          {"resource", text_of(f.resource())},
          {"pool", text_of(f.pool())},
          {"lease_start_ns", f.lease_start_ns()},
          {"lease_end_ns", f.lease_end_ns()},
          {"seller_name", text_of(f.seller_name())},
          {"gpu", f.gpu()},  // -1: no MIG placement
          {"start_slice", f.start_slice()},
          {"history", history_name(f.history())}};
}

std::string format_fill(const wire::Fill& f) {
  return fmt::format(
      "fill stream_seq={} instrument={} host={} tenant={} {} @ {} buy_order_id={} "
      "sell_order_id={} engine_seq={} history={}",
      f.stream_seq(), f.instrument(), f.host(), f.tenant(), f.qty(), f.price(), f.buy_order_id(),
      f.sell_order_id(), f.engine_seq(), history_name(f.history()));
}

}  // namespace

std::string history_name(std::uint64_t history) {
  return common::format_history_id(history);
}

std::string_view role_name(wire::Role role) noexcept {
  static constexpr std::array<std::string_view, 4> kNames{"tenant", "host", "operator", "agent"};
  const auto i = static_cast<std::size_t>(role);
  return i < kNames.size() ? kNames[i] : "invalid";
}

std::string_view exec_kind_name(wire::ExecKind kind) noexcept {
  static constexpr std::array<std::string_view, 6> kNames{"accepted",  "rejected", "filled",
                                                          "cancelled", "modified", "expired"};
  const auto i = static_cast<std::size_t>(kind);
  return i < kNames.size() ? kNames[i] : "invalid";
}

common::Json message_json(const wire::Message& m) {
  switch (m.body_type()) {
    case wire::Body::ExecutionReport:
      return report_json(*m.body_as_ExecutionReport());
    case wire::Body::DropCopyReport: {
      const auto* d = m.body_as_DropCopyReport();
      Json j = d->report() ? report_json(*d->report()) : Json::object();
      j["type"] = "drop_copy";
      j["seq"] = d->seq();
      j["principal"] = text_of(d->principal());
      j["partition"] = d->partition();
      return j;
    }
    case wire::Body::DropCopyStatus: {
      const auto* s = m.body_as_DropCopyStatus();
      return {{"type", "drop_copy_status"},
              {"next_seq", s->next_seq()},
              {"oldest_seq", s->oldest_seq()},
              {"caught_up", s->caught_up()}};
    }
    case wire::Body::BookSnapshot:
      return snapshot_json(*m.body_as_BookSnapshot());
    case wire::Body::BookUpdate: {
      const auto* u = m.body_as_BookUpdate();
      const auto* l = u->level();
      return {{"type", "book_update"},
              {"instrument", u->instrument()},
              {"seq", u->seq()},
              {"side", side_name(u->side())},
              {"price", l ? l->price() : 0},
              {"qty", l ? l->qty() : 0},
              {"orders", l ? l->orders() : 0u}};
    }
    case wire::Body::Trade: {
      const auto* t = m.body_as_Trade();
      return {{"type", "trade"}, {"instrument", t->instrument()},
              {"seq", t->seq()}, {"price", t->price()},
              {"qty", t->qty()}, {"aggressor", side_name(t->aggressor())}};
    }
    case wire::Body::IncentiveNotice: {
      const auto* n = m.body_as_IncentiveNotice();
      return {{"type", "incentive"},
              {"pool", text_of(n->pool())},
              {"resource", text_of(n->resource())},
              {"active", n->active()},
              {"cut_ppm", n->cut_ppm()},
              {"utilisation_ppm", n->utilisation_ppm()},
              {"valid_until_ns", n->valid_until_ns()},
              {"seq", n->seq()}};
    }
    case wire::Body::AuctionResult:
      return auction_json(*m.body_as_AuctionResult());
    case wire::Body::InstrumentState:
      return instrument_state_json(*m.body_as_InstrumentState());
    case wire::Body::Fill:
      return fill_json(*m.body_as_Fill());
    case wire::Body::AdminAck:
      return admin_ack_json(*m.body_as_AdminAck());
    case wire::Body::Error: {
      const auto* e = m.body_as_Error();
      return {{"type", "error"},
              {"reason", engine::to_string(to_engine(e->reason()))},
              {"text", text_of(e->text())}};
    }
    case wire::Body::Heartbeat:
      return {{"type", "heartbeat"}, {"time_ns", m.body_as_Heartbeat()->time_ns()}};
    default:
      return {{"type", wire::EnumNameBody(m.body_type())}};
  }
}

std::string format_message(const wire::Message& m, bool json) {
  if (json) return common::json_text(message_json(m));
  switch (m.body_type()) {
    case wire::Body::ExecutionReport:
      return format_report(*m.body_as_ExecutionReport());
    case wire::Body::DropCopyReport: {
      const auto* d = m.body_as_DropCopyReport();
      return fmt::format("#{} {} partition={} {}", d->seq(), text_of(d->principal()),
                         d->partition(),
                         d->report() ? format_report(*d->report()) : std::string("(no report)"));
    }
    case wire::Body::DropCopyStatus: {
      const auto* s = m.body_as_DropCopyStatus();
      return fmt::format("drop copy caught up: next_seq={} oldest_seq={}", s->next_seq(),
                         s->oldest_seq());
    }
    case wire::Body::BookSnapshot:
      return format_snapshot(*m.body_as_BookSnapshot());
    case wire::Body::BookUpdate: {
      const auto* u = m.body_as_BookUpdate();
      const auto* l = u->level();
      const std::int64_t price = l ? l->price() : 0, qty = l ? l->qty() : 0;
      const std::uint32_t orders = l ? l->orders() : 0;
      return fmt::format("update instrument={} seq={} {} {} qty={} orders={}{}", u->instrument(),
                         u->seq(), u->side() == wire::Side::Buy ? "bid" : "ask", price, qty, orders,
                         qty == 0 ? " (level removed)" : "");
    }
    case wire::Body::Trade: {
      const auto* t = m.body_as_Trade();
      return fmt::format("trade instrument={} seq={} {} @ {} aggressor={}", t->instrument(),
                         t->seq(), t->qty(), t->price(), side_name(t->aggressor()));
    }
    case wire::Body::IncentiveNotice: {
      const auto* n = m.body_as_IncentiveNotice();
      return fmt::format(
          "incentive {} {} in {}: cut {:.1f}% at utilisation {:.1f}%, valid until {}",
          n->active() ? "announced" : "withdrawn", text_of(n->resource()), text_of(n->pool()),
          n->cut_ppm() / 1e4, n->utilisation_ppm() / 1e4, n->valid_until_ns());
    }
    case wire::Body::AuctionResult:
      return format_auction(*m.body_as_AuctionResult());
    case wire::Body::InstrumentState:
      return format_instrument_state(*m.body_as_InstrumentState());
    case wire::Body::Fill:
      return format_fill(*m.body_as_Fill());
    case wire::Body::AdminAck:
      return format_admin_ack(*m.body_as_AdminAck());
    case wire::Body::Error: {
      const auto* e = m.body_as_Error();
      return fmt::format("error reason={} {}", engine::to_string(to_engine(e->reason())),
                         text_of(e->text()));
    }
    case wire::Body::Heartbeat:
      return fmt::format("heartbeat time_ns={}", m.body_as_Heartbeat()->time_ns());
    default:
      return std::string(wire::EnumNameBody(m.body_type()));
  }
}

}  // namespace swarmex::cli
