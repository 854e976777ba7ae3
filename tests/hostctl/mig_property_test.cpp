// Randomised create/destroy on the simulated H100s, compared step by step with a brute-force slice
// array, and the read-only report.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "swarmex/engine/mig_profiles.hpp"
#include "swarmex/hostctl/mig_report.hpp"
#include "swarmex/hostctl/simulated_mig_backend.hpp"

namespace swarmex::hostctl {
namespace {

using engine::kH100Profiles;

// SWARMEX_SEED reproduces a run; otherwise a fresh seed, printed so a failure can be replayed.
std::uint64_t test_seed() {
  if (const char* env = std::getenv("SWARMEX_SEED"); env != nullptr && *env != '\0') {
    return std::strtoull(env, nullptr, 0);
  }
  return (std::uint64_t{std::random_device{}()} << 32) | std::random_device{}();
}

// One GPU as an array of slice owners (0 = free), checked by brute force.
struct ModelGpu {
  std::array<std::uint32_t, 8> owner{};
  std::map<std::uint32_t, std::pair<std::size_t, MigPlacement>> instances;  // id -> profile, where

  std::uint32_t count(std::size_t profile) const {
    std::uint32_t n = 0;
    for (const auto& [id, inst] : instances)
      n += inst.first == profile;
    return n;
  }
  bool legal(std::size_t profile, std::uint32_t start) const {
    return start < 8 && ((kH100Profiles[profile].start_mask >> start) & 1u) != 0 &&
           start + kH100Profiles[profile].size_slices <= 8;
  }
  bool free(std::size_t profile, std::uint32_t start) const {
    for (std::uint32_t s = start; s < start + kH100Profiles[profile].size_slices; ++s) {
      if (owner[s] != 0) return false;
    }
    return true;
  }
  bool fits(std::size_t profile, std::uint32_t start) const {
    return legal(profile, start) && free(profile, start) &&
           count(profile) < kH100Profiles[profile].max_count;
  }
  // Legal starts of one profile are disjoint, so remaining = free legal starts, capped by max.
  std::uint32_t remaining(std::size_t profile) const {
    std::uint32_t n = 0;
    for (std::uint32_t s = 0; s < 8; ++s)
      n += legal(profile, s) && free(profile, s);
    const std::uint32_t left = kH100Profiles[profile].max_count - count(profile);
    return std::min(n, left);
  }
  std::uint32_t next_id() const {
    std::uint32_t id = 1;
    while (instances.count(id) != 0)
      ++id;
    return id;
  }
  std::uint8_t used_mask() const {
    std::uint8_t m = 0;
    for (std::uint32_t s = 0; s < 8; ++s)
      m |= static_cast<std::uint8_t>((owner[s] != 0) << s);
    return m;
  }
};

void expect_agrees(SimulatedMigBackend& sim, std::uint32_t gpu, const ModelGpu& model,
                   bool check_profiles) {
  auto list = sim.instances(gpu);
  ASSERT_TRUE(list.ok());
  std::array<std::uint32_t, 8> seen{};
  ASSERT_EQ(list.value().size(), model.instances.size());
  auto want = model.instances.begin();
  for (const MigInstance& m : list.value()) {
    ASSERT_EQ(m.gpu_instance_id, want->first);
    ASSERT_EQ(m.profile, kH100Profiles[want->second.first].name);
    ASSERT_EQ(m.placement, want->second.second);
    for (std::uint32_t s = m.placement.start; s < m.placement.start + m.placement.size; ++s) {
      ASSERT_LT(s, 8u);
      ASSERT_EQ(seen[s], 0u) << "slice " << s << " sold twice";
      seen[s] = m.gpu_instance_id;
    }
    ++want;
  }
  ASSERT_EQ(seen, model.owner);
  const engine::MigSliceMap& map = sim.slice_map(gpu);
  ASSERT_EQ(map.used_mask(), model.used_mask());
  for (std::size_t p = 0; p < kH100Profiles.size(); ++p) {
    std::optional<std::uint8_t> first;
    for (std::uint8_t s = 0; s < 8 && !first; ++s) {
      if (model.fits(p, s)) first = s;
    }
    ASSERT_EQ(map.first_fit(kH100Profiles[p]), first) << kH100Profiles[p].name;
  }
  if (!check_profiles) return;
  auto profiles = sim.profiles(gpu);
  ASSERT_TRUE(profiles.ok());
  for (std::size_t p = 0; p < kH100Profiles.size(); ++p) {
    ASSERT_EQ(profiles.value()[p].free_count, model.remaining(p)) << kH100Profiles[p].name;
  }
}

TEST(MigProperty, RandomSequencesNeverOverlapAndMatchBruteForce) {
  const std::uint64_t seed = test_seed();
  std::printf("[ mig property ] seed=%llu (rerun with SWARMEX_SEED=%llu)\n",
              static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed));
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 rng(seed);

