// Both writers on temporary files: big batches, per-operation errors, ordering of chained
// operations, directory operations, error text, and the memory-limit retry policy (with
// injected errors).

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cerrno>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cgroup_test_support.hpp"
#include "swarmex/hostctl/cgroup_writer.hpp"
#include "swarmex/hostctl/plain_cgroup_writer.hpp"
#include "swarmex/hostctl/uring_cgroup_writer.hpp"

namespace swarmex::hostctl {
namespace {

namespace fs = std::filesystem;
using common::TempDir;
using testing::put;
using testing::slurp;

std::unique_ptr<CgroupWriter> make(const std::string& kind, unsigned depth = 256) {
  if (kind == "uring") return std::make_unique<UringCgroupWriter>(RetryPolicy{}, depth);
  return std::make_unique<PlainCgroupWriter>();
}

class WriterTest : public ::testing::TestWithParam<std::string> {};

INSTANTIATE_TEST_SUITE_P(Writers, WriterTest, ::testing::Values("uring", "plain"),
                         [](const auto& writer) { return writer.param; });

// 1,000 files in 100 tenant directories, written in one apply().
std::vector<CgroupWrite> thousand_writes(const fs::path& root) {
  std::vector<CgroupWrite> ws;
  for (int i = 0; i < 1000; ++i) {
    const fs::path file = root / fmt::format("t{}", i / 10) / fmt::format("f{}", i % 10);
    put(file);  // cgroup control files always exist; the writers never create files
    ws.push_back({file, fmt::format("{}{}", i * 7919, i % 3 == 0 ? " 100000" : ""), CgroupOp::Write,
                  i % 10 != 0});  // chains of 10, like one tenant's writes
  }
  return ws;
}

TEST_P(WriterTest, ThousandWritesInOneApplyLandWhole) {
  TempDir t;
  const auto ws = thousand_writes(t.path());
  const auto start = std::chrono::steady_clock::now();
  const auto res = make(GetParam())->apply(ws);
  ASSERT_EQ(res.size(), ws.size());
  for (std::size_t i = 0; i < ws.size(); ++i) {
    EXPECT_EQ(res[i].error, 0) << describe_cgroup_error(ws[i], res[i].error);
    EXPECT_EQ(res[i].attempts, 1);
    EXPECT_GE(res[i].done_at, start);
    EXPECT_EQ(slurp(ws[i].file), ws[i].value);
  }
}

TEST(Writers, BothWritersLeaveIdenticalTrees) {
  TempDir a, b;
  const auto wa = thousand_writes(a.path());
  const auto wb = thousand_writes(b.path());
  UringCgroupWriter uring;
  PlainCgroupWriter plain;
  const auto ra = uring.apply(wa);
  const auto rb = plain.apply(wb);
  for (std::size_t i = 0; i < wa.size(); ++i) {
    EXPECT_EQ(ra[i].error, rb[i].error);
    EXPECT_EQ(slurp(wa[i].file), slurp(wb[i].file));
  }
}

TEST_P(WriterTest, ErrorsAreReportedPerOperation) {
  TempDir t;
  put(t.path() / "ok1");
  put(t.path() / "ok2");
  fs::create_directory(t.path() / "a_dir");
  const std::vector<CgroupWrite> ws{
      {t.path() / "ok1", "1"},
      {t.path() / "missing", "2"},                     // ENOENT
      {t.path() / "a_dir", "3"},                       // a directory where a file should be: EISDIR
      {t.path() / "no_dir" / "cpu.max", "4"},          // under a missing cgroup: ENOENT
      {t.path() / "ok2", "5", CgroupOp::Write, true},  // chained after a failure: still runs
  };
  const auto res = make(GetParam())->apply(ws);
  ASSERT_EQ(res.size(), 5u);
  EXPECT_EQ(res[0].error, 0);
  EXPECT_EQ(res[1].error, ENOENT);
  EXPECT_EQ(res[2].error, EISDIR);
  EXPECT_EQ(res[3].error, ENOENT);
  EXPECT_EQ(res[4].error, 0);
  EXPECT_EQ(slurp(t.path() / "ok1"), "1");
  EXPECT_EQ(slurp(t.path() / "ok2"), "5");
}

TEST_P(WriterTest, DryRunCreatesFilesOnlyWhenAsked) {
  TempDir t;
  put(t.path() / "cpu.max", "old value that is longer");
  const std::vector<CgroupWrite> ws{
      CgroupWrite::make_dir(t.path() / "acme"),
      {t.path() / "acme" / "cpu.max", "50000 100000", CgroupOp::Write, true},
      {t.path() / "cpu.max", "max 100000"},
  };
  auto writer = make(GetParam());
  EXPECT_EQ(writer->apply(ws)[1].error, ENOENT) << "a cgroup mount never needs O_CREAT";
  writer->set_create_files(true);
  const auto res = writer->apply(ws);
  EXPECT_EQ(res[1].error, 0);
  EXPECT_EQ(res[2].error, 0);
  EXPECT_EQ(slurp(t.path() / "acme" / "cpu.max"), "50000 100000");
  EXPECT_EQ(slurp(t.path() / "cpu.max"), "max 100000") << "truncated, not overwritten in place";
}

TEST_P(WriterTest, DirectoryOperationsAreIdempotent) {
  TempDir t;
  put(t.path() / "full" / "file");
  const std::vector<CgroupWrite> ws{
      CgroupWrite::make_dir(t.path() / "new"),
      CgroupWrite::make_dir(t.path() / "new", true),  // EEXIST counts as done
      CgroupWrite::remove_dir(t.path() / "gone"),     // ENOENT counts as done
      CgroupWrite::remove_dir(t.path() / "full"),     // not empty: reported
      CgroupWrite::make_dir(t.path() / "x" / "y"),    // parent missing: reported
  };
  const auto res = make(GetParam())->apply(ws);
  EXPECT_EQ(res[0].error, 0);
  EXPECT_EQ(res[1].error, 0);
  EXPECT_EQ(res[2].error, 0);
  EXPECT_EQ(res[3].error, ENOTEMPTY);
  EXPECT_EQ(res[4].error, ENOENT);
  EXPECT_TRUE(fs::is_directory(t.path() / "new"));
}

// 200 chains mkdir a → mkdir a/b → ... → a failing write → one more mkdir: each mkdir only
// succeeds after the previous one, so this fails unless after_previous is honoured (also for a
// chain longer than the ring), and a failure inside a chain must not cancel what follows it.
TEST_P(WriterTest, ChainedOperationsRunInOrder) {
  TempDir t;
  std::vector<CgroupWrite> ws;
  for (int chain = 0; chain < 200; ++chain) {
    fs::path dir = t.path() / fmt::format("c{}", chain);
    const int length = chain == 0 ? 40 : 12;  // the first chain is longer than a depth-8 ring
    for (int level = 0; level < length; ++level) {
      ws.push_back(CgroupWrite::make_dir(dir, level > 0));
      dir /= "d";
    }
    ws.push_back({dir.parent_path() / "missing", "7", CgroupOp::Write, true});  // ENOENT
    ws.push_back(CgroupWrite::make_dir(dir, true));
  }
  const auto res = make(GetParam(), 8)->apply(ws);
  for (std::size_t i = 0; i < ws.size(); ++i) {
    if (ws[i].op == CgroupOp::MakeDir)
      EXPECT_EQ(res[i].error, 0) << describe_cgroup_error(ws[i], res[i].error);
    else
      EXPECT_EQ(res[i].error, ENOENT);
  }
}

TEST_P(WriterTest, EmptyBatch) {
  EXPECT_TRUE(make(GetParam())->apply({}).empty());
}

TEST(CgroupErrors, DescribeNamesTheMeaning) {
  const CgroupWrite mem{"/sys/fs/cgroup/memory/swarmex/a/memory.limit_in_bytes", "268435456"};
  const auto text = describe_cgroup_error(mem, EBUSY);
  EXPECT_NE(text.find("memory usage is above the new limit"), std::string::npos) << text;
  EXPECT_NE(text.find("memory.limit_in_bytes"), std::string::npos) << text;
  EXPECT_NE(text.find("268435456"), std::string::npos) << text;
  const CgroupWrite quota{"/cg/cpu/swarmex/a/cpu.cfs_quota_us", "5"};
  EXPECT_NE(describe_cgroup_error(quota, EINVAL).find("quota"), std::string::npos);
  EXPECT_NE(describe_cgroup_error(CgroupWrite::remove_dir("/cg/x"), EBUSY).find("tasks"),
            std::string::npos);
  EXPECT_TRUE(is_memory_limit_file("/a/memory.max"));
  EXPECT_TRUE(is_memory_limit_file("/a/memory.high"));
  EXPECT_FALSE(is_memory_limit_file("/a/memory.swap.max"));
}

TEST(CgroupWriterFactory, PrefersIoUring) {
  EXPECT_EQ(make_cgroup_writer()->name(), "io_uring");  // io_uring is enabled on this kernel
  EXPECT_EQ(make_cgroup_writer({}, /*use_uring=*/false)->name(), "plain");
}

// Fails the first `failures` attempts of every write to a file with `error`.
class FlakyWriter final : public CgroupWriter {
 public:
  FlakyWriter(RetryPolicy retry, int failures, int error)
      : CgroupWriter(retry), failures_(failures), error_(error) {}
  [[nodiscard]] std::string_view name() const noexcept override { return "flaky"; }
  std::map<std::string, int> tries;

