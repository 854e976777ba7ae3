// Interruption notices: a configured time before an allocation's lease ends, its tenant and its
// host are told (a "2-minute warning"), so the workload can save its state. The publisher adds
// one entry per fill (live and replayed, so a restart rebuilds the board) and takes what is due.
// Notices go to the sessions connected at that moment; they are not part of the replayable
// report streams.
#pragma once

#include <cstdint>
#include <queue>
#include <vector>

#include "swarmex/engine/types.hpp"

namespace swarmex::gateway {

struct Notice {
  std::int64_t notify_at_ns = 0;
  engine::InstrumentId instrument = 0;
  engine::HostId host = 0;
  engine::OwnerId tenant = 0;
  engine::OwnerId host_principal = 0;
  engine::Qty qty = 0;
  engine::Seq engine_seq = 0;
  engine::OrderId buy_order_id = 0;
  engine::OrderId sell_order_id = 0;
  std::int64_t lease_start_ns = 0;
  std::int64_t lease_end_ns = 0;
};

class NoticeBoard {
 public:
  // lead_ns 0: no notices.
  explicit NoticeBoard(std::int64_t lead_ns) : lead_ns_(lead_ns) {}

  // Keeps the notice of a lease unless notices are off or the lease has ended by `now_ns`.
  void add(Notice n, std::int64_t now_ns);
  // Moves every notice due at `now_ns` into `out` (earliest first).
  void take_due(std::int64_t now_ns, std::vector<Notice>& out);
  [[nodiscard]] std::size_t size() const noexcept { return queue_.size(); }
  [[nodiscard]] std::int64_t lead_ns() const noexcept { return lead_ns_; }

 private:
  struct Later {
    bool operator()(const Notice& a, const Notice& b) const noexcept {
      return a.notify_at_ns > b.notify_at_ns;
    }
  };
  std::int64_t lead_ns_;
  std::priority_queue<Notice, std::vector<Notice>, Later> queue_;
};

}  // namespace swarmex::gateway
