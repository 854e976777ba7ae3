// The codec on its own: frames, verification, and our validation beyond the Verifier.
#include <gtest/gtest.h>

#include <limits>

#include <vector>

#include "swarmex/protocol/codec.hpp"

namespace swarmex::protocol {
namespace {

using engine::RejectReason;

std::vector<std::uint8_t> body_of(std::span<const std::uint8_t> frame) {
  EXPECT_GE(frame.size(), kFrameHeaderBytes);
  EXPECT_EQ(read_frame_length(frame.data()), frame.size() - kFrameHeaderBytes);
  return {frame.begin(), frame.end()};  // the whole frame, as decode_frame takes it
}

std::vector<std::uint8_t> new_order(wire::Side side, wire::OrderType type = wire::OrderType::Limit,
                                    wire::TimeInForce tif = wire::TimeInForce::Gtc,
                                    wire::StpMode stp = wire::StpMode::CancelNewest) {
  FrameWriter w;
  auto o = wire::CreateNewOrder(w.fbb(), 7, 1, side, type, tif, 100, 5, 0, stp);
  return body_of(w.finish(o));
}

TEST(CodecTest, RoundTripsALogon) {
  FrameWriter w;
  auto l = wire::CreateLogonDirect(w.fbb(), "tenant-a", "secret", wire::Role::Tenant, 42, true);
  const auto body = body_of(w.finish(l));
  const wire::Message* m = nullptr;
  ASSERT_EQ(decode_frame(body, &m), RejectReason::None);
  ASSERT_EQ(m->body_type(), wire::Body::Logon);
  EXPECT_EQ(m->body_as_Logon()->principal()->str(), "tenant-a");
  EXPECT_EQ(m->body_as_Logon()->resume_from_seq(), 42u);
  // The writer is reusable: the next message is independent of the first.
  auto hb = wire::CreateHeartbeat(w.fbb(), 5);
  const auto body2 = body_of(w.finish(hb));
  ASSERT_EQ(decode_frame(body2, &m), RejectReason::None);
  EXPECT_EQ(m->body_as_Heartbeat()->time_ns(), 5);
}

TEST(CodecTest, FrameLengthLimitsAreJudgedBeforeAllocation) {
  EXPECT_EQ(check_frame_length(0, kDefaultMaxFrameBytes), FrameCheck::TooSmall);
  EXPECT_EQ(check_frame_length(kMinMessageBytes - 1, kDefaultMaxFrameBytes), FrameCheck::TooSmall);
  EXPECT_EQ(check_frame_length(kDefaultMaxFrameBytes + 1, kDefaultMaxFrameBytes),
            FrameCheck::TooLarge);
  EXPECT_EQ(check_frame_length(0xFFFFFFFFu, kDefaultMaxFrameBytes), FrameCheck::TooLarge);
  EXPECT_EQ(check_frame_length(100, kDefaultMaxFrameBytes), FrameCheck::Ok);
  const std::uint8_t header[4] = {0x10, 0x02, 0x00, 0x80};
  EXPECT_EQ(read_frame_length(header), 0x80000210u);
}

TEST(CodecTest, OutOfRangeEnumsGetTheirOwnReasons) {
  const wire::Message* m = nullptr;
  EXPECT_EQ(decode_frame(new_order(static_cast<wire::Side>(9)), &m), RejectReason::InvalidSide);
  EXPECT_EQ(decode_frame(new_order(wire::Side::Buy, static_cast<wire::OrderType>(2)), &m),
            RejectReason::InvalidOrderType);
  EXPECT_EQ(decode_frame(new_order(wire::Side::Buy, wire::OrderType::Limit,
                                   static_cast<wire::TimeInForce>(5)),
                         &m),
            RejectReason::InvalidTimeInForce);
  EXPECT_EQ(decode_frame(new_order(wire::Side::Buy, wire::OrderType::Limit, wire::TimeInForce::Gtc,
                                   static_cast<wire::StpMode>(200)),
                         &m),
            RejectReason::InvalidStpMode);
  EXPECT_EQ(decode_frame(new_order(wire::Side::Sell), &m), RejectReason::None);
  // An expiry goes with GTD only: on a GTC order it is refused rather than ignored, and a GTD
  // order needs one.
  const auto with_expiry = [&](wire::TimeInForce tif, std::int64_t expire_ns) {
    FrameWriter w;
    auto o = wire::CreateNewOrder(w.fbb(), 7, 1, wire::Side::Buy, wire::OrderType::Limit, tif, 100,
                                  5, 0, wire::StpMode::CancelNewest, false, expire_ns);
    const auto frame = body_of(w.finish(o));
    return decode_frame(frame, &m);
  };
  EXPECT_EQ(with_expiry(wire::TimeInForce::Gtc, 1'795'356'000'000'000'000),
            RejectReason::InvalidTimeInForce);
  EXPECT_EQ(with_expiry(wire::TimeInForce::Gtd, 0), RejectReason::InvalidTimeInForce);
  EXPECT_EQ(with_expiry(wire::TimeInForce::Gtd, -5), RejectReason::InvalidTimeInForce);
  EXPECT_EQ(with_expiry(wire::TimeInForce::Gtd, 1'795'356'000'000'000'000), RejectReason::None);
  EXPECT_EQ(with_expiry(wire::TimeInForce::Day, 0), RejectReason::None);
}

struct BlockFields {
  std::uint32_t windows = 2;
  std::vector<std::int64_t> qtys;
  wire::Placement placement = wire::Placement::SameHost;
  wire::TimeInForce tif = wire::TimeInForce::Ioc;
  std::string resource = "cpu";
};

template <typename Change>
std::vector<std::uint8_t> block_order(Change change) {
  BlockFields f;
  change(f);
  FrameWriter w;
  auto o =
      wire::CreateNewBlockOrderDirect(w.fbb(), 1, f.resource.c_str(), "pool-a", 0, 0, f.windows, 1,
                                      f.qtys.empty() ? nullptr : &f.qtys, f.placement, 1000, f.tif);
  return body_of(w.finish(o));
}

TEST(CodecTest, BlockOrdersAreCheckedBeyondTheVerifier) {
  const wire::Message* m = nullptr;
  EXPECT_EQ(decode_frame(block_order([](BlockFields&) {}), &m), RejectReason::None);
  EXPECT_EQ(decode_frame(block_order([](BlockFields& f) { f.windows = 0; }), &m),
            RejectReason::InvalidWindow);
  EXPECT_EQ(decode_frame(block_order([](BlockFields& f) { f.windows = 9; }), &m),
            RejectReason::InvalidWindow);
  EXPECT_EQ(decode_frame(block_order([](BlockFields& f) {
                           f.qtys = {1, 2, 3};
                         }),
                         &m),
            RejectReason::InvalidLegs);
  EXPECT_EQ(decode_frame(block_order([](BlockFields& f) {
                           f.qtys = {1, 2};
                         }),
                         &m),
            RejectReason::None);
  EXPECT_EQ(
      decode_frame(
          block_order([](BlockFields& f) { f.placement = static_cast<wire::Placement>(3); }), &m),
      RejectReason::InvalidPlacement);
  EXPECT_EQ(decode_frame(block_order([](BlockFields& f) { f.tif = wire::TimeInForce::Fok; }), &m),
            RejectReason::InvalidTimeInForce);
  EXPECT_EQ(
      decode_frame(block_order([](BlockFields& f) { f.resource = std::string(65, 'x'); }), &m),
      RejectReason::MalformedMessage);
  // resource and pool are required: a block order without them fails the Verifier.
  // (Built by hand: the generated builder asserts required fields in debug builds.)
  FrameWriter w;
  auto& b = w.fbb();
  const auto start = b.StartTable();
  b.AddElement<std::uint32_t>(wire::NewBlockOrder::VT_WINDOWS, 2, 1);
  const flatbuffers::Offset<wire::NewBlockOrder> bare(b.EndTable(start));
  EXPECT_EQ(decode_frame(body_of(w.finish(bare)), &m), RejectReason::MalformedMessage);
}

TEST(CodecTest, ReservationChangesAreCheckedBeyondTheVerifier) {
  auto change = [](std::int64_t delta, std::uint32_t host, std::uint32_t windows,
                   wire::TimeInForce tif = wire::TimeInForce::Ioc, std::int32_t pct = 0) {
    FrameWriter w;
    return body_of(w.finish(
        wire::CreateChangeReservationDirect(w.fbb(), 1, "cpu", "pool-a", 0, 0, windows, delta, 1000,
                                            host, wire::Placement::SameHost, tif, pct)));
  };
  const wire::Message* m = nullptr;
  EXPECT_EQ(decode_frame(change(2, 0, 1), &m), RejectReason::None);
  EXPECT_EQ(decode_frame(change(-2, 7, 8), &m), RejectReason::None);
  EXPECT_EQ(decode_frame(change(0, 0, 1), &m), RejectReason::InvalidQuantity);
  EXPECT_EQ(decode_frame(change(std::numeric_limits<std::int64_t>::min(), 7, 1), &m),
            RejectReason::InvalidQuantity);
  EXPECT_EQ(decode_frame(change(-1, 0, 1), &m), RejectReason::MalformedMessage);  // whose?
  EXPECT_EQ(decode_frame(change(1, 0, 0), &m), RejectReason::InvalidWindow);
  EXPECT_EQ(decode_frame(change(1, 0, 9), &m), RejectReason::InvalidWindow);
  EXPECT_EQ(decode_frame(change(1, 0, 1, wire::TimeInForce::Fok), &m),
            RejectReason::InvalidTimeInForce);
  // By percent: instead of a quantity, never both, within -100 .. 1000; sells name a host.
  const auto ioc = wire::TimeInForce::Ioc;
  EXPECT_EQ(decode_frame(change(0, 0, 1, ioc, 10), &m), RejectReason::None);
  EXPECT_EQ(decode_frame(change(0, 7, 1, ioc, -100), &m), RejectReason::None);
  EXPECT_EQ(decode_frame(change(2, 0, 1, ioc, 10), &m), RejectReason::InvalidQuantity);
  EXPECT_EQ(decode_frame(change(0, 7, 1, ioc, -101), &m), RejectReason::InvalidQuantity);
  EXPECT_EQ(decode_frame(change(0, 0, 1, ioc, 1001), &m), RejectReason::InvalidQuantity);
  EXPECT_EQ(decode_frame(change(0, 0, 1, ioc, -10), &m), RejectReason::MalformedMessage);
}

// A swarm order whose legs vector is laid out 4-byte aligned only, after `pad_words` words.
std::vector<std::uint8_t> swarm_order_with_legs_after(int pad_words) {
  FrameWriter w;
  auto& fbb = w.fbb();
  const std::uint32_t legs[2][4] = {{3, 0, 5, 0}, {4, 0, 6, 0}};  // SwarmLeg: instrument, pad, qty
  for (int i = 0; i < pad_words; ++i)
    fbb.PushElement<std::uint32_t>(0);
  fbb.StartVector(8, sizeof(std::uint32_t));
  for (int leg = 1; leg >= 0; --leg)
    for (int word = 3; word >= 0; --word)
      fbb.PushElement(legs[leg][word]);
  const flatbuffers::Offset<flatbuffers::Vector<const wire::SwarmLeg*>> vec(fbb.EndVector(2));
  auto o = wire::CreateNewSwarmOrder(fbb, 9, vec, wire::Placement::Any, 1000);
  return body_of(w.finish(o));
}

// FlatBuffers 2.0's Verifier leaves a vector of 8-byte structs or scalars free to start 4 bytes
// off; reading one would be undefined behaviour, so the frame is refused as unverifiable.
TEST(CodecTest, MisalignedStructVectorsAreRefused) {
  int misaligned = 0;
  for (int pad = 0; pad < 2; ++pad) {
    const auto frame = swarm_order_with_legs_after(pad);
    const auto* raw = wire::GetSizePrefixedMessage(frame.data())->body_as_NewSwarmOrder();
    const bool off = reinterpret_cast<std::uintptr_t>(raw->legs()->Data()) % 8 != 0;
    misaligned += off ? 1 : 0;
    const wire::Message* m = nullptr;
    if (off) {
      EXPECT_EQ(decode_frame(frame, &m), RejectReason::MalformedMessage) << pad;
      EXPECT_EQ(m, nullptr);
    } else {
      ASSERT_EQ(decode_frame(frame, &m), RejectReason::None) << pad;
      EXPECT_EQ(m->body_as_NewSwarmOrder()->legs()->Get(1)->qty(), 6);
    }
  }
  EXPECT_EQ(misaligned, 1);  // one of the two layouts really is 4 bytes off
}

// A book side without levels is an empty vector of structs, which FlatBuffers 2.0 lays out 4
// bytes off: nothing is read from it, so the snapshot is taken.
TEST(CodecTest, EmptyStructVectorsAreTaken) {
  FrameWriter w;
  const std::vector<wire::Level> none;
  const std::vector<wire::Level> one{wire::Level(100, 5, 1)};
  auto snap = wire::CreateBookSnapshot(w.fbb(), 1, 7, w.fbb().CreateVectorOfStructs(none),
                                       w.fbb().CreateVectorOfStructs(one));
  const auto frame = body_of(w.finish(snap));
  const wire::Message* m = nullptr;
  ASSERT_EQ(decode_frame(frame, &m), RejectReason::None);
  EXPECT_EQ(m->body_as_BookSnapshot()->bids()->size(), 0u);
  EXPECT_EQ(m->body_as_BookSnapshot()->asks()->Get(0)->qty(), 5);
}

TEST(CodecTest, UnknownUnionTypeAndGarbageAreRefused) {
  FrameWriter w;
  auto hb = wire::CreateHeartbeat(w.fbb(), 1);
  auto body = body_of(w.finish_union(static_cast<wire::Body>(200), hb.Union()));
  const wire::Message* m = nullptr;
  EXPECT_EQ(decode_frame(body, &m), RejectReason::UnknownMessage);
  std::vector<std::uint8_t> garbage(64, 0xAB);
  garbage[0] = 60;
  garbage[1] = garbage[2] = garbage[3] = 0;
  EXPECT_EQ(decode_frame(garbage, &m), RejectReason::MalformedMessage);
  auto good = new_order(wire::Side::Buy);
  good[8] = 'X';  // wrong file identifier
  EXPECT_EQ(decode_frame(good, &m), RejectReason::MalformedMessage);
  // Every truncation of a valid message is refused, never read, even with a matching header.
  const auto full = new_order(wire::Side::Buy);
  for (std::size_t n = 0; n < full.size(); ++n) {
    std::vector<std::uint8_t> cut(full.begin(), full.begin() + static_cast<long>(n));
    if (n >= 4) cut[0] = static_cast<std::uint8_t>(n - 4), cut[1] = cut[2] = cut[3] = 0;
    EXPECT_NE(decode_frame(cut, &m), RejectReason::None) << n;
  }
  // A length header that disagrees with the frame is refused.
  auto bad_len = full;
  bad_len[0] ^= 4;
  EXPECT_EQ(decode_frame(bad_len, &m), RejectReason::MalformedMessage);
  // A valid FlatBuffer whose root is not a Message (a bare Heartbeat table).
  FrameWriter w2;
  auto lo = wire::CreateHeartbeat(w2.fbb(), 42);
  w2.fbb().FinishSizePrefixed(lo);  // no identifier, wrong root type
  std::vector<std::uint8_t> raw(w2.fbb().GetBufferPointer(),
                                w2.fbb().GetBufferPointer() + w2.fbb().GetSize());
  EXPECT_EQ(decode_frame(raw, &m), RejectReason::MalformedMessage);
}

}  // namespace
}  // namespace swarmex::protocol
