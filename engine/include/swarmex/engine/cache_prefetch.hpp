// A software prefetch the optimiser keeps. GCC treats __builtin_prefetch as free of side effects:
// it drops one inside conditional code, and drops calls to functions that only prefetch, which is
// exactly what cache warming ahead of a batch is made of.
#pragma once

namespace swarmex::engine {

inline void prefetch_line(const void* p) noexcept {
#if defined(__x86_64__) || defined(__i386__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#else
  __builtin_prefetch(p);
#endif
}

}  // namespace swarmex::engine
