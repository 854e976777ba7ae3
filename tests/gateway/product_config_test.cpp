// Scheduled products in the configuration (ids, lengths, overlaps) and the expansion of a block
// order into one swarm leg per window.
#include <gtest/gtest.h>

#include "swarmex/gateway/block_order.hpp"
#include "swarmex/gateway/config.hpp"

namespace swarmex::gateway {
namespace {

constexpr std::int64_t kHour = 3'600'000'000'000;
constexpr std::int64_t kNow = 498'710 * kHour + 10 * 60'000'000'000;  // 2026-11-22T14:10Z

const char* kProducts = R"(
[[instruments]]
id = 1
symbol = "cpu.pool-a.spot"
resource = "cpu"
pool = "pool-a"

[[products]]
id = 100
resource = "cpu"
pool = "pool-a"
length_s = 3600
listed_ahead_s = 86400
gate_closure_s = 300
tick = 100
band_min = 100
band_max = 1000000

[[products]]
id = 200
resource = "cpu"
pool = "pool-a"
length_s = 900
listed_ahead_s = 7200
)";

std::string message_of(const std::string& toml) {
  try {
    parse_config(toml, "test.toml");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(ProductConfig, ParsesProductsAndTheirWindowBooks) {
  const Config c = parse_config(kProducts, "test.toml");
  ASSERT_EQ(c.products.size(), 2u);
  const engine::Product& hourly = c.products[0];
  EXPECT_EQ(hourly.rules.symbol, "cpu.pool-a");
  EXPECT_EQ(hourly.length_ns, kHour);
  EXPECT_EQ(hourly.gate_closure_ns, 300'000'000'000);
  EXPECT_EQ(hourly.rules.tick, 100);
  EXPECT_EQ(engine::book_count(hourly), 25u);
  EXPECT_EQ(c.products[1].gate_closure_ns, 300'000'000'000) << "default gate closure";
  const auto all = tradable_instruments(c);
  EXPECT_EQ(all.size(), 1u + 25u + 9u);
  EXPECT_FALSE(all.back().window.spot);
  // One pool: every book on the spot instrument's partition.
  const auto partition = engine::partition_of_pool(all, 4);
  EXPECT_EQ(partition[124], partition[1]);
  EXPECT_EQ(partition[208], partition[1]);
}

TEST(ProductConfig, RefusesOverlapsAndBadTimes) {
  const std::string base = "[[instruments]]\nid = 110\nsymbol = \"x\"\n";
  EXPECT_NE(message_of(base + "[[products]]\nid = 100\nresource = \"cpu\"\npool = \"a\"\n"
                              "length_s = 3600\n")
                .find("overlap"),
            std::string::npos);
  EXPECT_NE(message_of("[[products]]\nid = 1\nresource = \"cpu\"\npool = \"a\"\nlength_s = 60\n"
                       "listed_ahead_s = 60\ngate_closure_s = 60\n")
                .find("listed ahead"),
            std::string::npos);
  EXPECT_NE(message_of("[[products]]\nid = 1\nresource = \"cpu\"\npool = \"a\"\n").find("length_s"),
            std::string::npos);
  EXPECT_NE(message_of("[[products]]\nid = 1\nresource = \"cpu\"\npool = \"a\"\nlength_s = 60\n"
                       "colour = \"red\"\n")
                .find("colour"),
            std::string::npos);
}

TEST(BlockOrder, OneLegPerWindowOnItsBook) {
  const Config c = parse_config(kProducts, "test.toml");
  EXPECT_EQ(find_product(c.products, "cpu", "pool-a", 0), nullptr) << "two lengths: ambiguous";
  const engine::Product* p = find_product(c.products, "cpu", "pool-a", kHour);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(find_product(c.products, "mem", "pool-a", kHour), nullptr);

  BlockSpec b;
  b.start_ns = 498'712 * kHour;  // 16:00, two windows ahead
  b.windows = 3;
  b.qty = 4;
  engine::SwarmOrder s{};
  ASSERT_EQ(block_legs(*p, b, kNow, s), engine::RejectReason::None);
  ASSERT_EQ(s.leg_count, 3);
  for (std::uint8_t i = 0; i < 3; ++i) {
    EXPECT_EQ(s.legs[i].instrument, 100 + engine::book_of(*p, 498'712 + i));
    EXPECT_EQ(s.legs[i].qty, 4);
  }
  const engine::Qty qtys[] = {1, 2, 3};
  b.qtys = qtys;
  ASSERT_EQ(block_legs(*p, b, kNow, s), engine::RejectReason::None);
  EXPECT_EQ(s.legs[2].qty, 3);
  b.windows = 2;
  EXPECT_EQ(block_legs(*p, b, kNow, s), engine::RejectReason::InvalidLegs);
  b.qtys = {};
  b.start_ns += 1;
  EXPECT_EQ(block_legs(*p, b, kNow, s), engine::RejectReason::InvalidWindow);
  b.start_ns = 498'710 * kHour + kHour;  // 15:00, trading until 14:55
  EXPECT_EQ(block_legs(*p, b, kNow, s), engine::RejectReason::None);
  EXPECT_EQ(block_legs(*p, b, kNow + 45 * 60'000'000'000, s),
            engine::RejectReason::WindowNotTrading);
  b.start_ns = 498'710 * kHour + 24 * kHour;  // 24 h ahead: listed, the next one is not
  EXPECT_EQ(block_legs(*p, b, kNow, s), engine::RejectReason::WindowNotTrading);
  b.windows = 1;
  EXPECT_EQ(block_legs(*p, b, kNow, s), engine::RejectReason::None);
  b.windows = 9;
  EXPECT_EQ(block_legs(*p, b, kNow, s), engine::RejectReason::InvalidWindow);
}

}  // namespace
}  // namespace swarmex::gateway
