// swarmex-hostctl's configuration (TOML): the exchange to log on to, where the host keeps its
// state and cgroups, what it sells (supply lines), and overrides of discovered capacity.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace swarmex::hostctl {

// What the controller offers at `reserve_price`, kept in step with its free capacity: one ask on
// a spot instrument, or (product) one ask on every delivery window of a scheduled product that
// is trading now.
struct SupplyLine {
  std::uint32_t instrument = 0;    // a spot instrument; 0 on a product line
  std::string resource;            // cpu | mem | io | mig.<profile>; must match the instrument's
  std::int64_t reserve_price = 0;  // the ask's limit price; pegged: the base the curve multiplies
  std::int64_t max_qty = 0;        // most offered at once; 0 = all free capacity
  std::string device;              // io only: "major:minor" the bandwidth is on
  bool pinned = false;             // cpu only: whole CPUs (cpuset.cpus) instead of a quota
  std::uint32_t product = 0;       // a scheduled product's id (its first book); 0 on a spot line
  bool pegged = false;             // pricing = "pegged": the pool's curve prices the ask
};

struct IoCapacity {
  std::string device;  // "major:minor"
  std::int64_t units = 0;
};

// [standby]: the host logs on as standby — its capacity is listed, and its asks posted only once
// the exchange sends Activate (the pool's demand reached activate_at); Deactivate (demand under
// deactivate_below for deactivate_after_ms, nothing sold here) cancels them again.
struct StandbyConfig {
  double activate_at = 0.8;       // fraction of the pool's capacity, (0, 1]
  double deactivate_below = 0.3;  // < activate_at
  std::int64_t deactivate_after_ms = 60'000;
  std::string on_activate;                   // shell command run on Activate, before the asks
  std::string on_deactivate;                 // shell command run on Deactivate, after the cancel
  std::int64_t command_timeout_ms = 30'000;  // then the command is killed (logged, not fatal)
};

struct HostConfig {
  // [exchange]
  std::string address = "127.0.0.1:7400";
  std::string principal;
  std::string token;                // or token_file
  std::int64_t reconnect_ms = 500;  // first retry delay; doubles up to 10 s
  std::int64_t heartbeat_ms = 1000;
  // on_new_history: what the controller does when the exchange is another history than the one
  // its state's fills belong to (a new journal). false ("refuse", the default): stop selling,
  // take no fill, wait for `swarmex-hostctl adopt-history ID`; true ("adopt"): adopt it at once.
  bool adopt_new_history = false;
  // Where fills come from: "session" (the default: subscribed on the session to swarmexd) or
  // "jetstream" (read from the cluster's fill stream, docs/cluster.md; the session still sells
  // and reports). jetstream needs nats_servers; cluster names the streams ([cluster] name).
  std::string fills = "session";
  std::vector<std::string> fills_servers;  // [exchange] nats_servers
  std::string fills_cluster = "swarmex";   // [exchange] cluster
  // [host]
  std::string pool;
  std::string state_dir = "/var/lib/swarmex-hostctl";
  std::string cgroup_root = "/sys/fs/cgroup";
  std::string cgroup_driver = "auto";  // auto | v1 | v2 (v1/v2 skip detection, for dry runs)
  std::string subtree = "swarmex";
  std::int64_t reserve_memory_mb = 1024;      // kept back for the host when memory is discovered
  bool use_uring = true;                      // false: plain write() (baseline, or old kernels)
  std::int64_t enact_slice_fills = 16;        // at most this many fills wait for one cgroup batch
  std::int64_t telemetry_interval_ms = 5000;  // usage reports every this long; 0 = none
  // Pre-staging: a window's cgroup (limits closed) and MIG instances are made this long before
  // its start (the products' gate closure: no fill for the window arrives after it), so that at
  // the start only the limit writes remain. false: everything is made at the start.
  bool prestage = true;
  std::int64_t prestage_lead_ms = 300'000;
  // How often the windows trading now are asked for (ListInstruments), when a line sells a product.
  std::int64_t window_refresh_ms = 1000;
  // Prometheus text metrics on http://<address:port>/metrics (docs/metrics.md); empty: off.
  std::string metrics_listen;
  // [capacity]: discovery overrides; unset = discovered.
  std::string cpus;  // cpu list sold, e.g. "0-1"; default: the controller's own affinity
  std::optional<std::int64_t> vrus;
  std::optional<std::int64_t> mem_shards;
  std::vector<IoCapacity> io;
  // [gpu]
  std::string gpu_backend = "none";  // none | nvml | simulated
  std::uint32_t simulated_gpus = 1;
  // How long the simulated backend takes to create one GPU instance and its compute instance.
  std::int64_t simulated_create_ms = 500;
  // [[supply]]
  std::vector<SupplyLine> supply;
  // [standby]
  std::optional<StandbyConfig> standby = {};
};

// Reads and checks a configuration file; throws std::runtime_error naming the file and key.
HostConfig load_host_config(const std::string& path);
HostConfig parse_host_config(const std::string& toml_text, const std::string& source);

}  // namespace swarmex::hostctl
