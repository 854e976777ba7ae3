// swarmexd configuration, read from TOML. Unknown or invalid values stop start-up with a message
// naming the key; every default is in etc/swarmex.toml and docs/operations.md.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "swarmex/engine/calendar.hpp"
#include "swarmex/engine/instrument.hpp"
#include "swarmex/engine/partition.hpp"
#include "swarmex/gateway/swarm_template.hpp"
#include "swarmex/journal/assembly.hpp"
#include "swarmex/journal/writer.hpp"

namespace swarmex::gateway {

// Agent: the exchange's autopilot, which buys for tenants that granted it (at most one).
enum class Role : std::uint8_t { Tenant = 0, Host = 1, Operator = 2, Agent = 3 };
const char* to_string(Role r) noexcept;

struct Principal {
  std::string name;
  engine::OwnerId id = 0;
  Role role = Role::Tenant;
  engine::HostId host_id = 0;  // hosts only
  std::string token_hash;      // pbkdf2-sha256$iterations$salt$hash
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
};

// Usage telemetry: what hosts report that tenants use. Not matching input (never journaled).
struct TelemetrySection {
  std::uint32_t history_samples = 720;  // reports kept per tenant and resource (a ring)
  std::uint32_t max_tenants = 256;      // tenants with a history; past it the stalest is dropped
  double reports_per_s = 50;            // per host: a token bucket ...
  double reports_burst = 200;           // ... of this depth
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
  std::vector<engine::InstrumentSpec> instruments;  // spot instruments
  std::vector<engine::Product> products;            // scheduled delivery windows
  std::vector<Principal> principals;
  std::vector<SwarmTemplate> templates;
};

// "address:port" (port 0..65535) into its parts; false, leaving both, when malformed.
bool split_listen(const std::string& listen, std::string& address, std::uint16_t& port);

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
