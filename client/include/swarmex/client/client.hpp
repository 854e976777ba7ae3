// A blocking client of the Swarmex wire protocol over one TCP connection (TCP_NODELAY): the CLI,
// the load generator and the end-to-end tests speak to swarmexd through it. Sends and receives
// reuse their buffers, so the steady state allocates nothing per message. Not thread-safe: one
// thread drives a Client at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "swarmex/engine/types.hpp"
#include "swarmex/protocol/codec.hpp"
#include "swarmex/protocol/enums.hpp"

namespace swarmex::client {

// Server frames can be larger than client frames (snapshots, session lists).
inline constexpr std::uint32_t kDefaultClientMaxFrameBytes = 16 * 1024 * 1024;

// Connection failures, end of stream, socket errors, timeouts of blocking sends, and frames from
// the server that fail verification.
class ClientError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Endpoint {
  std::string host;
  std::uint16_t port = 0;
};
// "host:port" or "[v6]:port"; throws std::invalid_argument.
Endpoint parse_endpoint(std::string_view text);

// A host's standby terms for its Logon (see the Logon table): listed but not sold until the
// exchange sends Activate.
struct StandbyTerms {
  std::uint32_t activate_ppm = 0;
  std::uint32_t deactivate_ppm = 0;
  std::uint32_t deactivate_after_ms = 0;
};

struct LogonResult {
  engine::RejectReason reason = engine::RejectReason::None;  // None: logged on
  std::string text;                                          // LogonReject / Error text
  std::uint64_t session_id = 0;
  std::uint32_t principal_id = 0;
  wire::Role role = wire::Role::Tenant;
  std::uint32_t host_id = 0;  // hosts only
  std::uint64_t next_stream_seq = 0;
  std::uint32_t heartbeat_interval_ms = 0;
  // The exchange history (LogonAck.history; 0 from a server that sends none). Stream sequences
  // belong to it: another history's streams start again at 1.
  std::uint64_t history = 0;
  // This Client knew another history (an earlier logon's, or expect_history()): the exchange
  // started afresh. Positions of the old history mean nothing here; `previous_history` names it.
  // A logon resuming (resume_from_seq > 0) is then refused instead (reason history_mismatch).
  bool history_changed = false;
  std::uint64_t previous_history = 0;

