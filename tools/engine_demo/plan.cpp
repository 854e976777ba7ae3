#include "plan.hpp"

#include <algorithm>

namespace swarmex::demo {

Plan make_plan(std::vector<Command> commands, std::size_t scripted,
               journal::ExchangeAssembly& exchange) {
  Plan plan;
  plan.commands = std::move(commands);
  plan.scripted = scripted;
  plan.by_partition.resize(exchange.partitions());
  OrderId max_id = 0;
  for (const Command& c : plan.commands)
    max_id = std::max(max_id, order_of(c));
  plan.seller_host.assign(max_id + 1, 0);
  for (std::uint32_t i = 0; i < plan.commands.size(); ++i) {
    const Command& c = plan.commands[i];
    if (c.kind == CommandKind::NewOrder && c.new_order.side == Side::Sell)
      plan.seller_host[c.new_order.order_id] = c.new_order.host;
    const engine::InstrumentId routed = routing_instrument(c);
    if (c.kind == CommandKind::MassCancel && routed == engine::kAllInstruments) {
      for (auto& partition_commands : plan.by_partition)
        partition_commands.push_back(i);
    } else {
      plan.by_partition[exchange.routing().partition_of(routed)].push_back(i);
    }
  }
  return plan;
}

}  // namespace swarmex::demo
