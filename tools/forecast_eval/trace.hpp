// A usage trace in the matrix format of the Bitbrains "Rnd" subset: one CSV per resource, a row
// per 5-minute mark (`timestamp_s,vm1,...`), an empty cell where no sample exists; and vms.csv
// with each VM's cores and cpu capacity, to turn MHz into cores.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace swarmex::forecast_eval {

struct VmSeries {
  std::string name;
  std::vector<std::optional<double>> cpu_cores;  // one per row
  std::vector<std::optional<double>> mem_bytes;
};

struct Trace {
  std::vector<int64_t> t_s;  // row timestamps, increasing
  std::vector<VmSeries> vms;
  int64_t step_s() const { return t_s.size() > 1 ? t_s[1] - t_s[0] : 300; }
};

// Throws std::runtime_error naming the file and line of anything malformed.
Trace load_trace(const std::string& cpu_path, const std::string& mem_path,
                 const std::string& vms_path);

// The first `count` VMs (all when count is 0), rows before `cut_s` only (all when 0).
Trace subset(const Trace& trace, size_t count, int64_t cut_s = 0);

}  // namespace swarmex::forecast_eval
