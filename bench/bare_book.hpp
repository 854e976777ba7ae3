// The floor swarmex-flow-bench compares the engine against: the simplest fast book we could write.
// Price levels are arrays over the whole band, orders live in one flat vector indexed directly by
// order id, each level is an intrusive FIFO through that vector. No events, no self-trade
// prevention, no state hash, no validation beyond staying in bounds.
#pragma once

#include <cstdint>
#include <vector>

#include "swarmex/engine/command.hpp"

namespace swarmex::bench {

class BareBook {
 public:
  // Order ids must lie in [0, max_order_id]; prices in [1, band_max].
  BareBook(const std::vector<engine::InstrumentId>& instruments, engine::Price band_max,
           engine::OrderId max_order_id);

  void apply(const engine::Command& cmd) noexcept;

  [[nodiscard]] std::uint64_t fills() const noexcept { return fills_; }
  [[nodiscard]] std::uint64_t resting() const noexcept { return resting_; }

 private:
  static constexpr std::uint32_t kNil = 0xFFFFFFFFu;
  static constexpr std::uint16_t kNoBook = 0xFFFF;

  struct Node {  // one per order id
    engine::Qty qty = 0;
    std::uint32_t next = kNil;
    std::uint32_t prev = kNil;
    std::uint32_t price = 0;
    std::uint16_t book = 0;
    std::uint8_t side = 0;
    bool live = false;
  };
  struct Level {
    std::uint32_t head = kNil;
    std::uint32_t tail = kNil;
  };
  struct BookSide {
    std::vector<Level> levels;  // indexed by price
    std::int64_t best = -1;     // -1: empty
    std::uint32_t orders = 0;
  };
  struct Book {
    BookSide sides[2];  // [engine::Side]
  };

  void add(std::uint32_t id, std::uint16_t book, engine::Side side, engine::Price price,
           engine::Qty qty, bool rest) noexcept;
  void match(Book& b, engine::Side side, engine::Price limit, engine::Qty& qty) noexcept;
  void link(BookSide& s, std::uint32_t id, engine::Side side) noexcept;
  void unlink(BookSide& s, std::uint32_t id, engine::Side side) noexcept;
  // Moves `best` from an emptied level to the next occupied one, scanning the array.
  void advance_best(BookSide& s, engine::Side side) const noexcept;

  std::vector<Book> books_;
  std::vector<std::uint16_t> book_of_instrument_;
  std::vector<Node> nodes_;
  engine::Price band_max_;
  std::uint64_t fills_ = 0;
  std::uint64_t resting_ = 0;
};

}  // namespace swarmex::bench