  [[nodiscard]] bool ok() const noexcept { return reason == engine::RejectReason::None; }
};

// The fields of a NewOrder.
struct OrderSpec {
  std::uint64_t client_order_id = 0;
  std::uint32_t instrument = 0;
  wire::Side side = wire::Side::Buy;
  wire::OrderType type = wire::OrderType::Limit;
  wire::TimeInForce time_in_force = wire::TimeInForce::Gtc;
  std::int64_t price = 0;
  std::int64_t qty = 0;
  std::int64_t min_qty = 0;
  wire::StpMode stp = wire::StpMode::CancelNewest;
  bool post_only = false;
  std::int64_t expire_time_ns = 0;  // Gtd only: the exchange time the order expires at
  std::uint32_t resale_host = 0;    // tenants selling: the host of the window allocation resold
  std::string on_behalf_of = {};    // the agent: the tenant it buys for
  bool pegged = false;              // hosts' limit asks: price is the base for the pool's curve
  std::int64_t display_qty = 0;     // > 0: an iceberg showing this much at a time
};

// A tenant's autopilot grant (AutopilotSet): what the agent may buy for it.
struct AutopilotSpec {
  std::uint64_t request_id = 0;
  std::string resource;
  std::string pool;
  std::uint32_t length_s = 0;  // the window product's length; 0 for spot
  std::int64_t max_unit_price = 0;
  std::int64_t budget_per_hour = 0;
  double target = 0.94;  // the forecast quantile bought
};

// A reservation change: delta > 0 buys it in every window (block order), delta < 0 resells it
// from the allocation held from `host` (one resale request).
struct ChangeSpec {
  std::uint64_t client_order_id = 0;
  std::string resource;
  std::string pool;
  std::uint32_t length_s = 0;
  std::int64_t start_ns = 0;
  std::uint32_t windows = 1;
  std::int64_t delta_qty = 0;
  std::int32_t delta_pct = 0;  // instead of delta_qty: percent of what is held per window
  std::int64_t unit_price = 0;
  std::uint32_t host = 0;
  wire::Placement placement = wire::Placement::SameHost;
  wire::TimeInForce time_in_force = wire::TimeInForce::Ioc;
};

// The fields of a NewSwarmOrder: either legs, or a template by name with a count and a pool.
// One resource in consecutive windows of a scheduled product, all or none.
struct BlockOrderSpec {
  std::uint64_t client_order_id = 0;
  std::string resource;
  std::string pool;
  std::uint32_t length_s = 0;  // 0: the only product of that resource and pool
  std::int64_t start_ns = 0;   // the first window's start
  std::uint32_t windows = 1;
  std::int64_t qty = 0;            // per window, unless qtys
  std::vector<std::int64_t> qtys;  // one per window
  wire::Placement placement = wire::Placement::SameHost;
  std::int64_t limit_total = 0;
  wire::TimeInForce time_in_force = wire::TimeInForce::Ioc;
};

struct SwarmSpec {
  std::uint64_t client_order_id = 0;
  std::vector<wire::SwarmLeg> legs;  // {instrument, qty}
  wire::Placement placement = wire::Placement::SameHost;
  std::int64_t limit_total = 0;
  wire::TimeInForce time_in_force = wire::TimeInForce::Ioc;
  std::string template_name;
  std::uint32_t template_count = 1;
  std::string pool;
};

// Names an order: the exchange's order_id, or the client_order_id it was sent with.
struct OrderRef {
  std::uint64_t client_order_id = 0;
  std::uint64_t order_id = 0;
};

// Admin SetPricing: a pool's curve for one resource (u and f as fractions: 0.8 and 2.5 for
// "at 80 % utilisation, 2.5 x the base") and its incentive policy. No points removes it.
struct PricingSpec {
  std::string pool;
  std::string resource;
  std::vector<std::pair<double, double>> curve;
  double target = 0;               // incentives: utilisation under this ...
  std::int64_t idle_after_ms = 0;  // ... for this long announces a cut (0: none)
  double cut = 0;                  // the cut, as a fraction of the price
  std::int64_t valid_ms = 0;
};

// Admin SetParams: a field left at 0 keeps its value.
struct ParamsSpec {
  std::uint32_t instrument = 0;
  std::int64_t band_min = 0;
  std::int64_t band_max = 0;
  std::int64_t min_qty = 0;
  std::int64_t max_qty = 0;
  std::int64_t market_protection_ticks = 0;
};

// Admin CreateInstrument (a spot instrument). Fields left at 0 take the [[instruments]] defaults
// (lot 1, min_qty 1, max_qty 1,000,000, market protection 100, lease 3600 s); tick and band
// must be set.
struct InstrumentSpec {
  std::uint32_t id = 0;
  std::string symbol{};
  std::string resource{};
  std::string pool{};
  std::int64_t tick = 0;
  std::int64_t lot = 0;
  std::int64_t min_qty = 0;
  std::int64_t max_qty = 0;
  std::int64_t band_min = 0;
  std::int64_t band_max = 0;
  std::int64_t market_protection_ticks = 0;
  std::int64_t lease_s = 0;
};

// One resource's sample in a UsageReport (units: docs/protocol.md, UsageSample).
struct UsageSampleSpec {
  wire::UsageResource resource = wire::UsageResource::Cpu;
  std::int64_t used = 0;
  std::int64_t peak = 0;
  std::int64_t held = 0;
  std::string device;  // io: "major:minor"
};

// A moved-from Client may only be destroyed or assigned to.
class Client {
 public:
  explicit Client(std::uint32_t max_frame_bytes = kDefaultClientMaxFrameBytes);
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Resolves and connects within `timeout`; throws ClientError.
  void connect(std::string_view host, std::uint16_t port, std::chrono::milliseconds timeout);
  void connect(const Endpoint& endpoint, std::chrono::milliseconds timeout) {
    connect(endpoint.host, endpoint.port, timeout);
  }
  void close() noexcept;
  [[nodiscard]] bool is_open() const noexcept;
  // The socket (non-blocking) for epoll-driven callers; -1 when closed.
  [[nodiscard]] int native_handle() const noexcept;

