// Admin SetParams and CreateInstrument over a real socket: the operator's new band and limits
// rule the next orders, a new instrument trades at once, ListInstruments shows both, every bad
// value has its reason (a tenant: wrong_role), and they survive restarts of swarmexd (journal
// replay, and a snapshot).
#include <array>

#include "e2e_fixture.hpp"
#include "json_output.hpp"

namespace swarmex::e2e {
namespace {

using wire::ExecKind;
using wire::Side;

struct AdminReply {
  bool ok;
  RejectReason reason;
  std::string text;
};

// The operator's AdminAck for `request`, as ok / reason / text.
AdminReply ack_of(Conn& c, std::uint64_t request) {
  const wire::Message* m = c.next(wire::Body::AdminAck);
  EXPECT_NE(m, nullptr);
  if (m == nullptr) return {false, RejectReason::None, "no reply"};
  const auto* a = m->body_as_AdminAck();
  EXPECT_EQ(a->request_id(), request);
  return {a->ok(), protocol::to_engine(a->reason()), a->text() ? a->text()->str() : ""};
}

class AdminTest : public E2eTest {
 protected:
  std::unique_ptr<Conn> op() {
    auto c = connect();
    EXPECT_TRUE(c->logon("operator", wire::Role::Operator).ok());
    return c;
  }
  static AdminReply set_params(Conn& c, const client::ParamsSpec& p, std::uint64_t request = 7) {
    c.client().admin_set_params(request, p);
    return ack_of(c, request);
  }
  // Instrument `id` as ListInstruments shows it (band_min, band_max, min_qty, max_qty).
  static std::array<std::int64_t, 4> listed(Conn& c, std::uint32_t id) {
    c.client().admin_list_instruments(99);
    const wire::Message* m = c.next(wire::Body::AdminAck);
    EXPECT_NE(m, nullptr);
    if (m == nullptr || m->body_as_AdminAck()->instruments() == nullptr) return {};
    for (const auto* i : *m->body_as_AdminAck()->instruments())
      if (i->id() == id) return {i->band_min(), i->band_max(), i->min_qty(), i->max_qty()};
    ADD_FAILURE() << "instrument " << id << " not listed";
    return {};
  }
};

TEST_F(AdminTest, NewBandRulesTheNextOrdersAndIsListed) {
  auto o = op();
  auto t = tenant();
  t->order(1, 1, Side::Buy, 200, 1);  // rests below the band to come
  ASSERT_EQ(t->report()->kind, ExecKind::Accepted);
  const AdminReply r = set_params(
      *o, {.instrument = 1, .band_min = 1000, .band_max = 5000, .min_qty = 0, .max_qty = 50});
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_EQ(r.reason, RejectReason::None);
  t->order(2, 1, Side::Buy, 2000, 1);
  EXPECT_EQ(t->report()->kind, ExecKind::Accepted);
  t->order(3, 1, Side::Buy, 6000, 1);
  EXPECT_EQ(t->rejection(), RejectReason::PriceOutsideBand);
  t->order(4, 1, Side::Buy, 900, 1);
  EXPECT_EQ(t->rejection(), RejectReason::PriceOutsideBand);
  t->order(5, 1, Side::Buy, 2000, 51);
  EXPECT_EQ(t->rejection(), RejectReason::QuantityAboveMax);
  EXPECT_EQ(listed(*t, 1), (std::array<std::int64_t, 4>{1000, 5000, 1, 50}));
  EXPECT_EQ(listed(*t, 2)[1], 10'000'000);  // the others keep theirs
  // The order resting below the band still cancels.
  t->client().cancel_order(1, {.client_order_id = 1, .order_id = 0});
  EXPECT_EQ(t->report()->kind, ExecKind::Accepted);
}

TEST_F(AdminTest, TenantsMayNotSetParams) {
  auto t = tenant();
  const AdminReply r = set_params(*t, {.instrument = 1, .band_min = 1000});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, RejectReason::WrongRole);
  EXPECT_EQ(listed(*t, 1)[0], 100);
}

TEST_F(AdminTest, EveryBadParameterHasItsReason) {
  auto o = op();
  const std::pair<client::ParamsSpec, RejectReason> cases[] = {
      {{.instrument = 77, .band_min = 1000}, RejectReason::UnknownInstrument},
      {{.instrument = 1, .band_min = 150}, RejectReason::InvalidBand},  // tick 100
      {{.instrument = 1, .band_min = -100}, RejectReason::InvalidBand},
      {{.instrument = 1, .band_min = 5000, .band_max = 4000}, RejectReason::InvalidBand},
      {{.instrument = 1, .band_min = 100, .band_max = 100 + 100LL * (1 << 22)},
       RejectReason::InvalidBand},  // too many levels
      {{.instrument = 1, .min_qty = 10, .max_qty = 5}, RejectReason::InvalidQuantityLimits},
      {{.instrument = 1, .max_qty = -1}, RejectReason::InvalidQuantityLimits},
      {{.instrument = 1, .market_protection_ticks = -3}, RejectReason::InvalidParameter},
  };
  std::uint64_t request = 1;
  for (const auto& [params, why] : cases) {
    const AdminReply r = set_params(*o, params, request++);
    EXPECT_FALSE(r.ok) << "request " << request - 1;
    EXPECT_EQ(r.reason, why) << "request " << request - 1 << ": " << r.text;
  }
  EXPECT_EQ(listed(*o, 1), (std::array<std::int64_t, 4>{100, 10'000'000, 1, 1'000'000}));
}

TEST_F(AdminTest, ParametersSurviveARestart) {
  {
    auto o = op();
    ASSERT_TRUE(set_params(*o, {.instrument = 1, .band_min = 1000, .band_max = 5000}).ok);
    o->client().admin_take_snapshot(8);
    ASSERT_NE(o->next(wire::Body::AdminAck), nullptr);
    ASSERT_TRUE(set_params(*o, {.instrument = 2, .max_qty = 40}).ok);  // after the snapshot
    server_->kill();
  }
  server_->start();
  auto t = tenant();
  EXPECT_EQ(listed(*t, 1), (std::array<std::int64_t, 4>{1000, 5000, 1, 1'000'000}));
  EXPECT_EQ(listed(*t, 2)[3], 40);
  t->order(1, 1, Side::Buy, 6000, 1);
  EXPECT_EQ(t->rejection(), RejectReason::PriceOutsideBand);
  t->order(2, 2, Side::Buy, 2000, 41);
  EXPECT_EQ(t->rejection(), RejectReason::QuantityAboveMax);
  t->order(3, 1, Side::Buy, 5000, 1);
  EXPECT_EQ(t->report()->kind, ExecKind::Accepted);
  // Once more, cleanly: the journal since the snapshot replays the same.
  server_->stop();
  server_->start();
  auto t2 = tenant("tenant-b");
  EXPECT_EQ(listed(*t2, 1), (std::array<std::int64_t, 4>{1000, 5000, 1, 1'000'000}));
  EXPECT_EQ(listed(*t2, 2)[3], 40);
  // The journal names them (instruments 1 and 2 are pool-a's: partition 0).
  const CliRun dump = run_command(std::string(SWARMEX_CLI) + " journal dump " +
                                  server_->journal_dir() + "/partition-0");
  EXPECT_EQ(dump.exit_code, 0) << dump.out;
  EXPECT_NE(dump.out.find("set_params owner=900 instrument=1"), std::string::npos) << dump.out;
  EXPECT_NE(dump.out.find("band_min=1000 band_max=5000"), std::string::npos) << dump.out;
  EXPECT_NE(dump.out.find("set_params owner=900 instrument=2"), std::string::npos) << dump.out;
}

TEST_F(AdminTest, CliAdminParamsSaysWhatTheEngineDecided) {
  const std::string server = " --server 127.0.0.1:" + std::to_string(server_->port());
  const std::string as_operator = server + " --principal operator --token operator-token";
  CliRun r = run_command(std::string(SWARMEX_CLI) + " admin params 1 --band-min 1000" +
                         " --band-max 5000 --max-qty 50" + as_operator);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("parameters set"), std::string::npos) << r.out;
  r = run_command(std::string(SWARMEX_CLI) + " admin params 1 --band-min 150" + as_operator);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("invalid_band"), std::string::npos) << r.out;
  r = run_command(std::string(SWARMEX_CLI) + " admin params 1 --min-qty 60" + as_operator);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("invalid_quantity_limits"), std::string::npos) << r.out;
  r = run_command(std::string(SWARMEX_CLI) + " admin instruments --json" + as_operator);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const auto spot = instrument_with_id(last_json_object(r.out), 1);
  EXPECT_EQ(spot.at("symbol"), "cpu.pool-a.spot") << r.out;
  EXPECT_EQ(spot.at("band_min"), 1000) << r.out;
  EXPECT_EQ(spot.at("band_max"), 5000) << r.out;
  EXPECT_EQ(spot.at("max_qty"), 50) << r.out;
}

