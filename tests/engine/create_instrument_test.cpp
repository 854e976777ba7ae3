// Admin CreateInstrument: a new spot instrument trades at once, counts in the state hash and the
// snapshot, and every bad spec or taken id / symbol has its reason.
#include "window_fixture.hpp"

namespace swarmex::engine::test {
namespace {

constexpr InstrumentId kNew = 30;

InstrumentSpec gpu_spec() {
  InstrumentSpec s;
  s.id = kNew;
  s.symbol = "mig.1g.10gb.pool-c.spot";
  s.resource = "mig.1g.10gb";
  s.pool = "pool-c";
  s.window = Window{true, 0, 60'000'000'000};
  s.tick = 10;
  s.lot = 1;
  s.min_qty = 1;
  s.max_qty = 7;
  s.band_min = 100;
  s.band_max = 10'000;
  s.market_protection_ticks = 3;
  return s;
}

class CreateInstrumentTest : public WindowTest {
 protected:
  std::vector<Event> create(const InstrumentSpec& s, OwnerId owner = 99) {
    Command c;
    c.kind = CommandKind::CreateInstrument;
    c.create = NewInstrument{};
    c.create.owner = owner;
    c.create.request_id = 5;
    EXPECT_TRUE(set_spec(c.create, s));
    return apply(c);
  }
};

TEST_F(CreateInstrumentTest, ANewInstrumentTradesAtOnce) {
  const auto ev = create(gpu_spec());
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].kind, EventKind::Accepted);
  EXPECT_EQ(ev[0].command, CommandKind::CreateInstrument);
  EXPECT_EQ(ev[0].order_id, 5u);
  EXPECT_EQ(ev[0].instrument, kNew);
  const InstrumentSpec* s = engine_.instrument(kNew);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->symbol, "mig.1g.10gb.pool-c.spot");
  EXPECT_EQ(s->pool, "pool-c");
  EXPECT_EQ(s->window.length_ns, 60'000'000'000);
  EXPECT_EQ(s->band_max, 10'000);
  EXPECT_NE(engine_.resource_id("mig"), 0xFFFF) << "MIG profiles share the mig supply resource";
  EXPECT_TRUE(accepted(sell(1, 500, 2, {.owner = 2, .instrument = kNew})));
  EXPECT_EQ(rejected(buy(2, 505, 1, {.instrument = kNew})), RejectReason::PriceOffTick);
  EXPECT_EQ(rejected(buy(3, 500, 8, {.instrument = kNew})), RejectReason::QuantityAboveMax);
  const auto fills = of_kind(buy(4, 600, 2, {.instrument = kNew}), EventKind::Fill);
  ASSERT_EQ(fills.size(), 1u);
  EXPECT_EQ(fills[0].price, 500);
  // It takes SetParams like any spot instrument.
  Command p;
  p.kind = CommandKind::SetParams;
  p.params = SetParams{99, kNew, 6, 0, 20'000, 0, 0, 0};
  EXPECT_TRUE(accepted(apply(p)));
  EXPECT_EQ(engine_.instrument(kNew)->band_max, 20'000);
}

TEST_F(CreateInstrumentTest, EveryBadSpecHasItsReason) {
  InstrumentSpec s = gpu_spec();
  EXPECT_EQ(rejected(create(s, 0)), RejectReason::UnknownCommandOwner);
  const auto with = [&](auto change) {
    InstrumentSpec t = gpu_spec();
    change(t);
    return rejected(create(t));
  };
  EXPECT_EQ(with([](InstrumentSpec& t) { t.id = 0; }), RejectReason::InvalidParameter);
  EXPECT_EQ(with([](InstrumentSpec& t) { t.id = kMaxInstrumentId + 1; }),
            RejectReason::InvalidParameter);
  EXPECT_EQ(with([](InstrumentSpec& t) { t.id = kCpu; }), RejectReason::DuplicateInstrument);
  EXPECT_EQ(with([](InstrumentSpec& t) { t.id = kFirstBook + 1; }),
            RejectReason::DuplicateInstrument);  // a window book's id
  EXPECT_EQ(with([](InstrumentSpec& t) { t.symbol = "cpu.pool-a.spot"; }),
            RejectReason::DuplicateInstrument);
  EXPECT_EQ(with([](InstrumentSpec& t) { t.symbol.clear(); }), RejectReason::InvalidParameter);
  EXPECT_EQ(with([](InstrumentSpec& t) { t.resource.clear(); }), RejectReason::InvalidParameter);
  EXPECT_EQ(with([](InstrumentSpec& t) { t.pool.clear(); }), RejectReason::InvalidParameter);
  EXPECT_EQ(with([](InstrumentSpec& t) { t.tick = 0; }), RejectReason::InvalidParameter);
  EXPECT_EQ(with([](InstrumentSpec& t) { t.lot = -1; }), RejectReason::InvalidParameter);
  EXPECT_EQ(with([](InstrumentSpec& t) { t.window.length_ns = 0; }),
            RejectReason::InvalidParameter);
  EXPECT_EQ(with([](InstrumentSpec& t) { t.market_protection_ticks = -1; }),
            RejectReason::InvalidParameter);
  EXPECT_EQ(with([](InstrumentSpec& t) { t.band_min = 105; }), RejectReason::InvalidBand);
  EXPECT_EQ(with([](InstrumentSpec& t) { t.band_min = 0; }), RejectReason::InvalidBand);
  EXPECT_EQ(with([](InstrumentSpec& t) { t.band_max = 90; }), RejectReason::InvalidBand);
  EXPECT_EQ(with([](InstrumentSpec& t) { t.band_max = 100 + 10 * kMaxBandLevels; }),
            RejectReason::InvalidBand);
  EXPECT_EQ(with([](InstrumentSpec& t) { t.min_qty = 0; }), RejectReason::InvalidQuantityLimits);
  EXPECT_EQ(with([](InstrumentSpec& t) { t.max_qty = 0; }), RejectReason::InvalidQuantityLimits);
  EXPECT_EQ(with([](InstrumentSpec& t) {
              t.lot = 2;
              t.min_qty = 3;
            }),
            RejectReason::InvalidQuantityLimits);
  EXPECT_EQ(engine_.instrument(kNew), nullptr);
  EXPECT_TRUE(accepted(create(gpu_spec())));
  EXPECT_EQ(rejected(create(gpu_spec())), RejectReason::DuplicateInstrument);
}

TEST_F(CreateInstrumentTest, InTheStateHashAndTheSnapshot) {
  const auto before = engine_.state_hash();
  ASSERT_TRUE(accepted(create(gpu_spec())));
  EXPECT_NE(engine_.state_hash(), before);
  ASSERT_TRUE(accepted(sell(1, 500, 2, {.owner = 2, .instrument = kNew})));
  EngineSnapshot snap;
  engine_.snapshot(snap);
  Engine back(EngineConfig{1024});
  back.restore(snap);  // throws when the restored hash differs
  EXPECT_EQ(back.state_hash(), engine_.state_hash());
  ASSERT_NE(back.instrument(kNew), nullptr);
  EXPECT_EQ(back.instrument(kNew)->window.length_ns, 60'000'000'000);
  EXPECT_EQ(back.order(1)->instrument, kNew);
}

TEST(NewInstrumentTest, NamesRoundTripUpToTheirFieldLength) {
  InstrumentSpec s = gpu_spec();
  s.symbol = std::string(kMaxSymbolBytes, 's');
  s.resource = std::string(kMaxNameBytes, 'r');
  s.pool = "p";
  NewInstrument c{};
  ASSERT_TRUE(set_spec(c, s));
  const InstrumentSpec back = spec_of(c);
  EXPECT_EQ(back.symbol, s.symbol);
  EXPECT_EQ(back.resource, s.resource);
  EXPECT_EQ(back.pool, "p");
  EXPECT_EQ(back.band_max, s.band_max);
  EXPECT_EQ(back.window.length_ns, s.window.length_ns);
  s.pool = std::string(kMaxNameBytes + 1, 'p');
  EXPECT_FALSE(set_spec(c, s));
}

}  // namespace
}  // namespace swarmex::engine::test
