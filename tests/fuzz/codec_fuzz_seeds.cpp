// Writes a seed corpus for codec_fuzz: one valid frame of each client and server message, plus
// a stream of several, so the fuzzer starts from deep inside the format.
#include <cstdio>
#include <string>
#include <vector>

#include "swarmex/protocol/codec.hpp"

using namespace swarmex;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: codec_fuzz_seeds DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  protocol::FrameWriter w;
  std::vector<std::vector<std::uint8_t>> frames;
  auto keep = [&](std::span<const std::uint8_t> f) { frames.emplace_back(f.begin(), f.end()); };
  keep(
      w.finish(wire::CreateLogonDirect(w.fbb(), "tenant-a", "token", wire::Role::Tenant, 7, true)));
  keep(w.finish(wire::CreateNewOrder(w.fbb(), 1, 1, wire::Side::Buy, wire::OrderType::Limit,
                                     wire::TimeInForce::Ioc, 5000, 3, 1)));
  keep(w.finish(wire::CreateCancelOrder(w.fbb(), 1, 2, 1)));
  keep(w.finish(wire::CreateModifyOrder(w.fbb(), 1, 2, 1, 4000, 2)));
  keep(w.finish(wire::CreateMassCancel(w.fbb(), 1)));
  const std::vector<std::uint32_t> ids{1, 2, 3};
  keep(w.finish(wire::CreateSubscribeMarketDataDirect(w.fbb(), &ids, 5)));
  keep(w.finish(wire::CreateSubscribeFills(w.fbb(), 1, 0)));
  keep(w.finish(wire::CreateEnactmentReportDirect(w.fbb(), 3, false, "EBUSY", 1000)));
  keep(w.finish(wire::CreateHeartbeat(w.fbb(), 1)));
  {
    const std::vector<wire::SwarmLeg> legs{wire::SwarmLeg(1, 4), wire::SwarmLeg(2, 8)};
    keep(w.finish(wire::CreateNewSwarmOrderDirect(w.fbb(), 2, &legs, wire::Placement::SameHost,
                                                  9000, wire::TimeInForce::Ioc)));
    const std::vector<std::int64_t> qtys{1, 2, 3};
    keep(w.finish(wire::CreateNewBlockOrderDirect(w.fbb(), 3, "cpu", "pool-a", 3600,
                                                  1'795'356'000'000'000'000, 3, 0, &qtys,
                                                  wire::Placement::Any, 9000)));
    keep(w.finish(wire::CreateChangeReservationDirect(w.fbb(), 4, "cpu", "pool-a", 3600,
                                                      1'795'356'000'000'000'000, 2, -1, 1200, 1)));
    keep(w.finish(wire::CreateDeclareSupply(w.fbb(), 1, 20)));
    keep(w.finish(wire::CreateInterruptionNotice(w.fbb(), 1, 1, 1, 2, 9, 1, 2, 0, 3)));
  }
  {
    auto halt = wire::CreateHalt(w.fbb(), 1);
    keep(w.finish(wire::CreateAdmin(w.fbb(), 9, wire::AdminAction::Halt, halt.Union())));
  }
  {
    auto info = wire::CreateInstrumentInfoDirect(w.fbb(), 5, "cpu.x.spot", "cpu", "x", 1, 1, 1, 9,
                                                 1, 100, 5, false);
    auto ci = wire::CreateCreateInstrument(w.fbb(), info);
    keep(w.finish(wire::CreateAdmin(w.fbb(), 10, wire::AdminAction::CreateInstrument, ci.Union())));
  }
  {
    const std::vector<wire::Level> levels{wire::Level(100, 5, 1), wire::Level(99, 7, 2)};
    keep(w.finish(wire::CreateBookSnapshotDirect(w.fbb(), 1, 9, &levels, &levels)));
  }
  keep(w.finish(wire::CreateErrorDirect(w.fbb(), wire::RejectReason::MalformedMessage, "bad")));
  std::vector<std::uint8_t> stream;
  for (std::size_t i = 0; i < frames.size(); ++i) {
    const std::string path = dir + "/seed-" + std::to_string(i);
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
      std::fwrite(frames[i].data(), 1, frames[i].size(), f);
      std::fclose(f);
    }
    stream.insert(stream.end(), frames[i].begin(), frames[i].end());
  }
  if (FILE* f = std::fopen((dir + "/seed-stream").c_str(), "wb")) {
    std::fwrite(stream.data(), 1, stream.size(), f);
    std::fclose(f);
  }
  return 0;
}
