// swarmexd configuration, read from TOML. Unknown or invalid values stop start-up with a message
// naming the key; every default is in etc/swarmex.toml and docs/operations.md.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "swarmex/engine/calendar.hpp"
#include "swarmex/engine/instrument.hpp"
#include "swarmex/engine/partition.hpp"
#include "swarmex/gateway/swarm_template.hpp"
#include "swarmex/journal/assembly.hpp"
#include "swarmex/journal/retention.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::gateway {

// Agent: the exchange's autopilot, which buys for tenants that granted it (at most one).
enum class Role : std::uint8_t { Tenant = 0, Host = 1, Operator = 2, Agent = 3 };
const char* to_string(Role r) noexcept;

// Fair share: what one principal may hold of the shared capacity (docs/operations.md, "Per
// principal"). Built-in defaults, then [limits.<role>], then the principal's own `limits`; 0 in the
// fields that say so means "derived" until loading resolves every principal's.
struct PrincipalLimits {
  std::uint32_t resting_orders_per_partition = 0;  // 0: engine.order_capacity / 16 (at least 1)
  std::uint32_t sessions = 64;                     // logged on at once
  std::uint32_t subscriptions = 4096;              // market-data instruments, over all its sessions
  std::uint32_t depth_levels = 1000;  // book levels per side a subscription may ask for
  double requests_per_s = 0;          // over all its sessions; 0: server.rate_limit_per_s
  double requests_burst = 0;          // 0: server.rate_burst
};

struct Principal {
  std::string name;
  engine::OwnerId id = 0;
  Role role = Role::Tenant;
  engine::HostId host_id = 0;   // hosts only
  std::string token_hash;       // pbkdf2-sha256$iterations$salt$hash
  PrincipalLimits limits = {};  // resolved at loading
};

struct ServerConfig {
  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 7400;
  std::uint32_t io_threads = 2;
  std::uint32_t max_sessions = 1024;
  std::uint32_t max_frame_bytes = 64 * 1024;
  std::uint32_t idle_timeout_ms = 10'000;
  std::uint32_t heartbeat_interval_ms = 2'000;
  std::uint32_t logon_timeout_ms = 5'000;
  std::uint32_t partial_frame_timeout_ms = 5'000;
  std::uint64_t outbound_queue_bytes = 8u << 20;
  double rate_limit_per_s = 200'000;
  double rate_burst = 20'000;
  // Each principal's replay rings (reports, host fills) hold at most this many entries and this
  // many bytes each (docs/operations.md, "Client order ids and report replay").
  std::uint64_t replay_buffer = 1'000'000;
  std::uint64_t replay_buffer_bytes = 64u << 20;
  // A client order id is kept while its order lives and, once ended, while among the principal's
  // last dedup_horizon_orders ended (per engine partition) and, when dedup_horizon_ms > 0, ended
  // at most that long before the latest; meanwhile a new order reusing it is refused.
  std::uint64_t dedup_horizon_orders = 100'000;
  std::uint64_t dedup_horizon_ms = 0;
  std::uint32_t interruption_notice_s = 120;  // notice before a lease ends; 0 = none
  // A host with no session for this long is lost: its tenants and the agent are told (HostLost);
  // 0 = never.
  std::uint32_t host_grace_ms = 10'000;
  // This many failed enactment reports in a row (none enforced between) declare a host lost at
  // once and close its sessions, taking its asks off the book; 0: never.
  std::uint32_t host_failed_enactments = 3;
  // After handling I/O, an I/O thread polls this long for more before it sleeps in epoll_wait
  // (0: sleep at once). Waking a sleeping thread costs tens of microseconds on a VM.
  std::uint32_t busy_poll_us = 0;
  // The operator dashboard (docs/dashboard.md): HTTP and WebSocket on its own thread; empty = off.
  std::string dashboard_address;
  std::uint16_t dashboard_port = 0;
  std::uint32_t dashboard_max_clients = 16;  // open dashboard connections, all together
  // Prometheus text metrics on http://<address:port>/metrics (docs/metrics.md); empty: off.
  std::string metrics_listen;
  // Connections that have not logged on (docs/operations.md): at most this many in total and from
  // one source address, apart from max_sessions, which counts logged-on sessions only.
  std::uint32_t max_pending_logons = 256;
  std::uint32_t max_pending_per_source = 32;
  // Of max_sessions, this many only operators may take.
  std::uint32_t reserved_operator_sessions = 1;
  // Token checks (PBKDF2) run on these threads, at most logon_verify_queue waiting.
  std::uint32_t logon_verify_threads = 1;
  std::uint32_t logon_verify_queue = 64;
  // Failed logons per source address and per principal: after logon_backoff_after failures each
  // one blocks further logons for logon_backoff_base_ms, doubled per failure up to
  // logon_backoff_max_ms; a table of logon_backoff_entries addresses (and unknown names).
  std::uint32_t logon_backoff_after = 5;
  std::uint32_t logon_backoff_base_ms = 250;
  std::uint32_t logon_backoff_max_ms = 30'000;
  std::uint32_t logon_backoff_entries = 4096;
};

struct EngineSection {
  std::uint32_t partitions = 2;
  engine::WaitStrategy wait = engine::WaitStrategy::Block;
  std::uint32_t order_capacity = 1u << 20;
  std::uint32_t swarm_capacity = 4096;   // resting swarm orders per partition
  std::uint32_t roll_ms = 100;           // how often the gateway checks the product calendar
  std::uint32_t pricing_tick_ms = 1000;  // while a pricing policy exists: a Roll to every partition
};

