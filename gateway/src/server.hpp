// swarmexd's gateway: owns the exchange (partitions, journals), the I/O threads and the publisher;
// accepts connections and serves authentication, admin and cross-thread requests.
#pragma once

#include <concurrentqueue/blockingconcurrentqueue.h>
#include <atomic>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>
#include "swarmex/gateway/asio.hpp"

#include "admission.hpp"
#include "dashboard.hpp"
#include "drop_copy_log.hpp"
#include "exchange.hpp"
#include "expiry_clock.hpp"
#include "io_thread.hpp"
#include "logon_verifier.hpp"
#include "metrics.hpp"
#include "pool_map.hpp"
#include "publisher.hpp"
#include "standby_board.hpp"
#include "swarmex/gateway/config.hpp"
#include "usage_board.hpp"

namespace swarmex::gateway {

class Session;
class FillSink;

class Server {
 public:
  // Recovers the exchange from its journals; throws on bad configuration or corruption.
  // `replicators`: durability replicated / replicated+sync, one per partition (cluster_node.hpp).
  explicit Server(Config config, std::vector<journal::JournalReplicator*> replicators = {});
  ~Server();

  // A cluster's hot standby (server_follow.cpp), before start(): commands the leader sequenced,
  // applied as the start-up replay applies them; partition's state hash after them.
  std::uint64_t follow(std::uint32_t partition, std::span<const engine::Command> commands);
  // The standby takes over, before start(): the journals publish through `replicators`; one line
  // per partition for the recovery log (journal::ExchangeAssembly::lead).
  std::vector<std::string> lead(const std::vector<journal::JournalReplicator*>& replicators);
  void start();  // binds and starts serving; throws when the address cannot be bound
  // /metrics on server.metrics_listen, if set (start() does it; a cluster's standby before it).
  void serve_metrics();
  void stop();
  [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
  // The operator dashboard (server.dashboard_listen), or null when off; its port is 0 when it
  // could not listen.
  [[nodiscard]] Dashboard* dashboard() noexcept { return dashboard_.get(); }
  // Before start(): where host fills also go (a cluster leader's fan-out, fill_sink.hpp); null:
  // their sessions only. It must outlive the server's I/O threads.
  void set_fill_sink(FillSink* sink) noexcept { fill_sink_ = sink; }
  [[nodiscard]] FillSink* fill_sink() const noexcept { return fill_sink_; }
  [[nodiscard]] std::uint16_t dashboard_port() const noexcept {
    return dashboard_ ? dashboard_->port() : 0;
  }
  // The Prometheus metrics (server.metrics_listen set), or null; their port once started.
  [[nodiscard]] ExchangeMetrics* metrics() noexcept { return metrics_.get(); }
  [[nodiscard]] int metrics_port() const { return metrics_ ? metrics_->port() : 0; }
  [[nodiscard]] const std::vector<std::string>& recovery_log() const {
    return exchange_->recovery_log();
  }

  [[nodiscard]] const Config& config() const noexcept { return config_; }
  // This exchange history's id (exchange_history.hpp): in LogonAck, Fill and ExecutionReport.
  [[nodiscard]] std::uint64_t history() const noexcept { return history_; }
  Exchange& exchange() noexcept { return *exchange_; }
  DropCopyLog& drop_copy() noexcept { return *drop_copy_; }
  IoThread& io(std::uint32_t i) noexcept { return *io_[i]; }
  [[nodiscard]] std::uint32_t io_threads() const noexcept {
    return static_cast<std::uint32_t>(io_.size());
  }
  // Pool pricing (server_pricing.cpp): the policies in force by (pool, resource), and an
  // incentive the engine announced or withdrew.
  [[nodiscard]] std::map<std::pair<std::string, std::string>, engine::PricingPolicy> policies()
      const;
  void note_incentive(const engine::Event& e);
  // Some instrument has a trading mode or breaker: from now on every roll_ms a Roll carries
  // sequenced time to every partition, so batches end and halts resume without orders.
  void note_auctions() noexcept { auctions_active_.store(true, std::memory_order_release); }
  IoThread& home_of(engine::OwnerId id) noexcept { return *io_[id % io_.size()]; }
  [[nodiscard]] const Principal* principal_by_id(engine::OwnerId id) const;
  [[nodiscard]] const Principal* principal_of_host(engine::HostId host) const;
  [[nodiscard]] const Principal* principal_by_name(std::string_view name) const;
  [[nodiscard]] bool has_instrument(engine::InstrumentId id) const;
  [[nodiscard]] const engine::InstrumentSpec* instrument_spec(engine::InstrumentId id) const;
  // The scheduled product an id is a window book of; null for spot instruments.
  [[nodiscard]] const engine::Product* product_of(engine::InstrumentId id) const;
  [[nodiscard]] bool journal_failed() const noexcept { return exchange_->journal_failed(); }
  // Pools across clusters (server_pools.cpp): None when this cluster serves every leg's pool;
  // PoolOnAnotherNode when all of them are one other cluster's, LegsSpanNodes when they are
  // several clusters'; `text` says where (the report's text). Unknown ids pass (checked later).
  engine::RejectReason pool_verdict(std::span<const engine::InstrumentId> legs,
                                    std::string* text) const;
  PoolMap& pool_map() noexcept { return pool_map_; }
  engine::OrderId next_order_id() noexcept { return next_order_id_.fetch_add(1); }
  // `n` consecutive ids (a resale request's legs); the first is returned.
  engine::OrderId next_order_ids(std::uint32_t n) noexcept { return next_order_id_.fetch_add(n); }

  // Logons (server_logon.cpp), on the session's thread. What to do with a Logon from `source`:
  // Accept (its token was verified before), Throttled (failed logons of the name or from the
  // source are backing off: refuse without checking) or Verify: check `token` against `hash` on
  // the verifier (the principal's hash, or for an unknown name or wrong role a dummy of the same
  // cost), then call logon_verified.
  struct LogonPlan {
    enum class Kind : std::uint8_t { Accept, Throttled, Verify };
    Kind kind = Kind::Verify;
    const Principal* principal = nullptr;  // null: unknown name or wrong role
    bool known = false;                    // a configured principal of that name
    std::int64_t wait_ns = 0;              // Throttled: how long
    std::string hash;                      // Verify
  };
  LogonPlan plan_logon(const std::string& source, const std::string& name, const std::string& token,
                       Role role);
  // The outcome of a Verify plan (its principal and known): the principal when `ok`, else null
  // (the failure counted).
  const Principal* logon_verified(const std::string& source, const std::string& name,
                                  const std::string& token, const Principal* principal, bool known,
                                  bool ok);
  Admission& admission() noexcept { return *admission_; }
  LogonVerifier& verifier() noexcept { return *verifier_; }
  // A logged-on session slot for a principal of `role`: false at max_sessions (for operators) or
  // max_sessions - reserved_operator_sessions (any other role).
  bool take_session_slot(Role role);
  void release_session_slot() noexcept { logged_on_sessions_.fetch_sub(1); }

  // Called on the session's thread.
  void note_logon(Session& s);
  // io_[0]'s housekeeping (steady time): hosts without a session past server.host_grace_ms are
  // declared lost, once per loss (server_hosts.cpp).
  void check_lost_hosts(std::int64_t now_ns);
  // A host principal's last session closed (its home thread).
  void note_host_gone(const Principal& host);
  // An enactment report's outcome: past server.host_failed_enactments failures in a row the host
  // is declared lost at once and its sessions closed (server_hosts.cpp).
  void note_enactment_outcome(const Principal& host, bool enforced);
  void note_logoff(Session& s, PrincipalState& state);
  void note_closed() noexcept { open_sessions_.fetch_sub(1); }
  void note_enactment(const Principal& host, std::uint64_t fill_seq, bool enforced,
                      std::int64_t latency_ns, const std::string& reason);
  void subscribe_market_data(std::uint32_t thread, std::uint64_t session,
                             std::vector<engine::InstrumentId> ids, std::uint32_t depth);
  // An operator's (or, for ListInstruments, anyone's) Admin request (server_admin.cpp).
  // SetParams goes to the engine; its AdminAck follows the engine's outcome (admin_outcome).
  void admin(std::uint32_t thread, std::uint64_t session, engine::OwnerId sender,
             const wire::Admin& a);
  // Any I/O thread: a GTD order submitted; the roll timer sends a Roll to every partition once
  // its time has come, so it expires then even when no other command arrives.
  void note_expiry(std::int64_t expire_ns) { expiries_.note(expire_ns); }
  // The publisher thread: the engine's Accepted / Rejected of an admin command. When accepted,
  // takes the parameters the outcome carries (or learns the new instrument) and answers the
  // request that sent it.
  void admin_outcome(const engine::Event& e);
  // The publisher thread (or start-up replay): the engine accepted a Halt or Resume.
  void note_halted(engine::InstrumentId id, bool halted);
  // Usage telemetry (server_usage.cpp), from any I/O thread. Never journaled: not matching input.
  // Keeps one host report's samples of `tenant` and forwards them to every follower who may read
  // them (usage_recipients.hpp).
  void record_usage(const Principal& tenant, std::span<const UsageRecord> records);
  // On the session's own thread: sends the history through `send` at once (the last `last`
  // samples per tenant and resource, while they fit in half the outbound queue), then
  // UsageHistoryEnd; with `follow`, every report recorded from now on goes to the session too.
  // `tenant` 0: every tenant (the caller has checked the viewer may read them).
  void subscribe_usage(std::uint32_t thread, std::uint64_t session, Role role,
                       engine::OwnerId viewer, engine::OwnerId tenant, std::uint32_t last,
                       bool follow, const std::function<void(std::span<const std::uint8_t>)>& send);
  void drop_usage_follower(std::uint64_t session);

  // The autopilot's grants (server_autopilot.cpp), from any I/O thread. A tenant's AutopilotSet
  // (`on`) or AutopilotOff goes to the engine; AutopilotAck follows its outcome. The agent and
  // operators read every grant, a tenant its own.
  void autopilot_request(std::uint32_t thread, std::uint64_t session, const Principal& tenant,
                         std::uint64_t request_id, bool on, const std::string& resource,
                         const std::string& pool, std::uint32_t length_s, engine::Price max_price,
                         engine::Price budget_per_hour, double target);
  void autopilot_status(std::uint32_t thread, std::uint64_t session, const Principal& viewer,
                        std::uint64_t request_id);
  // Public market information (any principal): the Catalog, answered from the publisher thread.
  void catalog(std::uint32_t thread, std::uint64_t session, const wire::CatalogRequest& r);
  // OrdersRequest / HoldingsRequest of `viewer` about `whose` (checked by the session): answered
  // from whose's home thread, where its PrincipalState lives (session_own_view.cpp).
  void own_view(std::uint32_t thread, std::uint64_t session, const Principal& whose,
                std::uint64_t request_id, bool holdings);
  // The agent principal (at most one is configured), or null.
  [[nodiscard]] const Principal* agent() const noexcept { return agent_; }
  // The spot instruments: the configuration's, then those created live.
  [[nodiscard]] std::vector<engine::InstrumentId> spot_instruments() const;

  // Standby hosts (server_standby.cpp). A host's logon, on its home thread: `terms` enrols it
  // on standby (inactive, again if it was); an ordinary logon changes nothing.
  void standby_logon(const Principal& host, std::uint32_t thread, std::uint64_t session,
                     const std::optional<StandbyTerms>& terms);
  // Its standby session closed: forgotten (standby is per logon).
  void standby_logoff(const Principal& host, std::uint64_t session);
  // A DeclareSupply of a host on standby is held (true): the caller gives the engine 0 instead.
  bool standby_hold(const Principal& host, engine::InstrumentId instrument, engine::Qty capacity);
  // Enrolled and not active now: its asks are refused.
  [[nodiscard]] bool on_standby(engine::HostId host) const;
  [[nodiscard]] bool any_standby() const noexcept {
    return standby_count_.load(std::memory_order_acquire) != 0;
  }
  // The publisher thread: every enrolled host's groups, and the pool's demand utilisation one
  // host sees, acted on (Activate / Deactivate) when its board says so.
  [[nodiscard]] std::vector<StandbyListing> standby_listing() const;
  void standby_observe(engine::HostId host, std::uint32_t utilisation_ppm, bool holds_allocations,
                       std::int64_t now_ns);

 private:
  void accept();
  void on_replayed(std::uint32_t partition, const engine::Command& cmd,
                   const engine::EventBuffer& events);
  // Start-up, for each journaled partition before any journal replays: what its snapshot restored
  // (stream numbers, client order ids and the next order id from its ledger; halts and book
  // levels from the engine).
  void on_restored(std::uint32_t partition, const engine::Engine& engine,
                   const StreamLedger* ledger);
  // Start-up: what each principal holds of each delivery window (PrincipalState::held) as the
  // snapshot's engine holdings and resting resale asks say; the fills before it do not replay.
  void restore_holdings(const engine::EngineSnapshot& snap);
  // Start-up: each principal's resting orders and swarm orders as the snapshot has them.
  void restore_own_orders(std::uint32_t partition, const engine::EngineSnapshot& snap);
  // Start-up, after the replay: each principal's stream numbers must be what the partitions'
  // ledgers counted (logged when not: the next snapshot would carry numbers the streams do not
  // have).
  void check_ledgers();
  void send_to(std::uint32_t thread, std::uint64_t session, std::vector<std::uint8_t> frame);
  void list_sessions(std::uint32_t thread, std::uint64_t session, std::uint64_t request_id);
  void list_instruments(std::uint32_t thread, std::uint64_t session, std::uint64_t request_id);
  // io_[0]'s timer: a Roll to the partitions whenever the product calendar changes.
  void schedule_roll();
  // Inline partitions (engine.wait = "inline"): io_[0] flushes the partitions and pumps the
  // publisher in one posted round when a session submits, a partition puts events out or a request
  // is queued (schedule_pump, any thread), and pumps every 10 ms for due notices
  // (schedule_notice_pump).
  [[nodiscard]] bool inline_engine() const noexcept {
    return config_.engine.wait == engine::WaitStrategy::Inline;
  }
  void schedule_pump();
  void schedule_notice_pump();
  // Start-up, after recovery: the spot instruments' parameters as the engines recovered them
  // (snapshot and journal replay include SetParams), not as the configuration has them.
  void learn_recovered_params();
  // The gateway's copy of a spot instrument's parameters, as the engine has them (under mu_ once
  // the server runs).
  void learn_params(engine::InstrumentId id, const engine::BookParams& p);
  // A spot instrument created live (recovered, or just accepted): known from now on. Under mu_
  // once the server runs.
  void learn_instrument(const engine::InstrumentSpec& spec);
  // CreateInstrument: checks what only the gateway sees (every partition's ids and symbols) and
  // submits it to the partition of its pool; the AdminAck follows the engine's outcome.
  void create_instrument(std::uint32_t thread, std::uint64_t session, engine::OwnerId sender,
                         std::uint64_t request_id, const wire::InstrumentInfo& info);

  struct PendingAdmin {  // an admin command in the engine: who asked, and what
    std::uint32_t thread;
    std::uint64_t session;
    std::uint64_t request_id;
    std::uint32_t partition;  // CreateInstrument: where it goes
    engine::Command command;
  };
  // An instrument of `resource` in `pool` for a grant's product: the window product of that
  // length (its first book), or for 0 a spot instrument.
  [[nodiscard]] std::optional<engine::InstrumentId> grant_instrument(const std::string& resource,
                                                                     const std::string& pool,
                                                                     std::uint32_t length_s) const;
  // The engine's outcome of an Autopilot command someone waits for; the gateway's copy of a
  // grant the engine accepted (live, replayed or in a restored snapshot).
  void autopilot_outcome(const PendingAdmin& pending, const engine::Event& e);
  void note_grant(const engine::AutopilotGrant& a);
  void restore_grants(const engine::Engine& e);
  void set_pricing(std::uint32_t thread, std::uint64_t session, engine::OwnerId sender,
                   std::uint64_t rid, const wire::SetPricing& p);
  void pricing_outcome(const PendingAdmin& pending, const engine::Event& e);
  // Trading modes and breakers (server_auctions.cpp): an operator's SetTradingMode / SetBreaker
  // goes to the instrument's partition; the AdminAck follows the engine's outcome.
  void auction_rule(std::uint32_t thread, std::uint64_t session, engine::OwnerId sender,
                    const wire::Admin& a);
  void auction_outcome(const PendingAdmin& pending, const engine::Event& e);
  void open_history();
  void note_pricing(const engine::SetPricing& s);
  void restore_pricing(const engine::Engine& e);

  Config config_;
  std::uint64_t history_ = 0;
  std::unordered_map<std::string, const Principal*> by_name_;
  std::unordered_map<engine::OwnerId, const Principal*> by_id_;
  std::unordered_map<engine::HostId, const Principal*> by_host_;
  // Spot instruments and window books; live-created ones are appended (a deque: nothing moves).
  std::deque<engine::InstrumentSpec> tradable_;
  // Into tradable_, by id up to kMaxInstrumentId (set once per id, read without locks). Band
  // and quantity fields follow the engine's accepted SetParams outcomes (under mu_), nothing else
  // changes.
  std::unique_ptr<std::atomic<engine::InstrumentSpec*>[]> by_instrument_;
  std::vector<engine::InstrumentId> spot_ids_;  // under mu_: ListInstruments' spot instruments
  std::unordered_map<engine::InstrumentId, const engine::Product*> product_by_book_;
  std::unique_ptr<boost::asio::steady_timer> roll_timer_;
  std::int64_t next_tick_ns_ = std::numeric_limits<std::int64_t>::min();
  std::atomic<bool> rolling_{false};  // read by io_[0]'s timer, cleared by stop()
  std::unique_ptr<boost::asio::steady_timer> pump_timer_;  // inline: notices
  std::atomic<bool> pump_posted_{false};
  std::atomic<bool> pumping_{false};  // read by the notice timer, cleared by stop()
  FillSink* fill_sink_ = nullptr;
  std::unique_ptr<Dashboard> dashboard_;  // before the threads that feed it, which go first
  // Before every thread whose counters it reads: it goes after them.
  std::unique_ptr<ExchangeMetrics> metrics_;
  std::vector<std::unique_ptr<IoThread>> io_;
  moodycamel::BlockingConcurrentQueue<engine::Event> events_;
  std::unique_ptr<DropCopyLog> drop_copy_;  // before the publisher, which adds to it
  std::unique_ptr<Publisher> publisher_;
  std::unique_ptr<Exchange> exchange_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::uint16_t port_ = 0;
  std::atomic<engine::OrderId> next_order_id_{1};
  std::atomic<std::uint64_t> next_session_id_{1};
  std::atomic<std::uint32_t> open_sessions_{0};
  bool started_ = false;

  mutable std::mutex mu_;  // guards what admin and logon share across threads (not the hot path)
  std::map<std::string, std::string> verified_tokens_;  // principal -> token, after one PBKDF2
  std::map<engine::InstrumentId, bool> halted_;  // as the engine's Halt / Resume outcomes say
  mutable std::mutex pricing_mu_;
  std::map<std::pair<std::string, std::string>, engine::PricingPolicy> policies_;
  std::atomic<bool> pricing_active_{false};  // any policy: Rolls carry time to every partition
  std::int64_t next_pricing_tick_ns_ = 0;
  ExpiryClock expiries_;                      // GTD expiry times the roll timer has still to carry
  std::atomic<bool> auctions_active_{false};  // note_auctions
  std::unordered_map<std::uint64_t, PendingAdmin> pending_admin_;  // by the command's request_id
  std::uint64_t next_admin_request_ = 1;
  struct UsageFollower {
    std::uint32_t thread;
    std::uint64_t session;
    Role role;
    engine::OwnerId viewer;
    engine::OwnerId tenant;  // 0: every tenant the viewer may read
  };
  std::mutex usage_mu_;  // the usage history and its followers (hosts report from any thread)
  UsageBoard usage_;
  std::vector<UsageFollower> usage_followers_;
  const Principal* agent_ = nullptr;
  std::mutex hosts_mu_;
  std::map<engine::OwnerId, std::int64_t> host_gone_since_ns_;  // hosts without a session now
  std::map<engine::OwnerId, std::uint32_t> host_failures_;      // failed enactments in a row
  std::set<engine::OwnerId> failing_lost_;  // declared lost for failing, until they log on again
  // HostLost to the lost host's tenants and the agent, from its home thread.
  void declare_host_lost(engine::OwnerId id, const std::string& why);
  std::mutex grants_mu_;
  std::map<engine::GrantKey, engine::Grant> grants_;  // the engine's accepted grants, copied
  // Standby hosts: one entry per host principal logged on as standby.
  struct StandbyLink {
    engine::OwnerId owner = 0;
    std::uint32_t thread = 0;
    std::uint64_t session = 0;
    // By (pool, supply group resource): the instrument declared on and the capacity.
    std::map<std::pair<std::string, std::string>, std::pair<engine::InstrumentId, engine::Qty>>
        groups;
  };
  // The engine capacity of each group of the host: what it declared (active) or 0, and the
  // Activate / Deactivate to its session, from its home thread (after whatever it submitted).
  void enact_standby(engine::HostId host, const StandbyLink& link, bool activate,
                     std::uint32_t utilisation_ppm);
  mutable std::mutex standby_mu_;
  StandbyBoard standby_;
  std::map<engine::HostId, StandbyLink> standby_links_;
  std::atomic<std::size_t> standby_count_{0};
  // Logon admission (server_logon.cpp); last, so that the verifier (whose queued jobs hold
  // sessions) goes before the I/O threads.
  void init_logons();
  // A connection over the pending bounds: Error{connection_limit} if the socket takes it, closed.
  void refuse_connection(boost::asio::ip::tcp::socket& socket, Admission::Verdict why);
  std::string dummy_hash_;  // an unknown name's check: the same PBKDF2 cost as a real one
  std::atomic<std::uint32_t> logged_on_sessions_{0};
  std::unique_ptr<Admission> admission_;
  PoolMap pool_map_;
  std::unique_ptr<LogonVerifier> verifier_;
};

}  // namespace swarmex::gateway
