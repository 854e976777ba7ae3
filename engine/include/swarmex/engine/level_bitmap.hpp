// Two-level bitmap over a book's price levels: finds the next occupied level above or below a
// given one in O(words) with count-leading/trailing-zero instructions.
#pragma once

#include <bit>
#include <cstdint>
#include <vector>

namespace swarmex::engine {

class LevelBitmap {
 public:
  static constexpr std::int64_t kNone = -1;

  explicit LevelBitmap(std::uint32_t levels = 0)
      : words_((levels + 63) / 64, 0), summary_((words_.size() + 63) / 64, 0) {}

  void set(std::uint32_t i) noexcept {
    words_[i >> 6] |= 1ull << (i & 63);
    summary_[i >> 12] |= 1ull << ((i >> 6) & 63);
  }
  void clear(std::uint32_t i) noexcept {
    std::uint64_t& w = words_[i >> 6];
    w &= ~(1ull << (i & 63));
    if (w == 0) summary_[i >> 12] &= ~(1ull << ((i >> 6) & 63));
  }
  [[nodiscard]] bool test(std::uint32_t i) const noexcept {
    return (words_[i >> 6] >> (i & 63)) & 1;
  }

  // Highest set index <= i, or kNone.
  [[nodiscard]] std::int64_t find_at_or_below(std::int64_t i) const noexcept {
    if (i < 0) return kNone;
    std::int64_t wi = i >> 6;
    const std::uint64_t w = words_[wi] & (~0ull >> (63 - (i & 63)));
    if (w) return (wi << 6) + 63 - std::countl_zero(w);
    if (--wi < 0) return kNone;
    for (std::int64_t si = wi >> 6; si >= 0; --si) {
      std::uint64_t s = summary_[si];
      if (si == (wi >> 6)) s &= ~0ull >> (63 - (wi & 63));
      if (s) {
        const std::int64_t word = (si << 6) + 63 - std::countl_zero(s);
        return (word << 6) + 63 - std::countl_zero(words_[word]);
      }
    }
    return kNone;
  }

  // Lowest set index >= i, or kNone.
  [[nodiscard]] std::int64_t find_at_or_above(std::int64_t i) const noexcept {
    const std::int64_t nwords = static_cast<std::int64_t>(words_.size());
    std::int64_t wi = i >> 6;
    if (wi >= nwords) return kNone;
    const std::uint64_t w = words_[wi] & (~0ull << (i & 63));
    if (w) return (wi << 6) + std::countr_zero(w);
    if (++wi >= nwords) return kNone;
    const std::int64_t nsum = static_cast<std::int64_t>(summary_.size());
    for (std::int64_t si = wi >> 6; si < nsum; ++si) {
      std::uint64_t s = summary_[si];
      if (si == (wi >> 6)) s &= ~0ull << (wi & 63);
      if (s) {
        const std::int64_t word = (si << 6) + std::countr_zero(s);
        return (word << 6) + std::countr_zero(words_[word]);
      }
    }
    return kNone;
  }

  [[nodiscard]] std::size_t bytes() const noexcept {
    return (words_.size() + summary_.size()) * sizeof(std::uint64_t);
  }

 private:
  std::vector<std::uint64_t> words_;
  std::vector<std::uint64_t> summary_;
};

}  // namespace swarmex::engine
