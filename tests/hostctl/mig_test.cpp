// MIG placement on the H100 80GB: the engine's table and slice map, and the simulated backend.
// mig_property_test.cpp holds the randomised comparison, the NVML loader and the report.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "swarmex/engine/mig_profiles.hpp"
#include "swarmex/hostctl/simulated_mig_backend.hpp"

namespace swarmex::hostctl {
namespace {

using engine::find_mig_profile;
using engine::kH100Profiles;
using engine::MigProfile;
using engine::MigSliceMap;

// The spec, written out independently of the table under test.
struct SpecRow {
  const char* name;
  std::uint32_t id;
  std::uint32_t max;
  std::vector<std::uint8_t> starts;
  std::uint8_t size;
};
const std::vector<SpecRow>& spec() {
  static const std::vector<SpecRow> rows{
      {"1g.10gb", 19, 7, {0, 1, 2, 3, 4, 5, 6}, 1},
      {"1g.10gb+me", 20, 1, {0, 1, 2, 3, 4, 5, 6}, 1},
      {"1g.20gb", 15, 4, {0, 2, 4, 6}, 2},
      {"2g.20gb", 14, 3, {0, 2, 4}, 2},
      {"3g.40gb", 9, 2, {0, 4}, 4},
      {"4g.40gb", 5, 1, {0}, 4},
      {"7g.80gb", 0, 1, {0}, 8},
  };
  return rows;
}

const MigProfile& P(const char* name) {
  const MigProfile* p = find_mig_profile(name);
  if (p == nullptr) ADD_FAILURE() << "no profile " << name;
  return p != nullptr ? *p : kH100Profiles[0];
}

// Places each (profile, start) in order; returns how many succeeded.
int place_all(MigSliceMap& map, const std::vector<std::pair<const char*, int>>& seq) {
  int placed = 0;
  for (const auto& [name, start] : seq)
    placed += map.place(P(name), static_cast<std::uint8_t>(start));
  return placed;
}

TEST(MigTable, EqualsSpecRowByRow) {
  ASSERT_EQ(kH100Profiles.size(), spec().size());
  for (std::size_t i = 0; i < spec().size(); ++i) {
    const SpecRow& want = spec()[i];
    const MigProfile& got = kH100Profiles[i];
    SCOPED_TRACE(want.name);
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.profile_id, want.id);
    EXPECT_EQ(got.max_count, want.max);
    EXPECT_EQ(got.size_slices, want.size);
    std::vector<std::uint8_t> starts;
    for (std::uint8_t s = 0; s < 8; ++s) {
      if ((got.start_mask >> s) & 1u) starts.push_back(s);
    }
    EXPECT_EQ(starts, want.starts);
  }
}

TEST(MigTable, FindAcceptsNameAndResourceForm) {
  ASSERT_NE(find_mig_profile("1g.10gb"), nullptr);
  EXPECT_EQ(find_mig_profile("mig.1g.10gb"), find_mig_profile("1g.10gb"));
  EXPECT_EQ(find_mig_profile("mig.1g.10gb+me")->profile_id, 20u);
  EXPECT_EQ(find_mig_profile("mig.7g.80gb")->size_slices, 8);
  EXPECT_EQ(find_mig_profile("2g.10gb"), nullptr);
  EXPECT_EQ(find_mig_profile("mig."), nullptr);
  EXPECT_EQ(find_mig_profile(""), nullptr);
  EXPECT_EQ(find_mig_profile("MIG.1g.10gb"), nullptr);
}

TEST(MigSliceMap, LegalSequencesFit) {
  const std::vector<std::pair<std::vector<std::pair<const char*, int>>, std::uint8_t>> cases{
      {{{"1g.10gb", 0},
        {"1g.10gb", 1},
        {"1g.10gb", 2},
        {"1g.10gb", 3},
        {"1g.10gb", 4},
        {"1g.10gb", 5},
        {"1g.10gb", 6}},
       0x7F},
      {{{"3g.40gb", 0}, {"3g.40gb", 4}}, 0xFF},
      {{{"4g.40gb", 0}, {"3g.40gb", 4}}, 0xFF},
      {{{"2g.20gb", 0}, {"2g.20gb", 2}, {"2g.20gb", 4}, {"1g.10gb", 6}}, 0x7F},
      {{{"1g.20gb", 0}, {"1g.20gb", 2}, {"1g.20gb", 4}, {"1g.20gb", 6}}, 0xFF},
      {{{"7g.80gb", 0}}, 0xFF},
      {{{"1g.10gb+me", 3}, {"1g.10gb", 0}, {"2g.20gb", 4}}, 0x39},
  };
  for (const auto& [seq, mask] : cases) {
    MigSliceMap map;
    EXPECT_EQ(place_all(map, seq), static_cast<int>(seq.size())) << seq.front().first;
    EXPECT_EQ(map.used_mask(), mask) << seq.front().first;
  }
}

TEST(MigSliceMap, IllegalPlacementsAreRefusedWithoutChange) {
  MigSliceMap map;
  ASSERT_TRUE(map.place(P("2g.20gb"), 0));
  const MigSliceMap before = map;
  EXPECT_FALSE(map.place(P("1g.10gb"), 1));  // overlap
  EXPECT_FALSE(map.place(P("3g.40gb"), 0));  // overlap
  EXPECT_FALSE(map.place(P("7g.80gb"), 0));  // 7g on a non-empty GPU
  EXPECT_EQ(map, before);

  MigSliceMap seven;
  for (int s = 0; s < 7; ++s)
    ASSERT_TRUE(seven.place(P("1g.10gb"), static_cast<std::uint8_t>(s)));
  EXPECT_FALSE(seven.place(P("1g.10gb"), 7));  // an 8th 1g.10gb: slice 7 is no start
  EXPECT_FALSE(seven.first_fit(P("1g.10gb")).has_value());

  MigSliceMap four;
  ASSERT_TRUE(four.place(P("4g.40gb"), 0));
  EXPECT_FALSE(four.place(P("4g.40gb"), 0));
  EXPECT_FALSE(four.place(P("4g.40gb"), 4));  // second 4g.40gb, even on free slices

  MigSliceMap empty;
  for (const auto& [name, start] : std::vector<std::pair<const char*, int>>{{"2g.20gb", 1},
                                                                            {"3g.40gb", 2},
                                                                            {"1g.20gb", 1},
                                                                            {"4g.40gb", 4},
                                                                            {"7g.80gb", 1},
                                                                            {"1g.10gb", 7},
                                                                            {"1g.10gb", 8},
                                                                            {"1g.10gb", 255}}) {
    EXPECT_FALSE(empty.fits(P(name), static_cast<std::uint8_t>(start))) << name << "@" << start;
    EXPECT_FALSE(empty.place(P(name), static_cast<std::uint8_t>(start))) << name << "@" << start;
  }
  EXPECT_TRUE(empty.empty());

  MigSliceMap me;
  ASSERT_TRUE(me.place(P("1g.10gb+me"), 0));
  EXPECT_FALSE(me.place(P("1g.10gb+me"), 3));  // max count 1, slices free
  EXPECT_TRUE(me.place(P("1g.10gb"), 3));
  EXPECT_EQ(me.count(P("1g.10gb+me")), 1u);

  MigProfile forged = P("1g.10gb");  // not a table row: refused, not trusted
  forged.profile_id = 12345;
  EXPECT_FALSE(empty.place(forged, 0));
}

TEST(MigSliceMap, ReleaseThenReplace) {
  MigSliceMap map;
  ASSERT_TRUE(map.place(P("3g.40gb"), 0));
  ASSERT_TRUE(map.place(P("2g.20gb"), 4));
  EXPECT_FALSE(map.release(P("3g.40gb"), 4));  // none starts there
  EXPECT_FALSE(map.release(P("4g.40gb"), 0));  // a different profile holds slice 0
  EXPECT_FALSE(map.place(P("1g.20gb"), 2));
  EXPECT_TRUE(map.release(P("3g.40gb"), 0));
  EXPECT_FALSE(map.release(P("3g.40gb"), 0));  // already released
  EXPECT_EQ(map.used_mask(), 0x30);
  EXPECT_TRUE(map.place(P("1g.20gb"), 2));
  EXPECT_TRUE(map.place(P("3g.40gb"), 0) == false);  // 1g.20gb@2 is in the way now
  EXPECT_TRUE(map.release(P("1g.20gb"), 2));
  EXPECT_TRUE(map.place(P("3g.40gb"), 0));
  EXPECT_EQ(map.used_mask(), 0x3F);
}

TEST(MigSliceMap, FirstFitAndRemainingAreDeterministic) {
  MigSliceMap map;
  for (const MigProfile& p : kH100Profiles)
    EXPECT_EQ(map.first_fit(p), std::uint8_t{0}) << p.name;
  const std::vector<std::uint32_t> remaining_empty{7, 1, 4, 3, 2, 1, 1};
  for (std::size_t i = 0; i < kH100Profiles.size(); ++i) {
    EXPECT_EQ(map.remaining(kH100Profiles[i]), remaining_empty[i]) << kH100Profiles[i].name;
  }
  ASSERT_TRUE(map.place(P("1g.10gb"), 0));
  EXPECT_EQ(map.first_fit(P("1g.10gb")), std::uint8_t{1});
  EXPECT_EQ(map.first_fit(P("2g.20gb")), std::uint8_t{2});
  EXPECT_EQ(map.first_fit(P("3g.40gb")), std::uint8_t{4});
  EXPECT_FALSE(map.first_fit(P("4g.40gb")).has_value());
  EXPECT_FALSE(map.first_fit(P("7g.80gb")).has_value());

  MigSliceMap a, b;  // the same sequence of first fits gives the same map, every time
  for (const char* name : {"1g.20gb", "1g.10gb", "2g.20gb", "1g.10gb", "1g.10gb+me", "1g.10gb"}) {
    const auto sa = a.first_fit(P(name));
    const auto sb = b.first_fit(P(name));
    ASSERT_EQ(sa, sb);
    if (sa) {
      a.place(P(name), *sa);
      b.place(P(name), *sb);
    }
  }
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.used_mask(), 0x7F);  // 1g.20gb@0, 1g@2, 2g@4, 1g@3, +me@6; slice 7 starts nothing
  EXPECT_EQ(a.starts(P("1g.10gb")), 0b0000'1100);
}

// --- Simulated backend -------------------------------------------------------------------------

TEST(SimulatedMig, GpusAndProfilesAsNvmlReportsThem) {
  SimulatedMigBackend sim(std::vector<bool>{true, false});
  auto gpus = sim.gpus();
  ASSERT_TRUE(gpus.ok());
  ASSERT_EQ(gpus.value().size(), 2u);
  EXPECT_EQ(gpus.value()[0].name, "NVIDIA H100 80GB HBM3");
  EXPECT_TRUE(gpus.value()[0].mig_enabled);
  EXPECT_FALSE(gpus.value()[1].mig_enabled);
  EXPECT_NE(gpus.value()[0].uuid, gpus.value()[1].uuid);
  EXPECT_EQ(gpus.value()[0].memory_bytes, 81559ull << 20);  // NVML total of an H100 80GB HBM3

  auto profiles = sim.profiles(0);
  ASSERT_TRUE(profiles.ok());
  ASSERT_EQ(profiles.value().size(), spec().size());
  for (std::size_t i = 0; i < spec().size(); ++i) {
    const MigProfileInfo& p = profiles.value()[i];
    EXPECT_EQ(p.name, spec()[i].name);
    EXPECT_EQ(p.profile_id, spec()[i].id);
    EXPECT_EQ(p.instance_count, spec()[i].max);
    EXPECT_EQ(p.free_count, spec()[i].max);
    std::vector<MigPlacement> want;
    for (std::uint8_t s : spec()[i].starts)
      want.push_back({s, spec()[i].size});
    EXPECT_EQ(p.placements, want) << p.name;
  }
  EXPECT_EQ(profiles.value()[4].placements, (std::vector<MigPlacement>{{0, 4}, {4, 4}}));
  EXPECT_EQ(profiles.value()[0].memory_mb, 9984u);
  EXPECT_EQ(profiles.value()[6].memory_mb, 81152u);

  auto made = sim.create(0, "mig.3g.40gb", 4);
  ASSERT_TRUE(made.ok()) << made.error().text;
  EXPECT_EQ(made->placement, (MigPlacement{4, 4}));
  EXPECT_EQ(made->profile, "3g.40gb");
  EXPECT_EQ(made->compute_instance_id, 0u);
  profiles = sim.profiles(0);
  EXPECT_EQ(profiles.value()[4].free_count, 1u);  // 3g.40gb
  EXPECT_EQ(profiles.value()[6].free_count, 0u);  // 7g.80gb
  EXPECT_EQ(profiles.value()[0].free_count, 4u);  // 1g.10gb on slices 0-3
}

TEST(SimulatedMig, IdsAreReusedLowestFirst) {
  SimulatedMigBackend sim;
  std::vector<std::uint32_t> ids;
  for (std::uint32_t s = 0; s < 3; ++s)
    ids.push_back(sim.create(0, "1g.10gb", s)->gpu_instance_id);
  EXPECT_EQ(ids, (std::vector<std::uint32_t>{1, 2, 3}));
  ASSERT_TRUE(sim.destroy(0, 2).ok());
  ASSERT_TRUE(sim.destroy(0, 1).ok());
  EXPECT_EQ(sim.create(0, "1g.10gb", 6)->gpu_instance_id, 1u);
  EXPECT_EQ(sim.create(0, "2g.20gb", 4)->gpu_instance_id, 2u);
  EXPECT_EQ(sim.create(0, "1g.10gb", 0)->gpu_instance_id, 4u);
  auto list = sim.instances(0);
  ASSERT_TRUE(list.ok());
  std::vector<std::uint32_t> listed;
  for (const MigInstance& m : list.value())
    listed.push_back(m.gpu_instance_id);
  EXPECT_EQ(listed, (std::vector<std::uint32_t>{1, 2, 3, 4}));
  EXPECT_EQ(list.value()[1].placement, (MigPlacement{4, 2}));
}

TEST(SimulatedMig, RefusalsCarryNvmlCodesAndClearText) {
  SimulatedMigBackend sim(std::vector<bool>{true, false});
  EXPECT_EQ(sim.profiles(1).error().code, mig_errc::kNotSupported);
  EXPECT_EQ(sim.instances(1).error().code, mig_errc::kNotSupported);
  auto off = sim.create(1, "1g.10gb", 0);
  ASSERT_FALSE(off.ok());
  EXPECT_EQ(off.error().code, mig_errc::kNotSupported);
  EXPECT_NE(off.error().text.find("not in MIG mode"), std::string::npos);
  EXPECT_EQ(sim.create(7, "1g.10gb", 0).error().code, mig_errc::kInvalidArgument);
  EXPECT_EQ(sim.create(0, "9g.90gb", 0).error().code, mig_errc::kInvalidArgument);

  auto illegal = sim.create(0, "2g.20gb", 1);
  ASSERT_FALSE(illegal.ok());
  EXPECT_EQ(illegal.error().code, mig_errc::kInvalidArgument);
  EXPECT_NE(illegal.error().text.find("legal starts: 0,2,4"), std::string::npos);

  ASSERT_TRUE(sim.create(0, "3g.40gb", 0).ok());
  auto overlap = sim.create(0, "2g.20gb", 2);
  ASSERT_FALSE(overlap.ok());
  EXPECT_EQ(overlap.error().code, mig_errc::kInsufficientResources);
  EXPECT_NE(overlap.error().text.find("overlaps GPU instance 1 (3g.40gb at 0:4)"),
            std::string::npos)
      << overlap.error().text;
  ASSERT_TRUE(sim.create(0, "1g.10gb+me", 4).ok());
  auto second_me = sim.create(0, "1g.10gb+me", 5);
  EXPECT_EQ(second_me.error().code, mig_errc::kInsufficientResources);

  auto unknown = sim.destroy(0, 42);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, mig_errc::kNotFound);
  EXPECT_FALSE(unknown.error().text.empty());
  EXPECT_EQ(sim.destroy(1, 1).error().code, mig_errc::kNotSupported);
  EXPECT_EQ(sim.instances(0)->size(), 2u);
}

TEST(SimulatedMig, InjectedFailuresSurfaceOnceAndChangeNothing) {
  SimulatedMigBackend sim;
  sim.fail_next_create(mig_errc::kNoPermission, "insufficient permissions");
  auto failed = sim.create(0, "7g.80gb", 0);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, mig_errc::kNoPermission);
  EXPECT_EQ(failed.error().text, "insufficient permissions");
  EXPECT_TRUE(sim.instances(0)->empty());
  EXPECT_TRUE(sim.slice_map(0).empty());
  auto made = sim.create(0, "7g.80gb", 0);
  ASSERT_TRUE(made.ok());

  sim.fail_next_destroy(mig_errc::kInUse);
  EXPECT_EQ(sim.destroy(0, made->gpu_instance_id).error().code, mig_errc::kInUse);
  EXPECT_EQ(sim.instances(0)->size(), 1u);
  EXPECT_TRUE(sim.destroy(0, made->gpu_instance_id).ok());
  EXPECT_TRUE(sim.slice_map(0).empty());
}

}  // namespace
}  // namespace swarmex::hostctl
