#include "message_format.hpp"

#include <fmt/format.h>

#include <array>

#include "swarmex/client/client.hpp"

namespace swarmex::cli {
namespace {

using protocol::to_engine;

std::string_view side_name(wire::Side s) {
  return engine::to_string(static_cast<engine::Side>(s));
}

std::string str(const flatbuffers::String* s) {
  return s == nullptr ? std::string() : s->str();
}

std::string format_report(const wire::ExecutionReport& r, bool json) {
  const auto kind = r.kind();
  if (json) {
    std::string s = fmt::format(
        R"({{"type":"execution_report","kind":"{}","client_order_id":{},"order_id":{},)"
        R"("instrument":{},"side":"{}","price":{},"qty":{},"last_qty":{},"last_price":{},)"
        R"("leaves_qty":{},"host":{},"stream_seq":{},"engine_seq":{},"time_ns":{})",
        exec_kind_name(kind), r.client_order_id(), r.order_id(), r.instrument(),
        side_name(r.side()), r.price(), r.qty(), r.last_qty(), r.last_price(), r.leaves_qty(),
        r.host(), r.stream_seq(), r.engine_seq(), r.time_ns());
    if (kind == wire::ExecKind::Rejected)
      s += fmt::format(R"(,"reject_reason":"{}")",
                       engine::to_string(protocol::to_engine(r.reject_reason())));
    if (kind == wire::ExecKind::Cancelled)
      s += fmt::format(R"(,"cancel_reason":"{}")",
                       engine::to_string(protocol::to_engine(r.cancel_reason())));
    return s + "}";
  }
  const std::string ids = fmt::format("client_order_id={} order_id={} instrument={}",
                                      r.client_order_id(), r.order_id(), r.instrument());
  const std::string seqs =
      fmt::format("stream_seq={} engine_seq={}", r.stream_seq(), r.engine_seq());
  switch (kind) {
    case wire::ExecKind::Accepted:
      return fmt::format("accepted  {} {} {} @ {} leaves={} {}", ids, side_name(r.side()), r.qty(),
                         r.price(), r.leaves_qty(), seqs);
    case wire::ExecKind::Rejected:
      return fmt::format("rejected  {} reason={} {}", ids,
                         engine::to_string(protocol::to_engine(r.reject_reason())), seqs);
    case wire::ExecKind::Filled:
      return fmt::format("filled    {} {} {} @ {} leaves={} host={} {}", ids, side_name(r.side()),
                         r.last_qty(), r.last_price(), r.leaves_qty(), r.host(), seqs);
    case wire::ExecKind::Cancelled:
      return fmt::format("cancelled {} qty={} reason={} {}", ids, r.qty(),
                         engine::to_string(protocol::to_engine(r.cancel_reason())), seqs);
    case wire::ExecKind::Modified:
      return fmt::format("modified  {} price={} leaves={} {}", ids, r.price(), r.leaves_qty(),
                         seqs);
    case wire::ExecKind::Expired:
      return fmt::format("expired   {} qty={} {}", ids, r.qty(), seqs);
  }
  return fmt::format("report kind={} {} {}", static_cast<int>(kind), ids, seqs);
}

std::string json_levels(const flatbuffers::Vector<const wire::Level*>* levels) {
  std::string s = "[";
  if (levels != nullptr) {
    for (flatbuffers::uoffset_t i = 0; i < levels->size(); ++i) {
      const auto* l = levels->Get(i);
      s += fmt::format(R"({}{{"price":{},"qty":{},"orders":{}}})", i == 0 ? "" : ",", l->price(),
                       l->qty(), l->orders());
    }
  }
  return s + "]";
}

std::string format_snapshot(const wire::BookSnapshot& b, bool json) {
  if (json)
    return fmt::format(R"({{"type":"book_snapshot","instrument":{},"seq":{},"bids":{},"asks":{}}})",
                       b.instrument(), b.seq(), json_levels(b.bids()), json_levels(b.asks()));
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

std::string format_instrument(const wire::InstrumentInfo& i, bool json) {
  if (json)
    return fmt::format(
        R"({{"id":{},"symbol":{},"resource":{},"pool":{},"tick":{},"lot":{},"min_qty":{},)"
        R"("max_qty":{},"band_min":{},"band_max":{},"market_protection_ticks":{},"halted":{},)"
        R"("scheduled":{},"window_start_ns":{},"window_length_ns":{},"gate_closure_ns":{}}})",
        i.id(), json_string(str(i.symbol())), json_string(str(i.resource())),
        json_string(str(i.pool())), i.tick(), i.lot(), i.min_qty(), i.max_qty(), i.band_min(),
        i.band_max(), i.market_protection_ticks(), i.halted(), i.scheduled(), i.window_start_ns(),
        i.window_length_ns(), i.gate_closure_ns());
  return fmt::format("{:>6} {:<28} {:<12} {:<10} {:>8} {:>5} {:>7} {:>9} {:>10} {:>12} {}", i.id(),
                     str(i.symbol()), str(i.resource()), str(i.pool()), i.tick(), i.lot(),
                     i.min_qty(), i.max_qty(), i.band_min(), i.band_max(),
                     i.halted() ? "HALTED" : "trading");
}

std::string format_session(const wire::SessionInfo& s, bool json) {
  if (json)
    return fmt::format(
        R"({{"session_id":{},"principal":{},"role":"{}","remote":{},"messages_in":{},)"
        R"("messages_out":{}}})",
        s.session_id(), json_string(str(s.principal())), role_name(s.role()),
        json_string(str(s.remote())), s.messages_in(), s.messages_out());
  return fmt::format("{:>8} {:<16} {:<9} {:<24} {:>12} {:>12}", s.session_id(), str(s.principal()),
                     role_name(s.role()), str(s.remote()), s.messages_in(), s.messages_out());
}

std::string format_admin_ack(const wire::AdminAck& a, bool json) {
  const auto reason = engine::to_string(protocol::to_engine(a.reason()));
  if (json) {
    std::string s =
        fmt::format(R"({{"type":"admin_ack","request_id":{},"ok":{},"reason":"{}","text":{})",
                    a.request_id(), a.ok(), reason, json_string(str(a.text())));
    if (a.instruments() != nullptr) {
      s += R"(,"instruments":[)";
      for (flatbuffers::uoffset_t i = 0; i < a.instruments()->size(); ++i) {
        if (i > 0) s += ",";
        s += format_instrument(*a.instruments()->Get(i), true);
      }
      s += "]";
    }
    if (a.sessions() != nullptr) {
      s += R"(,"sessions":[)";
      for (flatbuffers::uoffset_t i = 0; i < a.sessions()->size(); ++i) {
        if (i > 0) s += ",";
        s += format_session(*a.sessions()->Get(i), true);
      }
      s += "]";
    }
    return s + "}";
  }
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
      s += fmt::format("\n{}", format_instrument(*i, false));
  }
  if (a.sessions() != nullptr && a.sessions()->size() > 0) {
    s += fmt::format("\n{:>8} {:<16} {:<9} {:<24} {:>12} {:>12}", "session", "principal", "role",
                     "remote", "messages_in", "messages_out");
    for (const auto* i : *a.sessions())
      s += fmt::format("\n{}", format_session(*i, false));
  }
  return s;
}

std::string format_fill(const wire::Fill& f, bool json) {
  if (json)
    return fmt::format(
        R"({{"type":"fill","stream_seq":{},"engine_seq":{},"instrument":{},"host":{},"tenant":{},)"
        R"("buy_order_id":{},"sell_order_id":{},"qty":{},"price":{},"time_ns":{}}})",
        f.stream_seq(), f.engine_seq(), f.instrument(), f.host(), f.tenant(), f.buy_order_id(),
        f.sell_order_id(), f.qty(), f.price(), f.time_ns());
  return fmt::format(
      "fill stream_seq={} instrument={} host={} tenant={} {} @ {} buy_order_id={} "
      "sell_order_id={} engine_seq={}",
      f.stream_seq(), f.instrument(), f.host(), f.tenant(), f.qty(), f.price(), f.buy_order_id(),
      f.sell_order_id(), f.engine_seq());
}

}  // namespace

std::string json_string(std::string_view text) {
  std::string s = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        s += "\\\"";
        break;
      case '\\':
        s += "\\\\";
        break;
      case '\n':
        s += "\\n";
        break;
      case '\t':
        s += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20)
          s += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        else
          s += c;
    }
  }
  return s + "\"";
}