  // ---- sending: a frame from FrameWriter, or any bytes for tests -------------------------------
  // Writes the frame, after anything queued. Blocks at most send_timeout() for socket space.
  void send(std::span<const std::uint8_t> frame);
  // Writes bytes as they are (malformed frames, partial frames) without looking at them.
  void send_raw(std::span<const std::uint8_t> bytes) { send(bytes); }
  // Appends to the send buffer without writing; flush() writes it all.
  void queue(std::span<const std::uint8_t> frame);
  void flush();
  [[nodiscard]] std::size_t queued_bytes() const noexcept;
  // With batching on, the typed helpers below queue instead of sending.
  void set_batching(bool on) noexcept;
  void set_send_timeout(std::chrono::milliseconds timeout) noexcept;
  [[nodiscard]] std::chrono::milliseconds send_timeout() const noexcept;

  // ---- receiving -------------------------------------------------------------------------------
  // The next verified message, or nullptr when none arrives within `timeout` (zero: never
  // waits; a year or more: waits for ever). The pointer stays valid until the next receive /
  // try_receive. Throws ClientError on end of stream, socket errors and frames that fail
  // decode_frame.
  const wire::Message* receive(std::chrono::nanoseconds timeout);
  // receive() that never waits: one non-blocking read at most.
  const wire::Message* try_receive() { return receive(std::chrono::nanoseconds::zero()); }
  // Whole frames already buffered (no system call needed to return them).
  [[nodiscard]] bool has_buffered_frame() const noexcept;

  // ---- session ---------------------------------------------------------------------------------
  // Sends Logon and waits for LogonAck / LogonReject (or Error), skipping heartbeats.
  LogonResult logon(std::string_view principal, std::string_view token, wire::Role role,
                    std::uint64_t resume_from_seq = 0, bool cancel_on_disconnect = false,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5),
                    bool keep_orders = false);
  void heartbeat(std::int64_t time_ns = 0);
  // The exchange history this client's stream positions belong to (saved by the caller from an
  // earlier LogonResult::history): a logon that resumes asks for it (Logon.expect_history), and
  // any logon into another reports history_changed. Each LogonAck's history replaces it.
  void expect_history(std::uint64_t history) noexcept;
  // The history of the last logon (or expect_history()); 0 when none is known.
  [[nodiscard]] std::uint64_t history() const noexcept;
  // Every later logon() asks for standby with these terms (none: an ordinary logon).
  void set_standby(std::optional<StandbyTerms> terms);

  // ---- typed requests (one frame each) ---------------------------------------------------------
  void new_order(const OrderSpec& order);
  void new_swarm_order(const SwarmSpec& swarm);
  void new_block_order(const BlockOrderSpec& block);
  void change_reservation(const ChangeSpec& change);
  // Hosts: this host's capacity of the resource of `instrument` (its supply group).
  void declare_supply(std::uint32_t instrument, std::int64_t capacity);
  // Hosts: what `tenant` used over the last interval_ms (client_usage.cpp).
  void usage_report(std::string_view tenant, std::uint32_t interval_ms, std::int64_t time_ns,
                    std::span<const UsageSampleSpec> samples);
  // Tenants (their own) and operators (`tenant`, or every tenant when empty): the held history,
  // the last `last` samples per tenant and resource (0: all), then with `follow` new reports.
  void subscribe_usage(std::string_view tenant, bool follow, std::uint32_t last = 60);
  // Operators: every principal's execution reports from `from_seq` (1: the oldest kept; 0: only
  // new ones), then DropCopyStatus{caught_up}, then each new one (client_drop_copy.cpp).
  // Throws ClientError, sending nothing, when from_seq > 1 and the last logon found another
  // history (history_changed): the position belongs to the old one.
  void subscribe_drop_copy(std::uint64_t from_seq);
  // `on_behalf_of`: the agent names the tenant it placed the order for.
  void cancel_order(std::uint32_t instrument, OrderRef ref, std::string_view on_behalf_of = {});
  void modify_order(std::uint32_t instrument, OrderRef ref, std::int64_t price, std::int64_t qty);
  void mass_cancel(std::uint32_t instrument = engine::kAllInstruments);
  void subscribe_market_data(std::span<const std::uint32_t> instruments, std::uint32_t depth = 10);
  // Throws ClientError, sending nothing, when from_seq > 0 and the last logon found another
  // history (history_changed): the position belongs to the old one.
  void subscribe_fills(std::uint32_t host_id, std::uint64_t from_seq);
  void enactment_report(std::uint64_t fill_stream_seq, bool enforced, std::string_view reason,
                        std::int64_t fill_to_enforced_ns);

