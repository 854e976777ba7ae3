// Overflow-checked int64 arithmetic: prices and quantities never wrap silently.
#pragma once

#include <cstdint>

namespace swarmex::engine {

// Returns false (and leaves *out unspecified) when a * b does not fit in int64.
inline bool checked_mul(std::int64_t a, std::int64_t b, std::int64_t* out) noexcept {
  return !__builtin_mul_overflow(a, b, out);
}

inline bool checked_add(std::int64_t a, std::int64_t b, std::int64_t* out) noexcept {
  return !__builtin_add_overflow(a, b, out);
}

}  // namespace swarmex::engine
