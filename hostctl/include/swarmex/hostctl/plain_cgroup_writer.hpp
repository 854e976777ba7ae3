#pragma once

// open / write / close (mkdir, rmdir) with plain syscalls, one operation after the other: the
// baseline for the io_uring writer's benchmark and the fallback where io_uring is unavailable.

#include "swarmex/hostctl/cgroup_writer.hpp"

namespace swarmex::hostctl {

class PlainCgroupWriter final : public CgroupWriter {
 public:
  explicit PlainCgroupWriter(RetryPolicy retry = {}) : CgroupWriter(retry) {}

  [[nodiscard]] std::string_view name() const noexcept override { return "plain"; }

 protected:
  void run_batch(std::span<const CgroupWrite> ops, std::span<CgroupWriteResult> results) override;
};

}  // namespace swarmex::hostctl
