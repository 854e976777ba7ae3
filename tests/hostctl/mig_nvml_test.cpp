// The NVML backend: loading fails cleanly without NVIDIA's library, and against a stand-in
// libnvidia-ml (mig_fake_nvml.cpp) it names profiles as the engine's table does, creates a GPU
// instance with its default compute instance, rolls back a half-made one and destroys in order.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "swarmex/engine/mig_profiles.hpp"
#include "swarmex/hostctl/mig_report.hpp"
#include "swarmex/hostctl/nvml_mig_backend.hpp"

namespace swarmex::hostctl {
namespace {

TEST(NvmlMig, OpenOnThisHostFailsCleanlyWithoutNvidiaLibrary) {
  std::string why;
  auto backend = NvmlMigBackend::open(&why);
  if (backend) {  // a host with NVIDIA's driver: the backend must at least list its GPUs
    auto gpus = backend->gpus();
    ASSERT_TRUE(gpus.ok()) << gpus.error().text;
    EXPECT_FALSE(gpus.value().empty());
    return;
  }
  EXPECT_FALSE(why.empty());
  std::printf("[ nvml ] %s\n", why.c_str());
}

TEST(NvmlMig, MissingLibraryGivesItsPath) {
  std::string why;
  EXPECT_EQ(NvmlMigBackend::open(&why, "/nonexistent/libnvidia-ml.so.1"), nullptr);
  EXPECT_NE(why.find("/nonexistent/libnvidia-ml.so.1"), std::string::npos) << why;
  EXPECT_EQ(NvmlMigBackend::open(nullptr, "/nonexistent/libnvidia-ml.so.1"), nullptr);
}

TEST(NvmlMig, LibraryWithoutNvmlFunctionsIsRefused) {
  std::string why;
  EXPECT_EQ(NvmlMigBackend::open(&why, "libc.so.6"), nullptr);
  EXPECT_NE(why.find("nvmlInit_v2"), std::string::npos) << why;
  EXPECT_NE(why.find("nvmlGpuInstanceDestroy"), std::string::npos) << why;
}

// The stand-in library, opened a second time (same instance) to reach its test controls.
class FakeNvml : public ::testing::Test {
 protected:
  void SetUp() override {
    lib_ = dlopen(SWARMEX_FAKE_NVML, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(lib_, nullptr) << dlerror();
    reset_ = reinterpret_cast<void (*)()>(dlsym(lib_, "fake_nvml_reset"));
    fail_ci_ = reinterpret_cast<void (*)(int)>(dlsym(lib_, "fake_nvml_fail_next_compute_instance"));
    ASSERT_TRUE(reset_ != nullptr && fail_ci_ != nullptr);
    reset_();
    std::string why;
    backend_ = NvmlMigBackend::open(&why, SWARMEX_FAKE_NVML);
    ASSERT_NE(backend_, nullptr) << why;
  }
  void TearDown() override {
    backend_.reset();
    if (lib_ != nullptr) dlclose(lib_);
  }

  void* lib_ = nullptr;
  void (*reset_)() = nullptr;
  void (*fail_ci_)(int) = nullptr;
  std::unique_ptr<NvmlMigBackend> backend_;
};

TEST_F(FakeNvml, GpusAndProfilesAgreeWithTheEngineTable) {
  auto gpus = backend_->gpus();
  ASSERT_TRUE(gpus.ok()) << gpus.error().text;
  ASSERT_EQ(gpus.value().size(), 1u);
  EXPECT_EQ(gpus.value()[0].name, "NVIDIA H100 80GB HBM3");
  EXPECT_TRUE(gpus.value()[0].mig_enabled);
  EXPECT_EQ(gpus.value()[0].memory_bytes, 81559ull << 20);

  auto profiles = backend_->profiles(0);
  ASSERT_TRUE(profiles.ok()) << profiles.error().text;
  ASSERT_EQ(profiles.value().size(), engine::kH100Profiles.size());
  for (std::size_t i = 0; i < engine::kH100Profiles.size(); ++i) {
    EXPECT_EQ(profiles.value()[i].name, engine::kH100Profiles[i].name);  // nvidia-smi's order
  }
  for (const MigProfileInfo& p : profiles.value()) {
    const engine::MigProfile* row = engine::find_mig_profile(p.name);
    ASSERT_NE(row, nullptr) << "NVML name " << p.name << " is not in the engine table";
    EXPECT_EQ(p.profile_id, row->profile_id) << p.name;
    EXPECT_EQ(p.instance_count, row->max_count) << p.name;
    EXPECT_EQ(p.free_count, row->max_count) << p.name;
    std::vector<MigPlacement> want;
    for (std::uint32_t s = 0; s < 8; ++s) {
      if ((row->start_mask >> s) & 1u) want.push_back({s, row->size_slices});
    }
    EXPECT_EQ(p.placements, want) << p.name;
  }
}

TEST_F(FakeNvml, CreateListAndDestroy) {
  auto made = backend_->create(0, "mig.3g.40gb", 4);
  ASSERT_TRUE(made.ok()) << made.error().text;
  EXPECT_EQ(made->gpu_instance_id, 2u);  // the stand-in's placement-derived id
  EXPECT_EQ(made->compute_instance_id, 0u);
  EXPECT_EQ(made->placement, (MigPlacement{4, 4}));
  EXPECT_EQ(made->profile, "3g.40gb");
  ASSERT_TRUE(backend_->create(0, "1g.10gb", 1).ok());

  auto overlap = backend_->create(0, "2g.20gb", 4);
  ASSERT_FALSE(overlap.ok());
  EXPECT_EQ(overlap.error().code, mig_errc::kInsufficientResources);
  EXPECT_NE(overlap.error().text.find("Insufficient Resources"), std::string::npos);
  auto illegal = backend_->create(0, "3g.40gb", 2);
  EXPECT_EQ(illegal.error().code, mig_errc::kInvalidArgument);
  EXPECT_NE(illegal.error().text.find("legal starts: 0,4"), std::string::npos);
  EXPECT_EQ(backend_->create(0, "5g.50gb", 0).error().code, mig_errc::kInvalidArgument);

  auto list = backend_->instances(0);
  ASSERT_TRUE(list.ok()) << list.error().text;
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ(list->at(0).gpu_instance_id, 2u);  // ordered by id
  EXPECT_EQ(list->at(1).gpu_instance_id, 8u);
  EXPECT_EQ(list->at(1).placement, (MigPlacement{1, 1}));
  EXPECT_EQ(list->at(1).compute_instance_id, 0u);
  auto profiles = backend_->profiles(0);
  ASSERT_TRUE(profiles.ok());
  for (const MigProfileInfo& p : profiles.value()) {
    if (p.name == "3g.40gb") {
      EXPECT_EQ(p.free_count, 0u);  // slices 0-3 hold the 1g.10gb
    }
    if (p.name == "1g.10gb") {
      EXPECT_EQ(p.free_count, 3u);  // slices 0, 2 and 3
    }
  }
  EXPECT_NE(describe(*backend_).find("at 4:4"), std::string::npos);

  // The stand-in refuses to destroy a GPU instance that still has a compute instance, so success
  // shows the order: compute instances first.
  EXPECT_TRUE(backend_->destroy(0, 2).ok());
  auto again = backend_->destroy(0, 2);
  EXPECT_EQ(again.error().code, mig_errc::kNotFound);
  EXPECT_TRUE(backend_->destroy(0, 8).ok());
  EXPECT_TRUE(backend_->instances(0)->empty());
}

TEST_F(FakeNvml, FailedComputeInstanceRollsBackTheGpuInstance) {
  fail_ci_(mig_errc::kNoPermission);
  auto made = backend_->create(0, "7g.80gb", 0);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().code, mig_errc::kNoPermission);
  EXPECT_NE(made.error().text.find("nvmlGpuInstanceCreateComputeInstance"), std::string::npos);
  EXPECT_TRUE(backend_->instances(0)->empty());
  ASSERT_TRUE(backend_->create(0, "7g.80gb", 0).ok());  // the slices were given back
}

}  // namespace
}  // namespace swarmex::hostctl