client::InstrumentSpec new_cpu(std::uint32_t id, const std::string& symbol,
                               const std::string& pool) {
  client::InstrumentSpec s;
  s.id = id;
  s.symbol = symbol;
  s.resource = "cpu";
  s.pool = pool;
  s.tick = 100;
  s.band_min = 100;
  s.band_max = 100'000;
  s.lease_s = 60;
  return s;
}

AdminReply create(Conn& c, const client::InstrumentSpec& s, std::uint64_t request = 11) {
  c.client().admin_create_instrument(request, s);
  return ack_of(c, request);
}

// A tenant buys 1 at 1000 on `instrument` from host-a1's ask: both sides trade.
void trade_once(Conn& tenant, Conn& host, std::uint32_t instrument, std::uint64_t client_id) {
  host.order(client_id, instrument, Side::Sell, 1000, 1);
  auto ask = host.report();
  ASSERT_TRUE(ask);
  EXPECT_EQ(ask->kind, ExecKind::Accepted);
  tenant.order(client_id, instrument, Side::Buy, 1000, 1);
  auto bid = tenant.report();
  ASSERT_TRUE(bid);
  EXPECT_EQ(bid->kind, ExecKind::Accepted);
  auto fill = tenant.report();
  ASSERT_TRUE(fill);
  EXPECT_EQ(fill->kind, ExecKind::Filled);
  EXPECT_EQ(fill->instrument, instrument);
  EXPECT_EQ(fill->last_price, 1000);
  auto sold = host.report();  // the maker's side of the same fill
  ASSERT_TRUE(sold);
  EXPECT_EQ(sold->kind, ExecKind::Filled);
  EXPECT_EQ(sold->instrument, instrument);
}

