// A small, obviously correct order book used as the differential oracle for the engine: std::map
// price levels, std::list FIFOs, linear scans, and a state hash recomputed from scratch. It
// implements the same documented semantics as swarmex::engine::Engine (docs/matching.md) and must
// produce identical events for identical commands: spot books, delivery windows (products, the
// calendar Roll, gate closure), quantity supply groups and resale of held window capacity. Swarm
// orders have their own oracle (swarm_reference_test); GPU (mig.*) supply groups are not modelled.
#pragma once

#include <cstdint>
#include <deque>
#include <limits>
#include <list>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "swarmex/engine/calendar.hpp"
#include "swarmex/engine/command.hpp"
#include "swarmex/engine/event.hpp"
#include "swarmex/engine/instrument.hpp"

namespace swarmex::testing {

class ReferenceBook {
 public:
  explicit ReferenceBook(std::uint32_t order_capacity);

  void add_instrument(const engine::InstrumentSpec& spec);
  // A scheduled product: window books with consecutive ids, listing the windows trading now.
  void add_product(const engine::Product& p);
  void apply(const engine::Command& cmd, engine::EventBuffer& out);
  [[nodiscard]] std::uint64_t state_hash() const;
  [[nodiscard]] engine::Seq last_seq() const { return last_seq_; }
  [[nodiscard]] std::size_t resting_orders() const { return live_; }
  // What `owner` holds of window book `instrument` from `host` and has not offered back.
  [[nodiscard]] engine::Qty held(engine::InstrumentId instrument, engine::OwnerId owner,
                                 engine::HostId host) const;

 private:
  static constexpr std::uint8_t kPostOnlyFlag = 4;
  static constexpr std::uint8_t kResaleFlag = 8;
  static constexpr std::int64_t kIdle = std::numeric_limits<std::int64_t>::min();

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
    std::size_t resource = 0;                 // index in resources_
    bool gpu = false;                         // a mig.* book
    int product = -1;                         // index in products_, -1 for spot
    std::int64_t window = kIdle;              // the window a book lists (kIdle: none)
  };
  struct Located {
    Book* book;
    engine::Side side;
    engine::Price price;
    Fifo::iterator it;
  };
  struct ProductRef {
    engine::Product p;
    std::uint32_t books;
  };
  // One sale of a supply group: qty units over [from_ns, to_ns).
  struct Sale {
    std::int64_t from_ns;
    std::int64_t to_ns;
    engine::Qty qty;
  };
  struct Group {
    engine::HostId host = 0;
    std::size_t resource = 0;
    engine::Qty capacity = 0;
    std::vector<Sale> sales;
    // Sales before this time are summed into one change at it (the engine's fold; hashed).
    std::int64_t folded_ns = std::numeric_limits<std::int64_t>::min();
  };
  struct Lease {
    std::int64_t from_ns;
    std::int64_t to_ns;
  };
  using HoldingKey = std::tuple<engine::InstrumentId, engine::OwnerId, engine::HostId>;

  Book* find_book(engine::InstrumentId id);
  bool find_order(engine::OrderId id, Located* where);
  static std::vector<engine::Price> prices_best_first(const Book& b, engine::Side side);
  static bool crosses(engine::Side resting, engine::Price level, engine::Price limit);

  engine::RejectReason check_price_qty(const Book& b, engine::Price price, engine::Qty qty) const;
  engine::RejectReason check_new(const engine::NewOrder& o, Book* b);
  void dispatch(const engine::Command& cmd, engine::EventBuffer& out);
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
    engine::Price limit;     // may lie outside the band (market orders with nothing to trade)
    bool resale = false;     // sells held capacity, not its host's supply
    bool exhausted = false;  // its host's group has no room left: it stops trading
  };
  bool match(Book& b, Taker& t, engine::EventBuffer& out);
  void rest(Book& b, const Taker& t, std::uint8_t flags, engine::EventBuffer& out);
  // Takes a resting order off its level (no events); a resale ask gives its rest back.
  void remove(Book& b, Fifo& fifo, Fifo::iterator it, bool give_back);
  void emit_level(const Book& b, engine::Side side, engine::Price price, engine::EventBuffer& out);
  engine::Event cancelled(const Book& b, const Order& o, engine::CancelReason why) const;
  engine::Event echo(const engine::Command& cmd, engine::EventKind kind,
                     engine::RejectReason why = engine::RejectReason::None) const;

  // Delivery windows (reference_calendar.cpp).
  [[nodiscard]] bool trading(const Book& b) const;
  [[nodiscard]] std::int64_t window_trading(const ProductRef& pr, std::uint32_t book,
                                            std::int64_t now_ns) const;
  void on_roll(const engine::Command& cmd, engine::EventBuffer& out);
  void roll(engine::EventBuffer* out);
  void close_window(Book& b, engine::EventBuffer& out);

  // Supply groups (reference_supply.cpp).
  void on_set_supply(const engine::Command& cmd, engine::EventBuffer& out);
  Group* group_of(const Book& b, engine::HostId host);
  [[nodiscard]] Lease lease_of(const Book& b) const;
  static void fold(Group& g, std::int64_t time_ns);
  [[nodiscard]] static engine::Qty room(const Group& g, const Lease& lease);
  // The group's sold quantity changes as the engine keeps them (folded), and the most sold at
  // any time in them.
  [[nodiscard]] static std::map<std::int64_t, engine::Qty> timeline(const Group& g);
  [[nodiscard]] static engine::Qty peak_ever(const Group& g);
  // Sold at `time_ns` as the folded timeline says (nothing before the fold).
  [[nodiscard]] static engine::Qty sold_at(const Group& g, std::int64_t time_ns);
  void touch(Group* g);
  // A host ask came to rest or changed: its group looks at its asks after the command unless
  // the ask fits the least room of any lease.
  void note_ask(const Book& b, const Order& o);
  void fit(Group& g, engine::EventBuffer& out);
  [[nodiscard]] std::uint64_t supply_hash() const;

  // Resale (reference_resale.cpp).
  void on_resell(const engine::Command& cmd, engine::EventBuffer& out);
  engine::RejectReason check_resell(const engine::Resell& r);
  void credit(engine::InstrumentId instrument, engine::OwnerId owner, engine::HostId host,
              engine::Qty qty);
  [[nodiscard]] std::uint64_t holdings_hash() const;

  std::deque<Book> books_;  // creation order, which mass cancel follows; stable addresses
  std::map<engine::OrderId, Located> where_;  // every resting order (list iterators are stable)
  std::vector<ProductRef> products_;
  std::vector<std::string> resources_;  // resource names as books are added (mig.*: "mig")
  std::deque<Group> groups_;            // stable addresses
  std::vector<Group*> touched_;         // groups the current command touched, in order
  std::map<HoldingKey, engine::Qty> holdings_;
  std::uint32_t capacity_;
  std::size_t live_ = 0;
  engine::Seq last_seq_ = 0;
  engine::Seq seq_ = 0;  // sequence of the command being applied
  engine::CommandKind kind_ = engine::CommandKind::NewOrder;
  std::int64_t now_ns_ = 0;       // the command's time: a spot fill's lease starts there
  std::int64_t calendar_ns_ = 0;  // the latest Roll's time (never goes back)
};

}  // namespace swarmex::testing
