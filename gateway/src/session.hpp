// One client connection: reads frames, checks each (framing, verification, logon, role,
// ownership, rate), turns orders into engine commands, and writes through a bounded outbound
// buffer. Lives on one I/O thread; after logon it moves to its principal's home thread.
// session.cpp: framing, buffers and the connection's life; session_logon.cpp: the logon and the
// hand-off; session_rate.cpp: the rate limit; session_commands.cpp (with session_swarm.cpp and
// session_resale.cpp): each message's translation into engine commands.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>
#include "swarmex/gateway/asio.hpp"

#include "principal_state.hpp"
#include "standby_board.hpp"
#include "swarmex/common/clock.hpp"
#include "swarmex/protocol/codec.hpp"
#include "swarmex/protocol/enums.hpp"

namespace swarmex::gateway {

class IoThread;

// What a session carries from the thread it logged on to its principal's home thread.
struct LogonState {
  const Principal* principal = nullptr;
  std::uint64_t resume_from_seq = 0;
  bool cancel_on_disconnect = false;
  std::uint32_t heartbeat_interval_ms = 0;
  std::optional<StandbyTerms> standby;  // a host logging on as standby
};

// A Logon held while its token is checked off this thread (the frame's bytes are not kept).
struct LogonRequest {
  std::string name;
  std::string token;
  Role role = Role::Tenant;
  const Principal* principal = nullptr;  // the name's principal of that role, if any
  bool known = false;                    // a configured principal of that name
  std::uint64_t resume_from_seq = 0;
  bool cancel_on_disconnect = false;  // as asked (hosts: unless they keep their orders)
  std::uint32_t heartbeat_interval_ms = 0;
  bool standby = false;
  StandbyTerms terms;
  std::uint64_t expect_history = 0;  // the history the client's positions belong to; 0: any
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(IoThread& thread, boost::asio::ip::tcp::socket socket, std::uint64_t id);
  // Arriving on the home thread after logon, with any bytes already read behind the Logon.
  Session(IoThread& thread, boost::asio::ip::tcp::socket socket, std::uint64_t id,
          const LogonState& logon, std::vector<std::uint8_t> unread, std::int64_t connected_ns);

  void start();
  // Appends to the outbound buffer and writes it — at the end of the drain when its thread is
  // draining, so the reports of one drain leave in one write.
  void send(std::span<const std::uint8_t> frame);
  // Writes what is buffered: at once when the socket takes it all (no handler round), else the
  // rest through an async write.
  void flush();
  // Sends Error{reason, text}, then closes once it is written.
  void close(engine::RejectReason reason, const std::string& text);
  void abort(const std::string& why);  // closes at once (slow reader, socket error)
  // Market data (session_market_data.cpp). A book update or trade for this subscriber: sent, or
  // dropped and its book marked dirty while the socket is not taking a backlog over
  // market_data.conflate_backlog_bytes (the book's latest snapshot follows once it does).
  void send_market_data(engine::InstrumentId instrument, std::span<const std::uint8_t> frame);
  // A snapshot this session asked for (first, again or after conflation): updates flow again.
  void send_snapshot(engine::InstrumentId instrument, std::span<const std::uint8_t> frame);
  void housekeeping(std::int64_t now_ns);
  // Accepted, not logged on: holds a pending slot of `source` (an address) until it logs on or
  // closes.
  void hold_pending_slot(std::string source) {
    source_ = std::move(source);
    pending_slot_ = true;
  }

  [[nodiscard]] std::uint64_t id() const noexcept { return id_; }
  [[nodiscard]] bool logged_on() const noexcept { return principal_ != nullptr; }
  [[nodiscard]] const Principal* principal() const noexcept { return principal_; }
  [[nodiscard]] const std::string& remote() const noexcept { return remote_; }
  [[nodiscard]] std::uint64_t messages_in() const noexcept { return messages_in_; }
  [[nodiscard]] std::uint64_t messages_out() const noexcept { return messages_out_; }
  [[nodiscard]] bool cancel_on_disconnect() const noexcept { return cancel_on_disconnect_; }
  [[nodiscard]] bool standby() const noexcept { return standby_.has_value(); }

