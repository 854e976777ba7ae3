#include "notice_board.hpp"

namespace swarmex::gateway {

void NoticeBoard::add(Notice n, std::int64_t now_ns) {
  if (lead_ns_ <= 0 || n.lease_end_ns <= now_ns) return;
  n.notify_at_ns = n.lease_end_ns - lead_ns_;  // already past for a short lease: at once
  queue_.push(n);
}

void NoticeBoard::take_due(std::int64_t now_ns, std::vector<Notice>& out) {
  while (!queue_.empty() && queue_.top().notify_at_ns <= now_ns) {
    out.push_back(queue_.top());
    queue_.pop();
  }
}

}  // namespace swarmex::gateway