  // The autopilot (client_autopilot.cpp): tenants grant and withdraw (answered by
  // AutopilotAck); tenants, the agent and operators read the grants (AutopilotGrants).
  void autopilot_set(const AutopilotSpec& grant);
  void autopilot_off(std::uint64_t request_id, std::string_view resource, std::string_view pool);
  void autopilot_status(std::uint64_t request_id);

  // Any principal: the capacity catalog (Catalog), optionally of one pool and / or resource
  // (client_catalog.cpp).
  void catalog(std::uint64_t request_id, std::string_view pool = {},
               std::string_view resource = {});
  // The principal's resting orders (OrderList) / holdings (HoldingList); operators may name
  // `tenant`.
  void orders(std::uint64_t request_id, std::string_view tenant = {});
  void holdings(std::uint64_t request_id, std::string_view tenant = {});

  void admin_create_instrument(std::uint64_t request_id, const InstrumentSpec& spec);
  void admin_set_params(std::uint64_t request_id, const ParamsSpec& params);
  // client_pricing.cpp: pool pricing and fees.
  void admin_set_pricing(std::uint64_t request_id, const PricingSpec& pricing);
  void admin_set_fees(std::uint64_t request_id, std::uint32_t instrument, std::int32_t maker_bps,
                      std::int32_t taker_bps);
  // client_auctions.cpp: an instrument's trading mode (batch auctions every interval_ms, or
  // continuous) and circuit breaker (off: removed; the numbers are then ignored).
  void admin_set_trading_mode(std::uint64_t request_id, std::uint32_t instrument, bool batch,
                              std::uint32_t interval_ms);
  void admin_set_breaker(std::uint64_t request_id, std::uint32_t instrument,
                         std::uint32_t max_move_bps, std::uint32_t window_ms,
                         std::uint32_t cooloff_ms, bool off);
  void admin_halt(std::uint64_t request_id, std::uint32_t instrument);
  // The end of the trading day: Day orders of the spot instrument (or of all: the default) end.
  void admin_end_day(std::uint64_t request_id, std::uint32_t instrument = engine::kAllInstruments);
  void admin_resume(std::uint64_t request_id, std::uint32_t instrument);
  void admin_take_snapshot(std::uint64_t request_id);
  void admin_list_instruments(std::uint64_t request_id);
  void admin_list_sessions(std::uint64_t request_id);

  // For messages without a helper: build on writer().fbb(), then send(writer().finish(body)).
  protocol::FrameWriter& writer() noexcept;

  [[nodiscard]] std::uint64_t bytes_sent() const noexcept;
  [[nodiscard]] std::uint64_t bytes_received() const noexcept;

 private:
  struct Impl;
  void emit(std::span<const std::uint8_t> frame);
  void admin(std::uint64_t request_id, wire::AdminAction type, flatbuffers::Offset<void> action);
  void note_history(LogonResult& result);
  // Throws when the last logon found another history: `from_seq` of `stream` is the old one's.
  void refuse_old_position(const char* stream, std::uint64_t from_seq) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace swarmex::client
