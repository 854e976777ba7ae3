// Small builders for engine commands, so scenarios read like order tickets.
#pragma once

#include "swarmex/engine/command.hpp"

namespace swarmex::demo {

using engine::Command;
using engine::CommandKind;
using engine::OrderId;
using engine::OrderType;
using engine::Side;
using engine::StpMode;
using engine::TimeInForce;

struct OrderTicket {
  OrderId order_id = 0;
  engine::InstrumentId instrument = 0;
  engine::OwnerId owner = 0;
  engine::HostId host = 0;  // the selling host on asks
  Side side = Side::Buy;
  OrderType type = OrderType::Limit;
  TimeInForce tif = TimeInForce::Gtc;
  StpMode stp =
      StpMode::None;  // only the buy-back step needs it: bids and asks have different owners
  bool post_only = false;
  engine::Price price = 0;  // market: protection price, 0 = from the instrument's protection ticks
  engine::Qty qty = 0;
  engine::Qty min_qty = 0;
};

inline Command new_order(const OrderTicket& t) {
  Command c;
  c.kind = CommandKind::NewOrder;
  c.new_order =
      engine::NewOrder{t.order_id, t.instrument, t.owner, t.host, t.side,    t.type,    t.tif,
                       t.stp,      t.post_only,  t.price, t.qty,  t.min_qty, t.order_id};
  return c;
}

inline Command cancel_order(OrderId id, engine::OwnerId owner, engine::InstrumentId instrument) {
  Command c;
  c.kind = CommandKind::CancelOrder;
  c.cancel = engine::CancelOrder{id, owner, instrument};
  return c;
}

inline Command modify_order(OrderId id, engine::OwnerId owner, engine::InstrumentId instrument,
                            engine::Price new_price, engine::Qty new_qty) {
  Command c;
  c.kind = CommandKind::ModifyOrder;
  c.modify = engine::ModifyOrder{id, owner, instrument, new_price, new_qty};
  return c;
}

inline Command mass_cancel(engine::OwnerId owner, engine::InstrumentId instrument) {
  Command c;
  c.kind = CommandKind::MassCancel;
  c.mass_cancel = engine::MassCancel{owner, instrument};
  return c;
}

inline Command control(CommandKind halt_or_resume, engine::InstrumentId instrument) {
  Command c;
  c.kind = halt_or_resume;
  c.control = engine::InstrumentControl{instrument};
  return c;
}

// The order a command concerns (new, cancelled or modified), 0 for the others.
inline OrderId order_of(const Command& c) noexcept {
  switch (c.kind) {
    case CommandKind::NewOrder:
      return c.new_order.order_id;
    case CommandKind::CancelOrder:
      return c.cancel.order_id;
    case CommandKind::ModifyOrder:
      return c.modify.order_id;
    default:
      return 0;
  }
}

using engine::routing_instrument;

}  // namespace swarmex::demo
