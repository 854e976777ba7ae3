#pragma once

// Executes a burst of cgroupfs operations through ONE io_uring ring, reused across calls: each
// Write is a linked chain openat → write → close on a registered (fixed) file slot, a MakeDir is
// one mkdirat, a RemoveDir one unlinkat(AT_REMOVEDIR); as many chains as the ring holds go in
// one io_uring_submit, and completions are mapped back to their operation.

#include <memory>

#include "swarmex/hostctl/cgroup_writer.hpp"

namespace swarmex::hostctl {

class UringCgroupWriter final : public CgroupWriter {
 public:
  static constexpr unsigned kDefaultQueueDepth = 256;

  // Throws std::system_error when the ring (or its file table) cannot be set up, e.g. io_uring
  // disabled by kernel.io_uring_disabled or a seccomp filter; make_cgroup_writer falls back then.
  // max_workers > 0 bounds the kernel's io-wq worker threads for this ring (0: kernel default).
  explicit UringCgroupWriter(RetryPolicy retry = {}, unsigned queue_depth = kDefaultQueueDepth,
                             unsigned max_workers = 0);
  ~UringCgroupWriter() override;

  [[nodiscard]] std::string_view name() const noexcept override { return "io_uring"; }

 protected:
  void run_batch(std::span<const CgroupWrite> ops, std::span<CgroupWriteResult> results) override;

 private:
  struct Ring;  // keeps liburing.h out of this header
  std::unique_ptr<Ring> ring_;
};

}  // namespace swarmex::hostctl