 private:
  void read();
  void process_input();
  void handle(const wire::Message& m, engine::RejectReason verdict);
  void on_logon(const wire::Logon& l);
  void finish_logon(std::uint64_t resume_from_seq);
  // After the token check (here or on the verifier): logs on as `p`, on this thread or its home.
  void admit_logon(const Principal& p);
  void on_verified(bool ok);  // the verifier's answer, posted to this thread
  void refuse_logon(engine::RejectReason reason, const std::string& text);
  void release_pending_slot();
  void on_new_order(const wire::NewOrder& o, engine::RejectReason verdict);
  void on_swarm_order(const wire::NewSwarmOrder& o, engine::RejectReason verdict);  // session_swarm
  void on_block_order(const wire::NewBlockOrder& o, engine::RejectReason verdict);  // session_swarm
  // What every swarm order shares, whatever it is built from: the first reason to refuse it
  // (codec verdict, role, client order id), the command without its legs, and the partition check
  // and submission.
  // The scheduled product a block order or reservation change names (null: none, or several
  // and no length).
  [[nodiscard]] const engine::Product* requested_product(std::string_view resource,
                                                         std::string_view pool,
                                                         std::uint32_t length_s) const;
  [[nodiscard]] engine::RejectReason swarm_admission(std::uint64_t client_order_id,
                                                     engine::RejectReason verdict) const;
  [[nodiscard]] engine::Command swarm_command(std::uint64_t client_order_id, wire::TimeInForce tif,
                                              std::int64_t limit_total) const;
  void submit_swarm(engine::Command& c, const std::function<void(engine::RejectReason)>& reject);
  // Resale and reservation changes (session_resale.cpp).
  // `owner`: the seller, the principal itself or (for the agent) the tenant it names.
  void on_resale(const wire::NewOrder& o, const Principal& owner,
                 const std::function<void(engine::RejectReason)>& reject);
  void on_change_reservation(const wire::ChangeReservation& o, engine::RejectReason verdict);
  [[nodiscard]] engine::Command resell_command(std::uint64_t client_order_id, engine::HostId host,
                                               wire::TimeInForce tif, std::int64_t price) const;
  void submit_resell(engine::Command& c, const std::function<void(engine::RejectReason)>& reject);
  void on_cancel(const wire::CancelOrder& c);
  void on_modify(const wire::ModifyOrder& m);
  void on_mass_cancel(const wire::MassCancel& m);
  void on_subscribe_market_data(const wire::SubscribeMarketData& s);
  // The snapshots of the books this session does not have yet (or whose last snapshot is older
  // than market_data.resnapshot_interval_ms); empty `ids`: every spot instrument.
  void subscribe_books(std::vector<engine::InstrumentId> ids, std::uint32_t depth);
  // Its backlog written: the latest snapshot of each dirty book.
  void refresh_dirty_books();
  void check_market_data_stuck(std::int64_t now_ns);
  void on_subscribe_fills(const wire::SubscribeFills& s);
  void on_admin(const wire::Admin& a);
  void on_enactment(const wire::EnactmentReport& r);
  void on_declare_supply(const wire::DeclareSupply& d);
  // Usage telemetry (session_usage.cpp).
  void on_usage_report(const wire::UsageReport& r);
  void on_subscribe_usage(const wire::SubscribeUsage& s);
  // The drop copy (session_drop_copy.cpp): operators only; served from housekeeping.
  void on_subscribe_drop_copy(const wire::SubscribeDropCopy& s);
  void pump_drop_copy();
  // The autopilot (session_autopilot.cpp).
  void on_autopilot_set(const wire::AutopilotSet& a);
  void on_autopilot_off(const wire::AutopilotOff& a);
  void on_autopilot_status(const wire::AutopilotStatus& a);
  // The agent's Forecast notice, forwarded as it came to the tenant's sessions.
  void on_forecast(const wire::Forecast& f);
  // The catalog and the principal's own view (session_own_view.cpp). `named`: the principal an
  // operator asks about (empty: the sender).
  void on_catalog_request(const wire::CatalogRequest& r);
  void on_own_view(std::uint64_t request_id, const flatbuffers::String* named, bool holdings);
  // The tenant principal of that name, or null.
  [[nodiscard]] const Principal* tenant_named(const flatbuffers::String* name) const;
  // A gateway-level reject of an order command: an execution report to this session only.
  void reject_order(engine::RejectReason why, std::uint64_t client_order_id, engine::OrderId id,
                    engine::InstrumentId instrument, engine::Side side, engine::Price price,
                    engine::Qty qty);
  void send_error(engine::RejectReason reason, const std::string& text);
  // The rate limit (session_rate.cpp): true when `m` may go on; else it has been answered.
  [[nodiscard]] bool admit(const wire::Message& m);
  // Fair share (session_limits.cpp). A logon, on the principal's home thread, past its
  // limits.sessions: refused (LogonReject) and closing; true when so.
  bool refuse_over_session_limit(const Principal& p, PrincipalState& ps);
  // A market-data subscription within the principal's depth_levels and subscriptions (counted
  // over its sessions): true, and counted; else answered by an Error and nothing is subscribed.
  [[nodiscard]] bool take_subscriptions(const std::vector<engine::InstrumentId>& ids,
                                        std::uint32_t depth);
  bool take_token(std::int64_t now_ns);
  void finish_close();
  void detach();  // posted by finish_close: leave the principal, market data and the thread

