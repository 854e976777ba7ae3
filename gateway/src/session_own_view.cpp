// The catalog (public market information) and a principal's own view: its resting orders and
// what it holds. Tenants see their own, hosts their asks; operators may name a principal.
#include <algorithm>

#include "io_thread.hpp"
#include "server.hpp"
#include "session.hpp"
#include "swarmex/engine/calendar.hpp"
#include "swarmex/protocol/enums.hpp"

namespace swarmex::gateway {

using engine::RejectReason;
using protocol::text_of;

namespace {

std::span<const std::uint8_t> refuse(protocol::FrameWriter& w, bool holdings,
                                     std::uint64_t request_id, RejectReason why,
                                     const std::string& text) {
  auto& b = w.fbb();
  const auto t = b.CreateString(text);
  if (holdings)
    return w.finish(wire::CreateHoldingList(b, request_id, false, protocol::to_wire(why), t));
  return w.finish(wire::CreateOrderList(b, request_id, false, protocol::to_wire(why), t));
}

std::span<const std::uint8_t> list_orders(protocol::FrameWriter& w, const Server& server,
                                          const PrincipalState& ps, std::uint64_t request_id) {
  auto& b = w.fbb();
  std::vector<flatbuffers::Offset<wire::OpenOrder>> orders;
  bool truncated = false;
  for (const auto& [id, o] : ps.view.open()) {
    if (orders.size() >= kMaxListedOrders) {
      truncated = true;
      break;
    }
    const engine::InstrumentSpec* spec = server.instrument_spec(o.instrument);
    const Principal* agent = o.by_agent ? server.agent() : nullptr;
    orders.push_back(wire::CreateOpenOrder(
        b, id, ps.client_of(id), o.instrument, spec != nullptr ? b.CreateString(spec->symbol) : 0,
        protocol::to_wire(o.side), o.price, o.remaining,
        agent != nullptr ? b.CreateString(agent->name) : 0, o.host, o.swarm));
  }
  return w.finish(wire::CreateOrderList(b, request_id, true, wire::RejectReason::None, 0,
                                        b.CreateString(ps.principal.name), b.CreateVector(orders),
                                        truncated));
}

std::span<const std::uint8_t> list_holdings(protocol::FrameWriter& w, const Server& server,
                                            const PrincipalState& ps, std::uint64_t request_id,
                                            std::int64_t now_ns) {
  auto& b = w.fbb();
  std::vector<flatbuffers::Offset<wire::Holding>> holdings;
  bool truncated = false;
  const auto add = [&](engine::InstrumentId instrument, const std::string& symbol,
                       std::int64_t start_ns, std::int64_t end_ns, engine::HostId host,
                       engine::Qty qty, bool spot) {
    if (holdings.size() >= kMaxListedHoldings) {
      truncated = true;
      return;
    }
    const Principal* h = server.principal_of_host(host);
    holdings.push_back(wire::CreateHolding(b, instrument, b.CreateString(symbol), start_ns, end_ns,
                                           host, h != nullptr ? b.CreateString(h->name) : 0, qty,
                                           spot));
  };
  for (const auto& [key, qty] : ps.held_windows()) {
    const auto& [product_id, start_ns, host] = key;
    const engine::Product* p = server.product_of(product_id);
    if (p == nullptr || qty <= 0 || start_ns + p->length_ns <= now_ns) continue;
    const std::int64_t window = engine::window_at(*p, start_ns);
    add(p->rules.id + engine::book_of(*p, window), engine::window_symbol(*p, window), start_ns,
        start_ns + p->length_ns, host, qty, false);
  }
  for (const SpotLease& l : ps.view.spot_leases()) {
    if (l.end_ns <= now_ns) continue;
    const engine::InstrumentSpec* spec = server.instrument_spec(l.instrument);
    add(l.instrument, spec != nullptr ? spec->symbol : std::string(), l.start_ns, l.end_ns, l.host,
        l.qty, true);
  }
  return w.finish(wire::CreateHoldingList(b, request_id, true, wire::RejectReason::None, 0,
                                          b.CreateString(ps.principal.name),
                                          b.CreateVector(holdings), truncated));
}

}  // namespace

void Server::catalog(std::uint32_t thread, std::uint64_t session, const wire::CatalogRequest& r) {
  publisher_->request(
      CatalogQuery{thread, session, r.request_id(), text_of(r.pool()), text_of(r.resource())});
}

void Server::own_view(std::uint32_t thread, std::uint64_t session, const Principal& whose,
                      std::uint64_t request_id, bool holdings) {
  IoThread& home = home_of(whose.id);
  const engine::OwnerId id = whose.id;
  boost::asio::post(home.context(), [this, &home, thread, session, id, request_id, holdings] {
    const PrincipalState* ps = home.principal(id);
    if (ps == nullptr) return;
    protocol::FrameWriter w;
    const auto bytes = holdings ? list_holdings(w, *this, *ps, request_id, wall_ns())
                                : list_orders(w, *this, *ps, request_id);
    OutItem item;
    item.kind = OutItem::Kind::Answer;
    item.session_id = session;
    item.frame = std::make_shared<const std::vector<std::uint8_t>>(bytes.begin(), bytes.end());
    io(thread).deliver(std::move(item));
  });
}

void Session::on_catalog_request(const wire::CatalogRequest& r) {
  thread_.server().catalog(thread_.index(), id_, r);
}

void Session::on_own_view(std::uint64_t request_id, const flatbuffers::String* named,
                          bool holdings) {
  const Principal* whose = principal_;
  const std::string name = text_of(named);
  if (!name.empty() && name != principal_->name) {
    if (principal_->role != Role::Operator)
      return send(
          refuse(thread_.writer(), holdings, request_id, RejectReason::WrongRole,
                 "only operators name another principal; '" + principal_->name + "' sees its own"));
    whose = thread_.server().principal_by_name(name);
    if (whose == nullptr || (whose->role != Role::Tenant && whose->role != Role::Host))
      return send(refuse(thread_.writer(), holdings, request_id, RejectReason::InvalidParameter,
                         "no tenant or host named '" + name + "'"));
  }
  thread_.server().own_view(thread_.index(), id_, *whose, request_id, holdings);
}

}  // namespace swarmex::gateway
