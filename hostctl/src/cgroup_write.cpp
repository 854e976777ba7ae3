#include "swarmex/hostctl/cgroup_write.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace swarmex::hostctl {

namespace {

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// What `error` means for this particular file, where the kernel's meaning is specific.
std::string meaning(const CgroupWrite& w, int error) {
  const std::string name = w.file.filename().string();
  switch (error) {
    case EBUSY:
      if (is_memory_limit_file(w.file)) return "memory usage is above the new limit";
      if (w.op == CgroupOp::RemoveDir) return "the cgroup still has tasks or child cgroups";
      if (name == "cgroup.subtree_control")
        return "the cgroup has processes of its own (no-internal-processes rule)";
      break;
    case EINVAL:
      if (starts_with(name, "cpu.")) return "quota or period out of the kernel's range";
      if (starts_with(name, "cpuset.")) return "cpu/memory-node list invalid or not in parent";
      if (name == "cgroup.subtree_control") return "controller not available in the parent";
      if (starts_with(name, "io.") || starts_with(name, "blkio."))
        return "unknown block device or malformed limit";
      return "value rejected by the kernel";
    case ENOSPC:
      if (starts_with(name, "cpuset.") || name == "cgroup.procs")
        return "cpuset has no cpus or mems (set cpuset.mems and cpuset.cpus first)";
      break;
    case ENOENT:
      return w.op == CgroupOp::MakeDir ? "parent cgroup does not exist"
                                       : "no such cgroup or control file";
    case ENODEV:
      return "block device does not exist";
    case EIO:
      if (w.op == CgroupOp::Write) return "short write (value not taken whole)";
      break;
    case ECANCELED:
      return "cancelled before it ran";
    default:
      break;
  }
  return std::strerror(error);
}

const char* op_name(CgroupOp op) {
  switch (op) {
    case CgroupOp::Write:
      return "write";
    case CgroupOp::MakeDir:
      return "mkdir";
    case CgroupOp::RemoveDir:
      return "rmdir";
  }
  return "?";
}

}  // namespace

bool is_memory_limit_file(const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  return name == "memory.max" || name == "memory.high" || name == "memory.limit_in_bytes" ||
         name == "memory.memsw.limit_in_bytes";
}

std::string describe_cgroup_error(const CgroupWrite& write, int error) {
  const std::string what = meaning(write, error);
  if (write.op == CgroupOp::Write)
    return fmt::format("write {} = '{}': {} (errno {})", write.file.string(), write.value, what,
                       error);
  return fmt::format("{} {}: {} (errno {})", op_name(write.op), write.file.string(), what, error);
}

}  // namespace swarmex::hostctl