  IoThread& thread_;
  boost::asio::ip::tcp::socket socket_;
  std::uint64_t id_;
  std::string remote_;
  std::string reject_text_;  // the next reject_order's text (where a pool is served), then cleared
  const Principal* principal_ = nullptr;
  PrincipalState* state_ = nullptr;
  bool cancel_on_disconnect_ = false;
  std::optional<StandbyTerms> standby_;  // as logged on
  std::uint64_t resume_from_seq_ = 0;
  bool closing_ = false;
  bool closed_ = false;
  bool migrated_ = false;  // handed to the home thread: this object no longer owns the socket
  std::string source_;     // the peer's address (the pending bounds and logon backoff key)
  bool pending_slot_ = false;
  bool verifying_ = false;  // a Logon's token is being checked: nothing more is read meanwhile
  LogonRequest logon_;

  std::vector<std::uint8_t> in_;  // [in_start_, in_end_) holds unread bytes
  std::size_t in_start_ = 0;
  std::size_t in_end_ = 0;
  std::vector<std::uint8_t> aligned_;  // frames copied to an 8-byte boundary for reading

  std::vector<std::uint8_t> pending_;  // frames waiting for the write in flight
  std::vector<std::uint8_t> writing_;
  bool write_active_ = false;
  bool flush_due_ = false;  // queued for its thread's end-of-drain flush

  std::int64_t connected_ns_;
  std::int64_t last_rx_ns_;
  std::int64_t last_tx_ns_;
  std::int64_t partial_since_ns_ = 0;  // a frame has been arriving since
  std::uint32_t heartbeat_interval_ms_;
  double tokens_;
  std::int64_t tokens_at_ns_;
  std::uint64_t rate_rejects_in_row_ = 0;
  std::uint64_t messages_in_ = 0;
  std::uint64_t messages_out_ = 0;
  // Market data subscriptions: each book's state for this session.
  struct MdBook {
    enum class State : std::uint8_t { Requested, Live, Dirty, Refreshing };
    State state = State::Requested;
    std::uint32_t depth = 10;
    std::int64_t snapshot_ns = 0;  // when its last snapshot was asked for
  };
  std::unordered_map<engine::InstrumentId, MdBook> md_books_;
  std::size_t md_dirty_ = 0;             // books in state Dirty
  std::int64_t md_conflated_since_ = 0;  // steady ns; 0: not conflating
  std::uint64_t md_conflations_ = 0;
  bool md_send_ = false;      // send() of market data: flushed after the drain's other frames
  bool flush_first_ = false;  // queued for its thread's end-of-drain flush of reports
  std::optional<std::uint64_t> drop_copy_next_;  // a drop copy subscriber: the next seq to send
  bool drop_copy_caught_up_ = false;
  std::vector<engine::InstrumentId> subscribed_;  // market data, sorted (take_subscriptions)
};

using common::steady_ns;
using common::wall_ns;

}  // namespace swarmex::gateway
