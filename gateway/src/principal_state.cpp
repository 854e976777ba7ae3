#include "principal_state.hpp"

namespace swarmex::gateway {

PrincipalBounds principal_bounds(const Config& config) {
  const ServerConfig& sc = config.server;
  PrincipalBounds b;
  b.replay_reports = std::max<std::uint64_t>(
      1, std::min(sc.replay_buffer, sc.replay_buffer_bytes / sizeof(ExecReport)));
  b.replay_fills = std::max<std::uint64_t>(
      1, std::min(sc.replay_buffer, sc.replay_buffer_bytes / sizeof(HostFill)));
  b.dedup = DedupHorizon{sc.dedup_horizon_orders,
                         static_cast<std::int64_t>(sc.dedup_horizon_ms) * 1'000'000};
  b.partitions = std::max<std::uint32_t>(1, config.engine.partitions);
  return b;
}

void PrincipalState::note_end(const engine::Event& e, bool maker, std::uint32_t partition,
                              std::int64_t time_ns) {
  const engine::OrderId id = ended_order(e, maker);
  if (id == 0) return;
  const std::uint64_t client = client_of(id);
  if (client == 0) return;
  ClientOrder* co = by_client_.find(client);
  if (co == nullptr || co->live == 0) return;
  if (ends_all_legs(e)) {
    if (id != co->order_id) return;
    for (std::uint8_t i = 1; i < co->legs; ++i)
      legs_.erase(co->order_id + i);
    co->live = 0;
  } else {
    // A leg after the first must still be live; the first is the id itself. Anything else is an
    // order whose client order id was since used again: that one ended long ago.
    if (id != co->order_id && legs_.erase(id) == 0) return;
    --co->live;
  }
  if (co->live != 0) return;
  co->end_ns = time_ns;
  ended_[partition % ended_.size()].add(
      EndedOrder{client, co->order_id, co->instrument, co->legs, time_ns}, bounds_.dedup,
      [this](const EndedOrder& o) { forget(o); });
}

void PrincipalState::restore_ended(std::uint32_t partition, const std::deque<EndedOrder>& ended) {
  for (const EndedOrder& o : ended) {
    const ClientOrder* co = by_client_.find(o.client_order_id);
    if (co == nullptr || co->live == 0)
      by_client_.put(o.client_order_id, ClientOrder{o.first, o.instrument, o.legs, 0, o.end_ns});
    for (std::uint8_t i = 0; i < o.legs; ++i)
      client_of_.put(o.first + i, o.client_order_id);
    ended_[partition % ended_.size()].add(o, bounds_.dedup,
                                          [this](const EndedOrder& old) { forget(old); });
  }
}

void PrincipalState::forget(const EndedOrder& o) {
  if (const ClientOrder* co = by_client_.find(o.client_order_id);
      co != nullptr && co->order_id == o.first && co->live == 0)
    by_client_.erase(o.client_order_id);
  for (std::uint8_t i = 0; i < o.legs; ++i)
    if (client_of(o.first + i) == o.client_order_id) client_of_.erase(o.first + i);
}

}  // namespace swarmex::gateway
