// The client against a scripted loopback server: framing across partial reads, alignment,
// timeouts, end of stream, logon answers, and what the typed helpers put on the wire.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "fake_server.hpp"
#include "swarmex/client/client.hpp"

namespace swarmex::client {
namespace {

using namespace std::chrono_literals;
using engine::RejectReason;
using testing::FakeServer;
using Socket = FakeServer::Socket;

std::vector<std::uint8_t> heartbeat_frame(std::int64_t time_ns) {
  protocol::FrameWriter w;
  const auto f = w.finish(wire::CreateHeartbeat(w.fbb(), time_ns));
  return {f.begin(), f.end()};
}

// An Error frame whose total size is not a multiple of 8 (so the next frame is misaligned).
std::vector<std::uint8_t> error_frame(std::string_view text) {
  protocol::FrameWriter w;
  const auto t = w.fbb().CreateString(text.data(), text.size());
  const auto f = w.finish(wire::CreateError(w.fbb(), wire::RejectReason::RateLimited, t));
  return {f.begin(), f.end()};
}

const wire::Message* decode(const std::vector<std::uint8_t>& frame) {
  const wire::Message* m = nullptr;
  EXPECT_EQ(protocol::decode_frame(frame, &m), RejectReason::None);
  return m;
}

Client connected(const FakeServer& server) {
  Client c;
  c.connect("127.0.0.1", server.port(), 2s);
  return c;
}

TEST(ClientTest, ParsesEndpoints) {
  const Endpoint e = parse_endpoint("127.0.0.1:7400");
  EXPECT_EQ(e.host, "127.0.0.1");
  EXPECT_EQ(e.port, 7400);
  EXPECT_EQ(parse_endpoint("[::1]:9").host, "::1");
  EXPECT_THROW(parse_endpoint("localhost"), std::invalid_argument);
  EXPECT_THROW(parse_endpoint("localhost:0"), std::invalid_argument);
  EXPECT_THROW(parse_endpoint("localhost:70000"), std::invalid_argument);
  EXPECT_THROW(parse_endpoint("localhost:12x"), std::invalid_argument);
}

TEST(ClientTest, ReassemblesFramesSentOneByteAtATime) {
  FakeServer server([](Socket& s) {
    const auto frame = heartbeat_frame(1234);
    for (const std::uint8_t b : frame) {
      FakeServer::write(s, std::span(&b, 1));
      std::this_thread::sleep_for(1ms);
    }
    FakeServer::read_frame(s);  // until the client closes
  });
  Client c = connected(server);
  const wire::Message* m = c.receive(5s);
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->body_type(), wire::Body::Heartbeat);
  EXPECT_EQ(m->body_as_Heartbeat()->time_ns(), 1234);
}

TEST(ClientTest, DecodesManyFramesOfOddSizesFromOneWrite) {
  constexpr int kFrames = 500;
  FakeServer server([](Socket& s) {
    std::vector<std::uint8_t> burst;
    for (int i = 0; i < kFrames; ++i) {
      const auto f = i % 2 == 0 ? error_frame(std::string(static_cast<std::size_t>(i % 13), 'x'))
                                : heartbeat_frame(i);
      burst.insert(burst.end(), f.begin(), f.end());
    }
    FakeServer::write(s, burst);
    FakeServer::read_frame(s);
  });
  Client c = connected(server);
  for (int i = 0; i < kFrames; ++i) {
    const wire::Message* m = c.receive(5s);
    ASSERT_NE(m, nullptr) << i;
    if (i % 2 == 0) {
      ASSERT_EQ(m->body_type(), wire::Body::Error) << i;
      EXPECT_EQ(m->body_as_Error()->text()->size(), static_cast<std::uint32_t>(i % 13));
    } else {
      ASSERT_EQ(m->body_type(), wire::Body::Heartbeat) << i;
      EXPECT_EQ(m->body_as_Heartbeat()->time_ns(), i);
    }
  }
  EXPECT_EQ(c.try_receive(), nullptr);
}

TEST(ClientTest, ReceivesAFrameLargerThanItsInitialBuffer) {
  constexpr std::size_t kLevels = 40'000;  // ~1 MiB of levels
  FakeServer server([](Socket& s) {
    protocol::FrameWriter w(2 << 20);
    std::vector<wire::Level> bids;
    for (std::size_t i = 0; i < kLevels; ++i)
      bids.emplace_back(static_cast<std::int64_t>(i + 1) * 100, 1, 1);
    const auto f = w.finish(wire::CreateBookSnapshotDirect(w.fbb(), 7, 99, &bids, &bids));
    FakeServer::write(s, heartbeat_frame(1));  // leaves the snapshot unaligned in the stream
    FakeServer::write(s, error_frame("abc"));
    FakeServer::write(s, f);
    FakeServer::read_frame(s);
  });
  Client c = connected(server);
  ASSERT_NE(c.receive(5s), nullptr);
  ASSERT_NE(c.receive(5s), nullptr);
  const wire::Message* m = c.receive(5s);
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->body_type(), wire::Body::BookSnapshot);
  EXPECT_EQ(m->body_as_BookSnapshot()->bids()->size(), kLevels);
  EXPECT_EQ(m->body_as_BookSnapshot()->asks()->Get(kLevels - 1)->price(),
            static_cast<std::int64_t>(kLevels) * 100);
}

