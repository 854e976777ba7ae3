// The little-endian field writers and the bounds-checked reader agree, byte for byte.
#include "swarmex/common/little_endian.hpp"

#include <gtest/gtest.h>

#include <array>

namespace swarmex::common::le {
namespace {

TEST(LittleEndianTest, WritesLowByteFirstAndReadsBack) {
  std::vector<std::uint8_t> out;
  VecWriter w{out};
  w.put(std::uint32_t{0x11223344});
  w.put(std::int64_t{-2});
  w.put_string("ab");
  ASSERT_EQ(out.size(), 4u + 8u + 2u + 2u);
  EXPECT_EQ(out[0], 0x44);
  EXPECT_EQ(out[3], 0x11);
  EXPECT_EQ(out[4], 0xFE);

  std::array<std::uint8_t, 12> fixed{};
  PtrWriter p{fixed.data()};
  p.put(std::uint32_t{0x11223344});
  p.put(std::int64_t{-2});
  EXPECT_TRUE(std::equal(fixed.begin(), fixed.end(), out.begin()));

  Reader r{out.data(), out.data() + out.size()};
  EXPECT_EQ(r.get<std::uint32_t>(), 0x11223344u);
  EXPECT_EQ(r.get<std::int64_t>(), -2);
  EXPECT_EQ(r.get_string(), "ab");
  EXPECT_TRUE(r.ok);
}

TEST(LittleEndianTest, ReadingPastTheEndFailsAndStaysFailed) {
  const std::array<std::uint8_t, 3> bytes{1, 2, 3};
  Reader r{bytes.data(), bytes.data() + bytes.size()};
  EXPECT_EQ(r.get<std::uint16_t>(), 0x0201);
  EXPECT_EQ(r.get<std::uint32_t>(), 0u);
  EXPECT_FALSE(r.ok);
}

}  // namespace
}  // namespace swarmex::common::le
