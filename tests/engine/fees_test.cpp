// Fees: the schedule's range, the arithmetic's rounding, the amounts every fill carries (each MIG
// instance its own), and the schedule in the state hash and snapshots.
#include <gtest/gtest.h>

#include "engine_fixture.hpp"
#include "swarmex/engine/fees.hpp"
#include "swarmex/journal/record.hpp"
#include "swarmex/journal/snapshot_file.hpp"

namespace swarmex::engine::test {
namespace {

constexpr std::int64_t kHourNs = 3'600'000'000'000;

constexpr InstrumentId kHourly = 7;  // cpu with an hour's spot lease

class FeesTest : public EngineTest {
 protected:
  FeesTest() {
    InstrumentSpec s = *engine_.instrument(kCpu);
    s.id = kHourly;
    s.symbol = "cpu.pool-h.spot";
    s.pool = "pool-h";
    s.window.length_ns = kHourNs;
    engine_.add_instrument(s);
  }
  std::vector<Event> fees(std::int32_t maker_bps, std::int32_t taker_bps,
                          InstrumentId instrument = kHourly) {
    Command c;
    c.kind = CommandKind::SetFees;
    c.fees = SetFees{9, instrument, 5, FeeSchedule{maker_bps, taker_bps}};
    return apply(c);
  }
};

TEST(FeeArithmeticTest, RangesAndRounding) {
  EXPECT_EQ(check_fees({0, 0}), RejectReason::None);
  EXPECT_EQ(check_fees({-10, 10}), RejectReason::None);
  EXPECT_EQ(check_fees({-11, 10}), RejectReason::InvalidFee) << "a rebate beyond the taker fee";
  EXPECT_EQ(check_fees({0, -1}), RejectReason::InvalidFee);
  EXPECT_EQ(check_fees({0, kMaxFeeBps + 1}), RejectReason::InvalidFee);
  EXPECT_EQ(check_fees({kMaxFeeBps + 1, 0}), RejectReason::InvalidFee);
  // price x qty x hours.
  EXPECT_EQ(fill_value(100, 3, kHourNs), 300);
  EXPECT_EQ(fill_value(100, 3, kHourNs / 2), 150);
  EXPECT_EQ(fill_value(1, 1, kHourNs - 1), 0) << "rounded down";
  EXPECT_EQ(fill_value(0, 3, kHourNs), 0);
  // A charge rounds up, a rebate toward zero.
  EXPECT_EQ(fee_of(10'000, 25), 25);
  EXPECT_EQ(fee_of(10'001, 25), 26);
  EXPECT_EQ(fee_of(1, 1), 1);
  EXPECT_EQ(fee_of(10'001, -25), -25);
  EXPECT_EQ(fee_of(399, -25), 0);
  EXPECT_EQ(fee_of(0, 25), 0);
  EXPECT_EQ(fee_of(std::numeric_limits<std::int64_t>::max(), 1000),
            std::numeric_limits<std::int64_t>::max() / 10 + 1);
}

TEST_F(FeesTest, EveryFillCarriesBothPartiesFees) {
  ASSERT_TRUE(accepted(sell(1, 100, 10, OrderOpts{.owner = 2, .instrument = kHourly})));
  auto ev = buy(2, 100, 4, OrderOpts{.tif = TimeInForce::Ioc, .instrument = kHourly});
  ASSERT_EQ(of_kind(ev, EventKind::Fill).size(), 1u);
  EXPECT_EQ(of_kind(ev, EventKind::Fill)[0].taker_fee, 0) << "none until set";

  const std::uint64_t before = engine_.state_hash();
  ASSERT_TRUE(accepted(fees(-5, 30)));
  EXPECT_NE(engine_.state_hash(), before);
  // An hour's spot lease: value 100 x 3 x 1 = 300.
  ev = buy(3, 100, 3, OrderOpts{.tif = TimeInForce::Ioc, .instrument = kHourly});
  const auto fills = of_kind(ev, EventKind::Fill);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].taker_fee, 1) << "30 bps of 300 = 0.9, charged up";
  EXPECT_EQ(fills[0].maker_fee, 0) << "a 5 bps rebate of 300 = 0.15, paid down";
  ASSERT_EQ(of_kind(buy(4, 100, 3, OrderOpts{.tif = TimeInForce::Ioc, .instrument = kHourly}),
                    EventKind::Fill)
                .size(),
            1u);
  ASSERT_TRUE(accepted(sell(5, 1000, 100, OrderOpts{.owner = 2, .instrument = kHourly})));
  ev = buy(6, 1000, 100, OrderOpts{.tif = TimeInForce::Ioc, .instrument = kHourly});
  const auto big = of_kind(ev, EventKind::Fill);
  ASSERT_EQ(big.size(), 1u);  // 1000 x 100 = 100,000
  EXPECT_EQ(big[0].taker_fee, 300);
  EXPECT_EQ(big[0].maker_fee, -50);
  // Out of range: refused, nothing changes.
  const std::uint64_t set = engine_.state_hash();
  EXPECT_EQ(rejected(fees(-40, 30)), RejectReason::InvalidFee);
  EXPECT_EQ(rejected(fees(0, 0, 777)), RejectReason::UnknownInstrument);
  EXPECT_NE(engine_.state_hash(), set) << "the sequence moved";
  EngineSnapshot snap;
  engine_.snapshot(snap);
  const auto image = journal::decode_snapshot(journal::encode_snapshot(snap));
  ASSERT_TRUE(image.has_value());
  Engine back(EngineConfig{1024});
  back.restore(*image);
  EXPECT_EQ(back.state_hash(), engine_.state_hash());
  ASSERT_EQ(image->instruments.size(), 3u);
  EXPECT_EQ(image->instruments[2].fees, (FeeSchedule{-5, 30}));
  EXPECT_TRUE(image->instruments[0].fees.none());

  Command c;
  c.kind = CommandKind::SetFees;
  c.seq = 3;
  c.fees = SetFees{9, kHourly, 5, FeeSchedule{-5, 30}};
  std::uint8_t buf[journal::kMaxRecordBytes];
  const std::size_t n = journal::encode_record(c, buf);
  Command out;
  std::size_t len = 0;
  ASSERT_EQ(journal::decode_record({buf, n}, &out, &len), journal::DecodeStatus::Ok);
  EXPECT_EQ(out.fees.fees, c.fees.fees);
  EXPECT_EQ(out.fees.request_id, 5u);
}

}  // namespace
}  // namespace swarmex::engine::test