TEST(ClientTest, ReceiveTimesOutWithNullptr) {
  FakeServer server([](Socket& s) { FakeServer::read_frame(s); });
  Client c = connected(server);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(c.receive(50ms), nullptr);
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_GE(waited, 45ms);
  EXPECT_LT(waited, 2s);
  EXPECT_EQ(c.try_receive(), nullptr);
  EXPECT_TRUE(c.is_open());
}

TEST(ClientTest, DeliversWhatPrecedesEndOfStreamThenThrows) {
  FakeServer server([](Socket& s) {
    FakeServer::write(s, error_frame("bye"));
    s.close();
  });
  Client c = connected(server);
  const wire::Message* m = c.receive(5s);
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->body_type(), wire::Body::Error);
  EXPECT_EQ(m->body_as_Error()->text()->str(), "bye");
  EXPECT_THROW(c.receive(5s), ClientError);
  EXPECT_FALSE(c.is_open());
  EXPECT_THROW(c.receive(5s), ClientError);
  EXPECT_THROW(c.heartbeat(), ClientError);
}

TEST(ClientTest, RefusesAnOversizedOrGarbledFrame) {
  FakeServer server([](Socket& s) {
    const std::uint8_t huge[4] = {0xff, 0xff, 0xff, 0x7f};
    FakeServer::write(s, huge);
    FakeServer::read_frame(s);
  });
  Client c(1 << 20);
  c.connect("127.0.0.1", server.port(), 2s);
  EXPECT_THROW(c.receive(5s), ClientError);
  c.close();

  FakeServer garbled([](Socket& s) {
    std::vector<std::uint8_t> frame(4 + 32, 0xab);
    frame[0] = 32;
    frame[1] = frame[2] = frame[3] = 0;
    FakeServer::write(s, frame);
    FakeServer::read_frame(s);
  });
  Client g = connected(garbled);
  EXPECT_THROW(g.receive(5s), ClientError);
}

TEST(ClientTest, ConnectToAClosedPortThrows) {
  std::uint16_t port = 0;
  {
    boost::asio::io_context io;
    boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }
  Client c;
  EXPECT_THROW(c.connect("127.0.0.1", port, 2s), ClientError);
  EXPECT_FALSE(c.is_open());
  EXPECT_EQ(c.native_handle(), -1);
}

TEST(ClientTest, LogonReturnsTheAckSkippingHeartbeats) {
  FakeServer server([](Socket& s) {
    const auto logon = FakeServer::read_frame(s);
    const auto* l = decode(logon)->body_as_Logon();
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->principal()->str(), "tenant-a");
    EXPECT_EQ(l->token()->str(), "tenant-a-token");
    EXPECT_EQ(l->role(), wire::Role::Tenant);
    EXPECT_EQ(l->resume_from_seq(), 17u);
    EXPECT_TRUE(l->cancel_on_disconnect());
    FakeServer::write(s, heartbeat_frame(1));
    protocol::FrameWriter w;
    FakeServer::write(
        s, w.finish(wire::CreateLogonAck(w.fbb(), 55, 1, wire::Role::Tenant, 0, 18, 2000)));
    FakeServer::read_frame(s);
  });
  Client c = connected(server);
  const LogonResult r = c.logon("tenant-a", "tenant-a-token", wire::Role::Tenant, 17, true);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.session_id, 55u);
  EXPECT_EQ(r.principal_id, 1u);
  EXPECT_EQ(r.next_stream_seq, 18u);
  EXPECT_EQ(r.heartbeat_interval_ms, 2000u);
}

