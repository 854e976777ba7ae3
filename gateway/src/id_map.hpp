// Private to the gateway: a map from 64-bit ids to small values that never pays for a whole
// rehash in one call. std::unordered_map rehashes every entry at once when it grows; with one map
// per principal filling at the same pace, those rehashes came in bursts that stalled the I/O
// thread for milliseconds and made most of the order->ack p99 (docs/PERFORMANCE.md). Here each of
// 16 segments, when full, hands its nodes over to a map with four times the buckets, a few per
// insert, by node handle (no allocation, no copy), and lookups look in both while that lasts.
//
// Why nodes and not open addressing: a flat table (tried first) scattered consecutive ids over
// the whole table, so every lookup of a recent order missed the cache, and pipelined throughput
// fell by a fifth; nodes allocated in insertion order keep the recent ones together.
// Entries are erased one by one (erase): the gateway forgets a client order id once its order
// ended and the dedup horizon passed (dedup_window.hpp), so a map holds a bounded number.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <utility>

namespace swarmex::gateway {

template <typename V>
class IdMapSegment {
 public:
  // `stagger` (any number) picks the first capacity between 16 and 63 entries, so that segments
  // filling at the same pace grow at different times: each growth zeroes a new bucket array, and
  // all of them at once were a stall again.
  explicit IdMapSegment(std::uint64_t stagger = 0)
      : capacity_(16 + (stagger * 0x9E3779B97F4A7C15ull) % 48) {
    cur_.reserve(capacity_);
  }

  [[nodiscard]] const V* find(std::uint64_t key) const {
    if (const auto it = cur_.find(key); it != cur_.end()) return &it->second;
    if (!old_.empty()) {
      if (const auto it = old_.find(key); it != old_.end()) return &it->second;
    }
    return nullptr;
  }
  [[nodiscard]] V* find(std::uint64_t key) {
    return const_cast<V*>(std::as_const(*this).find(key));
  }

  // Inserts, or overwrites the value of a key already held.
  void put(std::uint64_t key, const V& value) {
    if (!old_.empty()) {
      if (const auto it = old_.find(key); it != old_.end()) {  // not handed over yet
        it->second = value;
        return;
      }
    } else if (cur_.size() == capacity_ && cur_.find(key) == cur_.end()) {
      grow();
    }
    cur_.insert_or_assign(key, value);  // within what cur_ was reserved for: never rehashes
    migrate(kMovesPerInsert);
  }

  // Removes the key; false when it was not held. The segment keeps its capacity (a later insert
  // reuses it without growing).
  bool erase(std::uint64_t key) {
    if (cur_.erase(key) != 0) return true;
    return !old_.empty() && old_.erase(key) != 0;
  }

  [[nodiscard]] std::size_t size() const noexcept { return cur_.size() + old_.size(); }
  [[nodiscard]] bool growing() const noexcept { return !old_.empty(); }
  // Start-up: room for `n` entries at once, so a rebuild of a known size never grows on the way.
  void reserve(std::size_t n) {
    if (n <= capacity_) return;
    migrate(old_.size());
    capacity_ = n;
    cur_.reserve(capacity_);
  }
  // Buckets of both maps: changes only when a growth starts or ends, never inside an insert.
  [[nodiscard]] std::size_t buckets() const noexcept {
    return cur_.bucket_count() + (old_.empty() ? 0 : old_.bucket_count());
  }

  // Nodes handed over per insert while growing. The full map holds c entries and the new one is
  // reserved for 4c, so it is full again after 3c more inserts; four a time empty the old one
  // after c / 4. Each move is an insert: growing by 2 and moving two at a time cost a fifth of
  // pipelined throughput, growing by 4 and moving four nothing measurable (docs/PERFORMANCE.md).
  static constexpr std::size_t kMovesPerInsert = 4;

 private:
  void grow() {
    old_.swap(cur_);
    capacity_ *= 4;
    cur_ = Map();
    cur_.reserve(capacity_);
  }
  void migrate(std::size_t n) {
    for (; n > 0 && !old_.empty(); --n)
      cur_.insert(old_.extract(old_.begin()));
    if (old_.empty() && old_.bucket_count() > 1) Map().swap(old_);  // frees its buckets
  }

  using Map = std::unordered_map<std::uint64_t, V>;
  std::size_t capacity_;  // entries cur_ is reserved for
  Map cur_;
  Map old_;  // handing its nodes to cur_; empty otherwise
};

// The map the gateway uses: 16 IdMapSegments. A growth zeroes a bucket array of four times the
// segment's entries; one map of a million ids zeroes 32 MiB in one insert (milliseconds), sixteen
// segments a sixteenth of it each (bench/id_map_bench.cpp measures both against the plain map).
template <typename V>
class IdMap {
 public:
  // `stagger` (any number, e.g. the principal id) staggers the segments' first capacities.
  explicit IdMap(std::uint64_t stagger = 0)
      : segments_(make_segments(stagger, std::make_index_sequence<kSegments>{})) {}

  [[nodiscard]] const V* find(std::uint64_t key) const {
    return segments_[segment_of(key)].find(key);
  }
  [[nodiscard]] V* find(std::uint64_t key) { return segments_[segment_of(key)].find(key); }
  // Inserts, or overwrites the value of a key already held.
  void put(std::uint64_t key, const V& value) { segments_[segment_of(key)].put(key, value); }
  bool erase(std::uint64_t key) { return segments_[segment_of(key)].erase(key); }
  // Start-up: room for about `n` more entries (spread over the segments, with slack).
  void reserve(std::size_t n) {
    const std::size_t each = (n + n / 4) / kSegments + 64;
    for (auto& s : segments_)
      s.reserve(s.size() + each);
  }

  [[nodiscard]] std::size_t size() const noexcept {
    std::size_t n = 0;
    for (const auto& s : segments_)
      n += s.size();
    return n;
  }

  static constexpr std::size_t kSegments = 16;

 private:
  template <std::size_t... I>
  static std::array<IdMapSegment<V>, kSegments> make_segments(std::uint64_t stagger,
                                                              std::index_sequence<I...>) {
    return {IdMapSegment<V>(stagger * kSegments + I)...};
  }
  // By a hash of the key's high bits: 1,024 consecutive ids share a segment, so the recent ones
  // stay close together (hashing the whole key cost twice the time per order).
  static std::size_t segment_of(std::uint64_t key) noexcept {
    return static_cast<std::size_t>(((key >> 10) * 0x9E3779B97F4A7C15ull) >> 60);
  }
  std::array<IdMapSegment<V>, kSegments> segments_;
};

}  // namespace swarmex::gateway
