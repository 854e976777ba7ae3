// The demo's processes on localhost: swarmexd on the sample configuration (journal in a work
// directory), one swarmex-hostctl per host, and tenant workloads started through
// `swarmex-hostctl run`. It stops everything it started, removes the cgroups and the work
// directory, and says whether anything was left behind.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "swarmex/common/temp_dir.hpp"
#include "swarmex/hostctl/cgroup_layout.hpp"
#include "swarmex/hostctl/host_state.hpp"
#include "swarmexd_process.hpp"

namespace swarmex::demo {

// Where the host controllers enact: the kernel's cgroups (root, a writable mount), or a
// directory laid out like cgroup v2 in the work directory (a dry run: files, no enforcement).
struct CgroupMode {
  bool real = false;
  std::string root;    // cgroup_root of the host controllers
  std::string driver;  // cgroup_driver
  std::string why;     // dry run: why the real cgroups cannot be used
};
CgroupMode detect_cgroup_mode(bool force_dry_run);

// `toml` with each key of `keys` set in its [server] table: an existing line `key = ...` is
// replaced, a missing key is added at the top of the table (values are TOML: quote strings).
std::string with_server_keys(std::string toml, const std::map<std::string, std::string>& keys);

// A `[[principals]]` entry whose token is `<name>-token` (host_id only when not 0).
std::string principal_entry(const std::string& name, int id, const char* role, int host_id = 0);

struct HostSpec {
  std::string name;  // a host principal of the configuration
  std::string pool;
  std::string capacity_toml;   // the [capacity] lines
  std::string gpu_backend;     // none | simulated
  std::string supply_toml;     // [[supply]] tables
  std::string host_toml = {};  // more [host] keys (telemetry, pre-staging)
};

struct TeardownReport {
  int processes = 0;     // started in all
  int left_running = 0;  // still running after stop (then killed)
  int cgroups_left = 0;  // tenant or subtree directories still there
  bool work_dir_removed = false;
  std::vector<std::string> hostctl_summaries;  // each controller's last "stopping:" line
  std::vector<std::string> problems;
};

class Stack {
 public:
  // Makes the work directory; `tenants` principals tenant-a... exist (extra ones are added to
  // the configuration with the token "<name>-token"). `edit` rewrites the configuration's text
  // before swarmexd gets it (the demo adds a pool, its hosts and free ports).
  Stack(std::string bin_dir, const std::string& base_config_path, int tenants, CgroupMode mode,
        const std::function<std::string(std::string)>& edit = {});
  ~Stack();
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  [[nodiscard]] const std::string& work_dir() const noexcept { return work_.str(); }
  [[nodiscard]] const CgroupMode& mode() const noexcept { return mode_; }

  void start_exchange();  // throws std::runtime_error with the log when it does not come up
  [[nodiscard]] int port() const noexcept { return exchange_->port(); }
  // swarmexd's configuration and journal as it runs them (for `swarmex report`).
  [[nodiscard]] std::string config_path() const { return work_.str() + "/swarmex.toml"; }
  [[nodiscard]] const std::string& journal_dir() const noexcept { return exchange_->journal_dir(); }
  // "http://ADDR:PORT" of the dashboard and of /metrics as swarmexd printed them ("" if off).
  [[nodiscard]] std::string dashboard_address() const;
  [[nodiscard]] std::string metrics_address() const;
  [[nodiscard]] const std::string& bin_dir() const noexcept { return bin_dir_; }

  // Starts the host's controller and waits until it has logged on (throws otherwise).
  void start_host(const HostSpec& host);
  // The subtree and layout the host's controller enacts in.
  [[nodiscard]] hostctl::CgroupLayout layout(const std::string& host) const;
  [[nodiscard]] hostctl::HostState host_state(const std::string& host) const;
  [[nodiscard]] std::string host_log(const std::string& host) const;
  // SIGKILL to the host's controller: a host lost without a word (teardown expects its death).
  void kill_host(const std::string& host);

  // `swarmex-hostctl run --tenant T -- CMD` on the host: the command runs in T's cgroups.
  tools::ChildProcess& start_workload(const std::string& host, const std::string& tenant,
                                      const std::string& shell_command);
  tools::ChildProcess& start_workload(const std::string& host, const std::string& tenant,
                                      const std::vector<std::string>& argv);
  void stop_workloads();  // SIGKILL to every workload started so far

  // Another process of the demo (swarmex-autopilot, a browser), logging to <work dir>/<name>.log;
  // stopped (SIGTERM, then its whole process group SIGKILL) first at teardown.
  tools::ChildProcess& start_process(const std::string& name, const std::vector<std::string>& argv);
  // What that process logged so far ("" when none of that name was started).
  [[nodiscard]] std::string process_output(const std::string& name) const;

  // The last lines of every log, for when something went wrong.
  [[nodiscard]] std::string log_tails(std::size_t lines = 15) const;

  // Stops workloads, controllers and the exchange; removes cgroups and the work directory.
  // Idempotent: the second call returns the first call's report.
  TeardownReport teardown();

 private:
  struct Host {
    HostSpec spec;
    std::string config_path;
    std::string subtree;
    std::unique_ptr<tools::ChildProcess> process;
    bool killed = false;
  };
  const Host& host(const std::string& name) const;

  std::string bin_dir_;
  common::TempDir work_;  // everything the demo writes; removed at teardown
  CgroupMode mode_;
  std::unique_ptr<tools::SwarmexdProcess> exchange_;
  std::vector<Host> hosts_;
  std::vector<std::unique_ptr<tools::ChildProcess>> workloads_;
  std::vector<std::unique_ptr<tools::ChildProcess>> others_;
  std::vector<std::string> other_names_;
  std::vector<int> pids_;  // every process started, to check none is left
  bool exchange_started_ = false;
  bool torn_down_ = false;
  TeardownReport report_;
};

}  // namespace swarmex::demo