std::string_view role_name(wire::Role role) noexcept {
  static constexpr std::array<std::string_view, 3> kNames{"tenant", "host", "operator"};
  const auto i = static_cast<std::size_t>(role);
  return i < kNames.size() ? kNames[i] : "invalid";
}

std::string_view exec_kind_name(wire::ExecKind kind) noexcept {
  static constexpr std::array<std::string_view, 6> kNames{"accepted",  "rejected", "filled",
                                                          "cancelled", "modified", "expired"};
  const auto i = static_cast<std::size_t>(kind);
  return i < kNames.size() ? kNames[i] : "invalid";
}

std::string format_message(const wire::Message& m, bool json) {
  switch (m.body_type()) {
    case wire::Body::ExecutionReport:
      return format_report(*m.body_as_ExecutionReport(), json);
    case wire::Body::BookSnapshot:
      return format_snapshot(*m.body_as_BookSnapshot(), json);
    case wire::Body::BookUpdate: {
      const auto* u = m.body_as_BookUpdate();
      const auto* l = u->level();
      const std::int64_t price = l ? l->price() : 0, qty = l ? l->qty() : 0;
      const std::uint32_t orders = l ? l->orders() : 0;
      if (json)
        return fmt::format(
            R"({{"type":"book_update","instrument":{},"seq":{},"side":"{}","price":{},"qty":{},)"
            R"("orders":{}}})",
            u->instrument(), u->seq(), side_name(u->side()), price, qty, orders);
      return fmt::format("update instrument={} seq={} {} {} qty={} orders={}{}", u->instrument(),
                         u->seq(), u->side() == wire::Side::Buy ? "bid" : "ask", price, qty, orders,
                         qty == 0 ? " (level removed)" : "");
    }
    case wire::Body::Trade: {
      const auto* t = m.body_as_Trade();
      if (json)
        return fmt::format(
            R"({{"type":"trade","instrument":{},"seq":{},"price":{},"qty":{},"aggressor":"{}"}})",
            t->instrument(), t->seq(), t->price(), t->qty(), side_name(t->aggressor()));
      return fmt::format("trade instrument={} seq={} {} @ {} aggressor={}", t->instrument(),
                         t->seq(), t->qty(), t->price(), side_name(t->aggressor()));
    }
    case wire::Body::Fill:
      return format_fill(*m.body_as_Fill(), json);
    case wire::Body::AdminAck:
      return format_admin_ack(*m.body_as_AdminAck(), json);
    case wire::Body::Error: {
      const auto* e = m.body_as_Error();
      const auto reason = engine::to_string(protocol::to_engine(e->reason()));
      if (json)
        return fmt::format(R"({{"type":"error","reason":"{}","text":{}}})", reason,
                           json_string(str(e->text())));
      return fmt::format("error reason={} {}", reason, str(e->text()));
    }
    case wire::Body::Heartbeat:
      return json ? fmt::format(R"({{"type":"heartbeat","time_ns":{}}})",
                                m.body_as_Heartbeat()->time_ns())
                  : fmt::format("heartbeat time_ns={}", m.body_as_Heartbeat()->time_ns());
    default:
      break;
  }
  const std::string_view name = wire::EnumNameBody(m.body_type());
  return json ? fmt::format(R"({{"type":{}}})", json_string(name)) : std::string(name);
}

}  // namespace swarmex::cli
