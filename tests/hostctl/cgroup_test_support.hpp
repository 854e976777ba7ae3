#pragma once

// Temporary directories laid out like cgroupfs, for the cgroup tests.

#include <gtest/gtest.h>

#include "swarmex/common/temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <string>

namespace swarmex::hostctl::testing {

using TempDir = common::TempDir;

// Writes `content` to `file`, making its parent directories.
inline void put(const std::filesystem::path& file, const std::string& content = {}) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << content;
}

inline std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A v2 mount: cgroup.controllers listing `controllers`, an empty cgroup.subtree_control.
inline void make_v2(const std::filesystem::path& root,
                    const std::string& controllers = "cpuset cpu io memory pids") {
  put(root / "cgroup.controllers", controllers + "\n");
  put(root / "cgroup.subtree_control", "\n");
}

// v1 mounts: cpu (or cpu,cpuacct when co_mounted), memory, blkio, and cpuset with cpus 0-3.
inline void make_v1(const std::filesystem::path& root, bool co_mounted = false) {
  put(root / (co_mounted ? "cpu,cpuacct" : "cpu") / "cpu.cfs_quota_us", "-1\n");
  put(root / "memory" / "memory.limit_in_bytes", "9223372036854771712\n");
  put(root / "blkio" / "blkio.throttle.read_bps_device");
  put(root / "cpuset" / "cpuset.cpus", "0-3\n");
  put(root / "cpuset" / "cpuset.mems", "0\n");
}

}  // namespace swarmex::hostctl::testing