TEST(ClientTest, LogonReportsTheRejectReason) {
  FakeServer server([](Socket& s) {
    FakeServer::read_frame(s);
    protocol::FrameWriter w;
    FakeServer::write(s, w.finish(wire::CreateLogonRejectDirect(
                             w.fbb(), wire::RejectReason::BadCredentials, "bad token")));
    s.close();
  });
  Client c = connected(server);
  const LogonResult r = c.logon("tenant-a", "wrong", wire::Role::Tenant);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.reason, RejectReason::BadCredentials);
  EXPECT_EQ(r.text, "bad token");
}

TEST(ClientTest, LogonWithoutAnswerThrows) {
  FakeServer server([](Socket& s) {
    FakeServer::read_frame(s);  // the Logon, left unanswered
    FakeServer::read_frame(s);
  });
  Client c = connected(server);
  EXPECT_THROW(c.logon("tenant-a", "t", wire::Role::Tenant, 0, false, 50ms), ClientError);
}

TEST(ClientTest, TypedHelpersPutTheirFieldsOnTheWire) {
  FakeServer server([](Socket& s) {
    const auto f1 = FakeServer::read_frame(s);
    const auto* o = decode(f1)->body_as_NewOrder();
    ASSERT_NE(o, nullptr);
    EXPECT_EQ(o->client_order_id(), 42u);
    EXPECT_EQ(o->instrument(), 3u);
    EXPECT_EQ(o->side(), wire::Side::Sell);
    EXPECT_EQ(o->time_in_force(), wire::TimeInForce::Ioc);
    EXPECT_EQ(o->price(), 1500);
    EXPECT_EQ(o->qty(), 9);
    EXPECT_EQ(o->stp(), wire::StpMode::CancelBoth);

    const auto f2 = FakeServer::read_frame(s);
    const auto* cx = decode(f2)->body_as_CancelOrder();
    ASSERT_NE(cx, nullptr);
    EXPECT_EQ(cx->orig_client_order_id(), 42u);
    EXPECT_EQ(cx->instrument(), 3u);

    const auto f3 = FakeServer::read_frame(s);
    const auto* md = decode(f3)->body_as_ModifyOrder();
    ASSERT_NE(md, nullptr);
    EXPECT_EQ(md->order_id(), 77u);
    EXPECT_EQ(md->price(), 1600);
    EXPECT_EQ(md->qty(), 4);

    const auto f4 = FakeServer::read_frame(s);
    EXPECT_EQ(decode(f4)->body_as_MassCancel()->instrument(), engine::kAllInstruments);

    const auto f5 = FakeServer::read_frame(s);
    const auto* sub = decode(f5)->body_as_SubscribeMarketData();
    ASSERT_NE(sub, nullptr);
    ASSERT_EQ(sub->instruments()->size(), 2u);
    EXPECT_EQ(sub->instruments()->Get(1), 2u);
    EXPECT_EQ(sub->depth(), 5u);

    const auto f6 = FakeServer::read_frame(s);
    const auto* a = decode(f6)->body_as_Admin();
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->request_id(), 9u);
    ASSERT_EQ(a->action_type(), wire::AdminAction::SetParams);
    EXPECT_EQ(a->action_as_SetParams()->band_max(), 5000);

    const auto f7 = FakeServer::read_frame(s);
    const auto* ci = decode(f7)->body_as_Admin()->action_as_CreateInstrument();
    ASSERT_NE(ci, nullptr);
    EXPECT_EQ(ci->spec()->symbol()->str(), "io.pool-a.spot");
    EXPECT_EQ(ci->spec()->tick(), 10);

    const auto f8 = FakeServer::read_frame(s);
    EXPECT_EQ(decode(f8)->body_as_SubscribeFills()->from_seq(), 12u);
  });
  Client c = connected(server);
  c.new_order({.client_order_id = 42,
               .instrument = 3,
               .side = wire::Side::Sell,
               .time_in_force = wire::TimeInForce::Ioc,
               .price = 1500,
               .qty = 9,
               .stp = wire::StpMode::CancelBoth});
  // Batched: three frames leave in one write.
  c.set_batching(true);
  c.cancel_order(3, {.client_order_id = 42});
  c.modify_order(3, {.order_id = 77}, 1600, 4);
  c.mass_cancel();
  EXPECT_GT(c.queued_bytes(), 0u);
  c.flush();
  EXPECT_EQ(c.queued_bytes(), 0u);
  c.set_batching(false);
  const std::uint32_t instruments[] = {1, 2};
  c.subscribe_market_data(instruments, 5);
  c.admin_set_params(9, {.instrument = 1, .band_max = 5000});
  c.admin_create_instrument(10, {.id = 5, .symbol = "io.pool-a.spot", .tick = 10});
  c.subscribe_fills(1, 12);
}

