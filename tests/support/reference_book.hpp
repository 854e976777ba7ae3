// A small, obviously correct order book used as the differential oracle for the engine: std::map
// price levels, std::list FIFOs, linear scans, and a state hash recomputed from scratch. It
// implements the same documented semantics as swarmex::engine::Engine and must produce identical
// events for identical commands.
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <map>
#include <vector>

#include "swarmex/engine/command.hpp"
#include "swarmex/engine/event.hpp"
#include "swarmex/engine/instrument.hpp"

namespace swarmex::testing {

class ReferenceBook {
 public:
  explicit ReferenceBook(std::uint32_t order_capacity);

  void add_instrument(const engine::InstrumentSpec& spec);
  void apply(const engine::Command& cmd, engine::EventBuffer& out);
  [[nodiscard]] std::uint64_t state_hash() const;
  [[nodiscard]] engine::Seq last_seq() const { return last_seq_; }
  [[nodiscard]] std::size_t resting_orders() const { return live_; }

 private:
  struct Order {
    engine::OrderId id;
    engine::OwnerId owner;
    engine::HostId host;
    engine::Side side;
    engine::Price price;
    engine::Qty qty;
    engine::Seq priority_seq;
    std::uint8_t flags;
  };
  using Fifo = std::list<Order>;
  struct Book {
    engine::InstrumentSpec spec;
    bool halted = false;
    std::map<engine::Price, Fifo> levels[2];  // [Side]
  };
  struct Located {
    Book* book;
    engine::Side side;
    engine::Price price;
    Fifo::iterator it;
  };

  Book* find_book(engine::InstrumentId id);
  bool find_order(engine::OrderId id, Located* where);
  static std::vector<engine::Price> prices_best_first(const Book& b, engine::Side side);
  static bool crosses(engine::Side resting, engine::Price level, engine::Price limit);

  engine::RejectReason check_price_qty(const Book& b, engine::Price price, engine::Qty qty) const;
  engine::RejectReason check_new(const engine::NewOrder& o, Book* b);
  void on_new(const engine::Command& cmd, engine::EventBuffer& out);
  void on_cancel(const engine::Command& cmd, engine::EventBuffer& out);
  void on_modify(const engine::Command& cmd, engine::EventBuffer& out);
  void on_mass_cancel(const engine::Command& cmd, engine::EventBuffer& out);
  void on_halt(const engine::Command& cmd, bool halt, engine::EventBuffer& out);

  struct Taker {
    engine::OrderId id;
    engine::OwnerId owner;
    engine::HostId host;
    engine::Side side;
    engine::StpMode stp;
    engine::Qty leaves;
    engine::Price limit;  // may lie outside the band (market orders with nothing to trade)
  };
  bool match(Book& b, Taker& t, engine::EventBuffer& out);
  void rest(Book& b, const Taker& t, std::uint8_t flags, engine::EventBuffer& out);
  void emit_level(const Book& b, engine::Side side, engine::Price price, engine::EventBuffer& out);
  engine::Event cancelled(const Book& b, const Order& o, engine::CancelReason why) const;
  engine::Event echo(const engine::Command& cmd, engine::EventKind kind,
                     engine::RejectReason why = engine::RejectReason::None) const;

  std::deque<Book> books_;  // creation order, which mass cancel follows; stable addresses
  std::map<engine::OrderId, Located> where_;  // every resting order (list iterators are stable)
  std::uint32_t capacity_;
  std::size_t live_ = 0;
  engine::Seq last_seq_ = 0;
  engine::Seq seq_ = 0;       // sequence of the command being applied
  std::int64_t time_ns_ = 0;  // its time: a spot fill's lease starts there
  engine::CommandKind kind_ = engine::CommandKind::NewOrder;
};

}  // namespace swarmex::testing