  SimulatedMigBackend sim(2, true);
  std::array<ModelGpu, 2> model;
  int created = 0, refused = 0, destroyed = 0;
  for (int step = 0; step < 20'000; ++step) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " step " + std::to_string(step));
    const std::uint32_t gpu = static_cast<std::uint32_t>(rng() % 2);
    ModelGpu& m = model[gpu];
    if (rng() % 64 == 0) sim.fail_next_create(mig_errc::kUnknown, "injected");
    const bool is_create = rng() % 3 != 0;
    if (is_create) {
      const std::size_t p = rng() % kH100Profiles.size();
      const std::uint32_t start = static_cast<std::uint32_t>(rng() % 9);
      const bool expect = m.fits(p, start);
      const std::uint32_t id = m.next_id();
      auto r = sim.create(gpu, kH100Profiles[p].name, start);
      if (!r.ok() && r.error().text == "injected") {
        expect_agrees(sim, gpu, m, false);
        continue;
      }
      ASSERT_EQ(r.ok(), expect) << kH100Profiles[p].name << "@" << start << ": "
                                << (r.ok() ? "" : r.error().text);
      if (r.ok()) {
        ++created;
        ASSERT_EQ(r->gpu_instance_id, id);
        const MigPlacement at{start, kH100Profiles[p].size_slices};
        ASSERT_EQ(r->placement, at);
        m.instances[id] = {p, at};
        for (std::uint32_t s = start; s < start + at.size; ++s)
          m.owner[s] = id;
      } else {
        ++refused;
        ASSERT_EQ(r.error().code, m.legal(p, start) ? mig_errc::kInsufficientResources
                                                    : mig_errc::kInvalidArgument);
      }
    } else {
      std::uint32_t id = static_cast<std::uint32_t>(rng() % 16);
      if (!m.instances.empty() && rng() % 8 != 0) {
        auto it = m.instances.begin();
        std::advance(it, static_cast<long>(rng() % m.instances.size()));
        id = it->first;
      }
      const bool expect = m.instances.count(id) != 0;
      auto r = sim.destroy(gpu, id);
      ASSERT_EQ(r.ok(), expect);
      if (r.ok()) {
        ++destroyed;
        for (auto& o : m.owner)
          o = o == id ? 0 : o;
        m.instances.erase(id);
      } else {
        ASSERT_EQ(r.error().code, mig_errc::kNotFound);
      }
    }
    expect_agrees(sim, gpu, m, step % 16 == 0);
    if (HasFatalFailure()) return;
  }
  // The walk must exercise both outcomes, or it proves little.
  EXPECT_GT(created, 1000);
  EXPECT_GT(refused, 1000);
  EXPECT_GT(destroyed, 1000);
}

// --- Report -----------------------------------------------------------------------------------

TEST(MigReport, DescribesEverythingAndChangesNothing) {
  SimulatedMigBackend sim(std::vector<bool>{true, false});
  ASSERT_TRUE(sim.create(0, "3g.40gb", 4).ok());
  ASSERT_TRUE(sim.create(0, "1g.10gb", 0).ok());
  const engine::MigSliceMap before = sim.slice_map(0);
  const std::string text = describe(sim);
  EXPECT_EQ(sim.slice_map(0), before);
  EXPECT_EQ(sim.instances(0)->size(), 2u);
  for (const char* want :
       {"GPU 0: NVIDIA H100 80GB HBM3", "MIG mode enabled", "GPU 1:", "MIG mode disabled",
        "1g.10gb+me", "0:4 4:4", "0:2 2:2 4:2 6:2", "slices 2...1111", "at 4:4", "at 0:1"}) {
    EXPECT_NE(text.find(want), std::string::npos) << "missing '" << want << "' in\n" << text;
  }
  EXPECT_EQ(text, describe(sim));  // deterministic
}

}  // namespace
}  // namespace swarmex::hostctl
