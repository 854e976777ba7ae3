#pragma once

// One cgroupfs operation (write a control file, make or remove a cgroup directory) and its
// result, as produced by the planners and executed by a CgroupWriter.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace swarmex::hostctl {

enum class CgroupOp : std::uint8_t {
  Write,      // open(file, O_WRONLY), one write() of the whole value, close
  MakeDir,    // mkdir(file, 0755); EEXIST counts as success (enactment is idempotent)
  RemoveDir,  // rmdir(file); ENOENT counts as success
};

struct CgroupWrite {
  std::filesystem::path file;
  std::string value;  // written with ONE write(): the kernel parses a cgroup file per write
  CgroupOp op = CgroupOp::Write;
  // Starts only once the previous operation of the same batch has completed (whatever its
  // result). Operations without it may run concurrently with, and finish before, earlier ones.
  bool after_previous = false;

  static CgroupWrite make_dir(std::filesystem::path dir, bool after_previous = false) {
    return {std::move(dir), {}, CgroupOp::MakeDir, after_previous};
  }
  static CgroupWrite remove_dir(std::filesystem::path dir, bool after_previous = false) {
    return {std::move(dir), {}, CgroupOp::RemoveDir, after_previous};
  }
};

struct CgroupWriteResult {
  int error = 0;     // 0 or an errno value (EIO for a short write)
  int attempts = 0;  // how many times it was tried (more than 1 only for retried memory limits)
  std::chrono::steady_clock::time_point done_at{};  // when its last attempt completed
};

// A memory limit file: v2 memory.max / memory.high, v1 memory.limit_in_bytes /
// memory.memsw.limit_in_bytes. Writes to them are retried on EBUSY / EAGAIN (see CgroupWriter).
bool is_memory_limit_file(const std::filesystem::path& file);

// "<op> <file> = '<value>': <what it means for this file>", e.g. EBUSY on
// memory.limit_in_bytes → "memory usage is above the new limit".
std::string describe_cgroup_error(const CgroupWrite& write, int error);

}  // namespace swarmex::hostctl
