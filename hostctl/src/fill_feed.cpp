#include "swarmex/hostctl/fill_feed.hpp"

namespace swarmex::hostctl {

std::uint64_t feed_start(const std::optional<SubjectTail>& tail, std::uint64_t last_enacted) {
  if (tail && tail->fill_seq <= last_enacted) return tail->stream_seq + 1;
  return 1;
}

FeedStep feed_step(std::uint64_t seq, std::uint64_t prev, std::uint64_t last_enacted) {
  if (seq <= last_enacted) return FeedStep::Duplicate;
  if (prev > last_enacted) return FeedStep::Gap;
  return FeedStep::Take;
}

}  // namespace swarmex::hostctl