 protected:
  void run_batch(std::span<const CgroupWrite> ops, std::span<CgroupWriteResult> results) override {
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const int n = ++tries[ops[i].file.string()];
      results[i].error = n <= failures_ ? error_ : 0;
      results[i].done_at = std::chrono::steady_clock::now();
    }
  }

 private:
  int failures_;
  int error_;
};

TEST(CgroupRetry, MemoryLimitEbusyIsRetriedWithBackoff) {
  FlakyWriter w(RetryPolicy{}, 2, EBUSY);
  const std::vector<CgroupWrite> ws{{"/cg/a/memory.limit_in_bytes", "1"},
                                    {"/cg/a/cpu.cfs_quota_us", "1"},
                                    {"/cg/b/memory.max", "1"}};
  const auto start = std::chrono::steady_clock::now();
  const auto res = w.apply(ws);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(3));  // 1 + 2 ms
  EXPECT_EQ(res[0].error, 0);
  EXPECT_EQ(res[0].attempts, 3);
  EXPECT_EQ(res[1].error, EBUSY);  // not a memory limit: never retried
  EXPECT_EQ(res[1].attempts, 1);
  EXPECT_EQ(res[2].error, 0);
  EXPECT_EQ(res[2].attempts, 3);
}

TEST(CgroupRetry, GivesUpAfterMaxRetries) {
  FlakyWriter w(RetryPolicy{}, 100, EAGAIN);
  const std::vector<CgroupWrite> ws{{"/cg/a/memory.limit_in_bytes", "1"}};
  const auto start = std::chrono::steady_clock::now();
  const auto res = w.apply(ws);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(31));
  EXPECT_EQ(res[0].error, EAGAIN);
  EXPECT_EQ(res[0].attempts, 6);  // 1 + the default 5 retries
  FlakyWriter none(RetryPolicy{0, std::chrono::microseconds(1000)}, 100, EBUSY);
  EXPECT_EQ(none.apply(ws)[0].attempts, 1);
}

TEST(CgroupRetry, OtherErrorsAreFinal) {
  FlakyWriter w(RetryPolicy{}, 1, EINVAL);
  const std::vector<CgroupWrite> ws{{"/cg/a/memory.limit_in_bytes", "x"},
                                    CgroupWrite::remove_dir("/cg/a")};
  const auto res = w.apply(ws);
  EXPECT_EQ(res[0].error, EINVAL);
  EXPECT_EQ(res[0].attempts, 1);
  EXPECT_EQ(res[1].attempts, 1);
}

}  // namespace
}  // namespace swarmex::hostctl