struct JournalSection {
  std::string path = "/var/lib/swarmex/journal";
  journal::Durability durability = journal::Durability::Sync;
  std::uint64_t segment_bytes = 64u << 20;
  std::uint64_t snapshot_interval = 1'000'000;
  // A snapshot is copied between batches, at most this many order slots per step: the longest
  // the matching thread stops for one, whatever the book holds (docs/journal.md, "Snapshots").
  std::uint32_t snapshot_step_orders = 16384;
  // Segments before the oldest snapshot kept: kept, deleted or moved to archive_path
  // (docs/journal.md, "Retention").
  journal::Retention retention = journal::Retention::Keep;
  std::string archive_path;          // retention = "archive": required
  std::uint32_t keep_snapshots = 3;  // newest snapshots kept per partition (2 or more)
};

// [cluster]: the NATS JetStream cluster that holds the replicated journal and the leader lease
// (docs/cluster.md). Empty `servers`: a single node, as before.
struct ClusterSection {
  std::vector<std::string> servers;  // nats://host:port of the NATS servers
  std::string name = "swarmex";      // prefix of the streams and the lease bucket
  std::string node;                  // this node's id, unique in the cluster (default: hostname)
  int replicas = 3;                  // of each journal stream and of the lease bucket
  std::uint32_t publish_timeout_ms = 15000;  // a write not held by then: the leader steps down
  std::uint32_t lease_ttl_ms = 3000;         // a silent leader's lease expires after this
  std::uint32_t lease_renew_ms = 1000;       // how often the leader renews it
  // Pools across clusters: the pools this cluster serves (empty: every pool), claimed in the
  // exchange-wide bucket `pool_map` (pool -> cluster and its nodes' client addresses).
  std::vector<std::string> pools;
  std::string pool_map = "swarmex-pools";
  // Fill fan-out per host (docs/cluster.md): the leader also publishes each host fill to
  // "<name>.fills.<host_id>" on the stream "<name>-fills", keeping the newest
  // fill_fanout_per_host of each host.
  bool fill_fanout = false;
  std::int64_t fill_fanout_per_host = 100'000;
  // A journal write carries the engine's state hash for the standbys' check once at least this
  // many commands followed the last one that did (taking it walks the supply groups and their
  // leases: not on every batch).
  std::uint32_t state_hash_interval = 1024;
};

// Usage telemetry: what hosts report that tenants use. Not matching input (never journaled).
struct TelemetrySection {
  std::uint32_t history_samples = 720;  // reports kept per tenant and resource (a ring)
  std::uint32_t max_tenants = 256;      // tenants with a history; past it the stalest is dropped
  double reports_per_s = 50;            // per host: a token bucket ...
  double reports_burst = 200;           // ... of this depth
};

// Market data to subscribers (docs/operations.md, "Market data: subscriptions and slow readers").
struct MarketDataSection {
  // A subscriber whose unsent backlog is over this gets no more book updates or trades: its books
  // are marked dirty and, once its backlog is written, it gets each dirty book's latest snapshot.
  std::uint64_t conflate_backlog_bytes = 64u << 10;
  // A subscriber conflated for this long without its backlog being written is disconnected
  // (slow_consumer).
  std::uint32_t stuck_timeout_ms = 10'000;
  // Subscribing again to a book the session already has: its snapshot is sent again only when
  // the last one to the session is at least this old (else nothing is sent).
  std::uint32_t resnapshot_interval_ms = 1'000;
};

// The drop copy (drop_copy_log.hpp): kept in <journal.path>/dropcopy, in memory only without a
// journal.
struct DropCopySection {
  std::uint64_t segment_entries = 1u << 20;  // 128 MiB files
  std::uint32_t retain_segments = 8;         // the oldest file goes past this many
  std::uint32_t ring_entries = 1u << 16;     // the newest entries, also in memory
};

struct Config {
  ServerConfig server;
  TelemetrySection telemetry;
  EngineSection engine;
  JournalSection journal;
  DropCopySection dropcopy;
  MarketDataSection market_data;
  std::vector<engine::InstrumentSpec> instruments;  // spot instruments
  std::vector<engine::Product> products;            // scheduled delivery windows
  std::vector<Principal> principals;
  std::vector<SwarmTemplate> templates;
  // [limits.<role>], by Role value, as configured (derived fields still 0).
  std::array<PrincipalLimits, 4> role_limits = {};
  ClusterSection cluster = {};
};

// "address:port" (port 0..65535) into its parts; false, leaving both, when malformed.
bool split_listen(const std::string& listen, std::string& address, std::uint16_t& port);

// This node's id in the cluster: [cluster] node, else the host name.
std::string cluster_node_id(const ClusterSection& s);

// Throws std::runtime_error naming the file, key and problem.
Config load_config(const std::string& path);
Config parse_config(const std::string& toml_text, const std::string& source_name);

// Spot instruments and every window book of every product, as the engine books them.
std::vector<engine::InstrumentSpec> tradable_instruments(const Config& c);

// How the exchange behind swarmexd is assembled from this configuration (engine partitions by
// pool, their journals); the events go to `output`, inline partitions call `wake`.
journal::AssemblyConfig assembly_config(const Config& c,
                                        moodycamel::BlockingConcurrentQueue<engine::Event>* output,
                                        std::function<void()> wake);

}  // namespace swarmex::gateway
