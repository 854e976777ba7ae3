// Private to the gateway: a map from 64-bit ids to small values that never pays for a whole
// rehash in one call. std::unordered_map rehashes every entry at once when it grows; with one map
// per principal filling at the same pace, those rehashes came in bursts that stalled the I/O
// thread for milliseconds and made the whole of the order->ack p99 (docs/PERFORMANCE.md). Here
// growth allocates a table twice the size and every later insert moves a few slots of the old
// one, so the most any call does is a fixed, small amount of work. Entries are never erased: the
// ids it holds are remembered for the life of the process.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace swarmex::gateway {

template <typename V>
class FlatIdMap {
 public:
  explicit FlatIdMap(std::size_t initial_slots = 64) : cur_(table_of(initial_slots)) {}

  [[nodiscard]] const V* find(std::uint64_t key) const noexcept {
    if (key == 0) return has_zero_ ? &zero_value_ : nullptr;
    if (const Slot* s = probe(cur_, key); s->key == key) return &s->value;
    if (old_.slots) {
      if (const Slot* s = probe(old_, key); s->key == key) return &s->value;
    }
    return nullptr;
  }
  [[nodiscard]] V* find(std::uint64_t key) noexcept {
    return const_cast<V*>(std::as_const(*this).find(key));
  }

  // Inserts, or overwrites the value of a key already held.
  void put(std::uint64_t key, const V& value) {
    if (V* held = find(key)) {  // an unmoved key of the old table is updated where it is
      *held = value;
      return;
    }
    if (key == 0) {
      has_zero_ = true;
      zero_value_ = value;
      ++size_;
      return;
    }
    if ((cur_.used + 1) * 2 > cur_.mask + 1) grow();
    place(cur_, key, value);
    ++size_;
    migrate(kSlotsPerInsert);
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  // Slots allocated in both tables: what the map costs, in units of sizeof(key) + sizeof(V).
  [[nodiscard]] std::size_t slots() const noexcept {
    return cur_.mask + 1 + (old_.slots ? old_.mask + 1 : 0);
  }
  [[nodiscard]] bool growing() const noexcept { return old_.slots != nullptr; }

  // Old slots moved per insert while growing. A table is grown at half full, so the old one has
  // n slots and n / 2 entries, and the new one (2n slots) grows again after n / 2 more inserts:
  // moving 8 slots an insert empties the old table after n / 8 of them, well before.
  static constexpr std::size_t kSlotsPerInsert = 8;

 private:
  struct Slot {
    std::uint64_t key;  // 0: empty (key 0 itself lives in zero_value_)
    V value;
  };
  static_assert(std::is_trivially_copyable_v<V>, "slots are allocated zeroed, not constructed");
  struct Free {
    void operator()(Slot* p) const noexcept { std::free(p); }
  };
  struct Table {
    std::unique_ptr<Slot[], Free> slots;
    std::size_t mask = 0;  // slots - 1, a power of two
    unsigned shift = 64;   // 64 - log2(slots), for Fibonacci hashing
    std::size_t used = 0;
  };

  static Table table_of(std::size_t min_slots) {
    std::size_t n = 8;
    unsigned bits = 3;
    while (n < min_slots) {
      n <<= 1;
      ++bits;
    }
    // calloc, not a loop that zeroes: a large table comes as fresh zero pages from the kernel,
    // so growing costs page faults spread over the inserts that touch them, not one memset.
    auto* slots = static_cast<Slot*>(std::calloc(n, sizeof(Slot)));
    if (slots == nullptr) throw std::bad_alloc();
    return Table{std::unique_ptr<Slot[], Free>(slots), n - 1, 64 - bits, 0};
  }
  // The slot holding `key`, or the empty slot where the probe for it ends.
  static Slot* probe(const Table& t, std::uint64_t key) noexcept {
    std::size_t i = static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> t.shift);
    while (t.slots[i].key != key && t.slots[i].key != 0)
      i = (i + 1) & t.mask;
    return &t.slots[i];
  }
  static void place(Table& t, std::uint64_t key, const V& value) noexcept {
    Slot* s = probe(t, key);
    s->key = key;
    s->value = value;
    ++t.used;
  }
  void grow() {
    if (old_.slots) migrate(old_.mask + 1 - cursor_);  // never happens at these rates: safety
    old_ = std::move(cur_);
    cur_ = table_of(2 * (old_.mask + 1));
    cursor_ = 0;
  }
  // Moves up to `n` slots of the old table into the current one; frees it once all are moved.
  // A moved key stays readable in the old table too, but find() looks in the current one first.
  void migrate(std::size_t n) noexcept {
    if (!old_.slots) return;
    const std::size_t end = std::min(old_.mask + 1, cursor_ + n);
    for (; cursor_ < end; ++cursor_) {
      const Slot& s = old_.slots[cursor_];
      if (s.key != 0) place(cur_, s.key, s.value);
    }
    if (cursor_ == old_.mask + 1) old_ = Table{};
  }

  Table cur_;
  Table old_;               // the table being emptied into cur_, or none
  std::size_t cursor_ = 0;  // old_ slots before this one are moved
  std::size_t size_ = 0;
  bool has_zero_ = false;
  V zero_value_{};
};

}  // namespace swarmex::gateway
