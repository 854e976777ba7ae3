// TempDir makes a fresh directory named by its prefix and leaves nothing behind.
#include "swarmex/common/temp_dir.hpp"

#include <gtest/gtest.h>

#include <fstream>

namespace swarmex::common {
namespace {

TEST(TempDirTest, MakesAFreshDirectoryAndRemovesItWithItsContents) {
  std::filesystem::path kept;
  {
    TempDir a("swarmex-tempdir-test");
    TempDir b("swarmex-tempdir-test");
    ASSERT_TRUE(std::filesystem::is_directory(a.path()));
    EXPECT_NE(a.path(), b.path());
    EXPECT_EQ(a.str(), a.path().string());
    EXPECT_EQ(a.path().filename().string().rfind("swarmex-tempdir-test-", 0), 0u);
    std::filesystem::create_directories(a.path() / "x" / "y");
    std::ofstream(a.path() / "x" / "y" / "f") << "data";
    kept = a.path();
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

TEST(TempDirTest, RemoveIsIdempotent) {
  TempDir d;
  const auto p = d.path();
  EXPECT_TRUE(d.remove());
  EXPECT_FALSE(std::filesystem::exists(p));
  EXPECT_TRUE(d.remove());
}

}  // namespace
}  // namespace swarmex::common