TEST(ClientTest, SendRawPassesBytesThrough) {
  FakeServer server([](Socket& s) {
    std::uint8_t got[6] = {};
    boost::asio::read(s, boost::asio::buffer(got));
    EXPECT_EQ(std::vector<std::uint8_t>(got, got + 6),
              (std::vector<std::uint8_t>{0x02, 0, 0, 0, 0xde, 0xad}));
    FakeServer::read_frame(s);
  });
  Client c = connected(server);
  const std::uint8_t bytes[] = {0x02, 0, 0, 0, 0xde, 0xad};
  c.send_raw(bytes);
}

TEST(ClientTest, LargeSendsCompleteWhileTheServerReadsSlowly) {
  constexpr std::size_t kFrames = 20'000;
  FakeServer server([](Socket& s) {
    std::this_thread::sleep_for(100ms);  // let the socket buffers fill up first
    for (std::size_t i = 0; i < kFrames; ++i) {
      const auto f = FakeServer::read_frame(s);
      ASSERT_FALSE(f.empty()) << i;
      ASSERT_EQ(decode(f)->body_as_NewOrder()->client_order_id(), i + 1);
    }
  });
  Client c = connected(server);
  c.set_batching(true);
  for (std::size_t i = 0; i < kFrames; ++i)
    c.new_order({.client_order_id = i + 1, .instrument = 1, .price = 100, .qty = 1});
  c.flush();
  EXPECT_GT(c.bytes_sent(), kFrames * 40);
}

constexpr std::uint64_t kOld = 0x1111222233334444ULL, kNew = 0x5555666677778888ULL;

TEST(ClientTest, ANewExchangeHistoryIsFlaggedAndNeverResumedInto) {
  FakeServer server([](Socket& s) {
    protocol::FrameWriter w;
    // First logon: nothing known yet, nothing expected.
    auto frame = FakeServer::read_frame(s);
    EXPECT_EQ(decode(frame)->body_as_Logon()->expect_history(), 0u);
    FakeServer::write(
        s, w.finish(wire::CreateLogonAck(w.fbb(), 1, 1, wire::Role::Host, 1, 9, 1000, kOld)));
    // A resuming logon asks for the history its position belongs to; this exchange is another.
    frame = FakeServer::read_frame(s);
    const auto* l = decode(frame)->body_as_Logon();
    EXPECT_EQ(l->resume_from_seq(), 8u);
    EXPECT_EQ(l->expect_history(), kOld);
    FakeServer::write(s, w.finish(wire::CreateLogonRejectDirect(
                             w.fbb(), wire::RejectReason::HistoryMismatch, "another", kNew)));
    // Logging on afresh: answered with the new history.
    frame = FakeServer::read_frame(s);
    EXPECT_EQ(decode(frame)->body_as_Logon()->expect_history(), 0u);
    FakeServer::write(
        s, w.finish(wire::CreateLogonAck(w.fbb(), 2, 1, wire::Role::Host, 1, 1, 1000, kNew)));
    // Only the subscription from the start reaches the server.
    frame = FakeServer::read_frame(s);
    const auto* sub = decode(frame)->body_as_SubscribeFills();
    ASSERT_NE(sub, nullptr);
    EXPECT_EQ(sub->from_seq(), 0u);
  });
  Client c = connected(server);
  const LogonResult first = c.logon("host-a1", "t", wire::Role::Host);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.history, kOld);
  EXPECT_FALSE(first.history_changed);
  EXPECT_EQ(c.history(), kOld);

  const LogonResult resumed = c.logon("host-a1", "t", wire::Role::Host, 8);
  EXPECT_EQ(resumed.reason, RejectReason::HistoryMismatch);
  EXPECT_EQ(resumed.history, kNew);
  EXPECT_TRUE(resumed.history_changed);
  EXPECT_EQ(resumed.previous_history, kOld);

  c.expect_history(kOld);  // the caller's saved position is still the old history's
  const LogonResult fresh = c.logon("host-a1", "t", wire::Role::Host);
  ASSERT_TRUE(fresh.ok());
  EXPECT_TRUE(fresh.history_changed);
  EXPECT_EQ(fresh.previous_history, kOld);
  EXPECT_EQ(c.history(), kNew);
  EXPECT_THROW(c.subscribe_fills(1, 8), ClientError) << "an old position is not sent";
  EXPECT_THROW(c.subscribe_drop_copy(5), ClientError);
  c.subscribe_fills(1, 0);
}

}  // namespace
}  // namespace swarmex::client