TEST_F(AdminTest, CreatedInstrumentTradesIsListedAndSurvivesRestarts) {
  {
    auto o = op();
    AdminReply r = create(*o, new_cpu(20, "cpu.pool-c.spot", "pool-c"));
    ASSERT_TRUE(r.ok) << r.text;
    EXPECT_EQ(r.text, "instrument created");
    auto t = tenant();
    auto h = host();
    EXPECT_EQ(listed(*t, 20), (std::array<std::int64_t, 4>{100, 100'000, 1, 1'000'000}));
    trade_once(*t, *h, 20, 1);
    t->order(2, 20, Side::Buy, 150, 1);
    EXPECT_EQ(t->rejection(), RejectReason::PriceOffTick);
    o->client().admin_take_snapshot(12);
    ASSERT_NE(o->next(wire::Body::AdminAck), nullptr);
    // After the snapshot: one in an existing pool, and a parameter change.
    r = create(*o, new_cpu(24, "cpu.pool-a.extra", "pool-a"));
    ASSERT_TRUE(r.ok) << r.text;
    ASSERT_TRUE(set_params(*o, {.instrument = 20, .band_max = 50'000}).ok);
    trade_once(*t, *h, 24, 3);
    server_->kill();
  }
  server_->start();
  auto t = tenant();
  auto h = host();
  EXPECT_EQ(listed(*t, 20), (std::array<std::int64_t, 4>{100, 50'000, 1, 1'000'000}));
  EXPECT_EQ(listed(*t, 24)[1], 100'000);
  trade_once(*t, *h, 20, 4);
  trade_once(*t, *h, 24, 5);
  // A swarm order over the configuration's and the new pool-a instrument: one partition.
  client::SwarmSpec sw;
  sw.client_order_id = 6;
  sw.legs = {wire::SwarmLeg(1, 1), wire::SwarmLeg(24, 1)};
  sw.placement = wire::Placement::Any;
  sw.limit_total = 1'000'000;
  t->client().new_swarm_order(sw);
  auto r = t->report();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, ExecKind::Accepted) << static_cast<int>(r->reject_reason);
  server_->stop();
  server_->start();
  auto t2 = tenant("tenant-b");
  EXPECT_EQ(listed(*t2, 20)[1], 50'000);
  EXPECT_EQ(listed(*t2, 24)[0], 100);
  // pool-c, a new pool, took the next partition; the journal names the creation.
  const CliRun dump = run_command(std::string(SWARMEX_CLI) + " journal dump " +
                                  server_->journal_dir() + "/partition-1");
  EXPECT_NE(dump.out.find("create_instrument owner=900"), std::string::npos) << dump.out;
  EXPECT_NE(dump.out.find("id=20 symbol=cpu.pool-c.spot resource=cpu pool=pool-c"),
            std::string::npos)
      << dump.out;
}

TEST_F(AdminTest, EveryBadCreateHasItsReason) {
  auto o = op();
  ASSERT_TRUE(create(*o, new_cpu(20, "cpu.pool-c.spot", "pool-c")).ok);
  auto with = [](std::uint32_t id, auto change) {
    client::InstrumentSpec s = new_cpu(id, "cpu.pool-c.s" + std::to_string(id), "pool-c");
    change(s);
    return s;
  };
  const auto none = [](client::InstrumentSpec&) {};
  const std::pair<client::InstrumentSpec, RejectReason> cases[] = {
      {with(20, none), RejectReason::DuplicateInstrument},
      {with(1, none), RejectReason::DuplicateInstrument},  // the configuration's
      {with(21, [](auto& s) { s.symbol = "cpu.pool-a.spot"; }), RejectReason::DuplicateInstrument},
      {with(21, [](auto& s) { s.symbol = "cpu.pool-c.spot"; }), RejectReason::DuplicateInstrument},
      {with(22, [](auto& s) { s.band_min = 150; }), RejectReason::InvalidBand},
      {with(23, [](auto& s) { s.tick = 0; }), RejectReason::InvalidParameter},
      {with(0, none), RejectReason::InvalidParameter},
      {with(2'000'000, none), RejectReason::InvalidParameter},
      {with(25, [](auto& s) { s.symbol = std::string(41, 'x'); }), RejectReason::InvalidParameter},
      {with(26, [](auto& s) { s.pool.clear(); }), RejectReason::InvalidParameter},
      {with(27,
            [](auto& s) {
              s.min_qty = 5;
              s.max_qty = 4;
            }),
       RejectReason::InvalidQuantityLimits},
  };
  std::uint64_t request = 100;
  for (const auto& [spec, why] : cases) {
    const AdminReply r = create(*o, spec, request++);
    EXPECT_FALSE(r.ok) << "request " << request - 1;
    EXPECT_EQ(r.reason, why) << "request " << request - 1 << ": " << r.text;
  }
  auto t = tenant();
  const AdminReply r = create(*t, with(28, none));
  EXPECT_EQ(r.reason, RejectReason::WrongRole);
  t->order(1, 28, Side::Buy, 1000, 1);
  EXPECT_EQ(t->rejection(), RejectReason::UnknownInstrument);
}

TEST_F(AdminTest, CliAdminCreate) {
  const std::string as_operator = " --server 127.0.0.1:" + std::to_string(server_->port()) +
                                  " --principal operator --token operator-token";
  CliRun r = run_command(
      std::string(SWARMEX_CLI) + " admin create --id 40 --symbol mem.pool-d.spot --resource mem" +
      " --pool pool-d --tick 10 --band-min 10 --band-max 5000 --lease-s 120" + as_operator);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("instrument created"), std::string::npos) << r.out;
  r = run_command(std::string(SWARMEX_CLI) +
                  " admin create --id 41 --symbol mem.pool-d.spot --resource mem" +
                  " --pool pool-d --tick 10 --band-min 10 --band-max 5000" + as_operator);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find("duplicate_instrument"), std::string::npos) << r.out;
  r = run_command(std::string(SWARMEX_CLI) + " admin instruments --json" + as_operator);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  const auto created = instrument_with_id(last_json_object(r.out), 40);
  EXPECT_EQ(created.at("symbol"), "mem.pool-d.spot") << r.out;
  EXPECT_EQ(created.at("resource"), "mem") << r.out;
  EXPECT_EQ(created.at("pool"), "pool-d") << r.out;
  EXPECT_EQ(created.at("window_length_ns"), 120'000'000'000) << r.out;
}

TEST_F(RollingWindowsTest, SetParamsOnAWindowBookIsRefused) {
  auto o = connect();
  ASSERT_TRUE(o->logon("operator", wire::Role::Operator).ok());
  o->client().admin_set_params(3, {.instrument = book(window_after(0)), .band_max = 5000});
  const wire::Message* m = o->next(wire::Body::AdminAck);
  ASSERT_NE(m, nullptr);
  EXPECT_FALSE(m->body_as_AdminAck()->ok());
  EXPECT_EQ(protocol::to_engine(m->body_as_AdminAck()->reason()),
            RejectReason::ScheduledInstrument);
}

}  // namespace
}  // namespace swarmex::e2e
