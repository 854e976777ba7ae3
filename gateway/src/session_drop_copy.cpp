// Session: the drop copy (drop_copy_log.hpp) for operators. A subscriber is served from its
// housekeeping: each round sends what the log holds after its cursor while the session's outbound
// backlog stays under a quarter of outbound_queue_bytes, so a slow reader falls behind without
// being cut off or costing other sessions their buffers.
#include "io_thread.hpp"
#include "reports.hpp"
#include "server.hpp"
#include "session.hpp"

namespace swarmex::gateway {

using engine::RejectReason;

namespace {

constexpr std::size_t kReadEntries = 512;

std::span<const std::uint8_t> encode_drop_copy(protocol::FrameWriter& w, const Server& server,
                                               std::uint64_t seq, const DropCopyEntry& entry) {
  const engine::Event& e = entry.event;
  const bool maker = entry.maker != 0;
  const ExecReport r = report_for(e, maker ? FillParty::Maker : FillParty::Taker, e.time_ns);
  const Principal* owner = server.principal_by_id(maker ? e.maker_owner : e.owner);
  auto& b = w.fbb();
  const auto name = owner != nullptr ? b.CreateString(owner->name) : 0;
  const auto report = create_report(b, r, server.history());
  return w.finish(wire::CreateDropCopyReport(b, seq, name, entry.partition, report));
}

}  // namespace

void Session::on_subscribe_drop_copy(const wire::SubscribeDropCopy& s) {
  if (principal_->role != Role::Operator)
    return send_error(RejectReason::WrongRole, "the drop copy is for operators");
  const DropCopyLog& log = thread_.server().drop_copy();
  const std::uint64_t next = log.next_seq();
  if (s.from_seq() > next)
    return send_error(RejectReason::InvalidParameter, "from_seq " + std::to_string(s.from_seq()) +
                                                          " is past the next entry, " +
                                                          std::to_string(next));
  drop_copy_next_ = s.from_seq() == 0 ? next : std::max(s.from_seq(), log.oldest_seq());
  drop_copy_caught_up_ = false;
  pump_drop_copy();
}

void Session::pump_drop_copy() {
  if (!drop_copy_next_ || closing_ || closed_) return;
  Server& server = thread_.server();
  const DropCopyLog& log = server.drop_copy();
  const std::uint64_t budget_bytes = server.config().server.outbound_queue_bytes / 4;
  std::vector<DropCopyEntry> entries;
  while (pending_.size() + writing_.size() < budget_bytes) {
    entries.clear();
    const auto n = log.read(*drop_copy_next_, kReadEntries, entries);
    if (!n)
      return close(RejectReason::InvalidParameter, "drop copy entries before " +
                                                       std::to_string(log.oldest_seq()) +
                                                       " are no longer kept; resume from there");
    if (*n == 0) break;
    for (const DropCopyEntry& e : entries)
      send(encode_drop_copy(thread_.writer(), server, (*drop_copy_next_)++, e));
  }
  if (!drop_copy_caught_up_ && *drop_copy_next_ >= log.next_seq()) {
    drop_copy_caught_up_ = true;
    protocol::FrameWriter& w = thread_.writer();
    send(w.finish(wire::CreateDropCopyStatus(w.fbb(), *drop_copy_next_, log.oldest_seq(), true)));
  }
}

}  // namespace swarmex::gateway
