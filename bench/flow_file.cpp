#include "flow_file.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <unordered_map>

#include "swarmex/engine/engine.hpp"

namespace swarmex::bench {

namespace {

using engine::Command;
using engine::CommandKind;
using engine::InstrumentId;
using engine::OrderId;

std::string read_file(const std::string& path) {
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"),
                                                          &std::fclose);
  if (!f) throw std::runtime_error("cannot open " + path);
  std::string data;
  char chunk[1 << 16];
  for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, f.get())) > 0;)
    data.append(chunk, n);
  if (std::ferror(f.get())) throw std::runtime_error("cannot read " + path);
  return data;
}

// Splits one line into comma-separated fields, parsing them on demand.
class LineParser {
 public:
  LineParser(std::string_view line, std::size_t line_no) : rest_(line), line_no_(line_no) {}

  template <typename T>
  T number() {
    const std::string_view f = field();
    T value{};
    const auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), value);
    if (ec != std::errc{} || ptr != f.data() + f.size())
      fail("bad number '" + std::string(f) + "'");
    return value;
  }
  engine::Side side() {
    const std::string_view f = field();
    if (f == "B") return engine::Side::Buy;
    if (f == "S") return engine::Side::Sell;
    fail("bad side '" + std::string(f) + "'");
  }
  void finish() const {
    if (!done_) fail("too many fields");
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("flow line " + std::to_string(line_no_) + ": " + what);
  }

 private:
  std::string_view field() {
    if (done_) fail("too few fields");
    const std::size_t comma = rest_.find(',');
    const std::string_view f = rest_.substr(0, comma);
    if (comma == std::string_view::npos)
      done_ = true;
    else
      rest_.remove_prefix(comma + 1);
    return f;
  }

  std::string_view rest_;
  std::size_t line_no_;
  bool done_ = false;
};

}  // namespace

engine::InstrumentSpec flow_instrument(InstrumentId id) {
  engine::InstrumentSpec s;
  s.id = id;
  s.symbol = "flow." + std::to_string(id);
  s.resource = "cpu";
  s.pool = "bench";
  s.tick = 1;
  s.lot = 1;
  s.min_qty = 1;
  s.max_qty = 1'000'000;
  s.band_min = 1;
  s.band_max = 32'767;
  return s;
}

Flow load_flow(const std::string& path) {
  const std::string data = read_file(path);
  Flow flow;
  flow.commands.reserve(static_cast<std::size_t>(std::count(data.begin(), data.end(), '\n')) + 1);
  // Cancels and modifies carry their order's instrument, as a router would fill it in.
  std::unordered_map<OrderId, InstrumentId> instrument_of;
  instrument_of.reserve(flow.commands.capacity());
  std::vector<bool> seen_instrument;

  std::size_t line_no = 0;
  for (std::size_t pos = 0; pos < data.size();) {
    std::size_t eol = data.find('\n', pos);
    if (eol == std::string::npos) eol = data.size();
    std::string_view line(data.data() + pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    if (line.size() < 2 || line[1] != ',') LineParser(line, line_no).fail("bad command");

    LineParser p(line.substr(2), line_no);
    Command cmd;
    cmd.seq = flow.commands.size() + 1;
    cmd.time_ns = static_cast<std::int64_t>(cmd.seq);
    switch (line.front()) {
      case 'N':
      case 'I': {
        engine::NewOrder& o = cmd.new_order;
        cmd.kind = CommandKind::NewOrder;
        o.order_id = p.number<OrderId>();
        o.instrument = p.number<InstrumentId>();
        o.side = p.side();
        o.price = p.number<engine::Price>();
        o.qty = p.number<engine::Qty>();
        o.owner = flow_owner(o.order_id);
        o.host = o.side == engine::Side::Sell ? o.owner : 0;
        o.type = engine::OrderType::Limit;
        o.tif = line.front() == 'N' ? engine::TimeInForce::Gtc : engine::TimeInForce::Ioc;
        o.stp = engine::StpMode::CancelNewest;
        o.post_only = false;
        o.min_qty = 0;
        if (o.instrument == 0 || o.instrument > engine::kMaxInstrumentId)
          p.fail("instrument id out of range");
        instrument_of[o.order_id] = o.instrument;
        if (seen_instrument.size() <= o.instrument) seen_instrument.resize(o.instrument + 1);
        seen_instrument[o.instrument] = true;
        flow.max_order_id = std::max(flow.max_order_id, o.order_id);
        ++(line.front() == 'N' ? flow.new_orders : flow.ioc_orders);
        break;
      }
      case 'C': {
        cmd.kind = CommandKind::CancelOrder;
        cmd.cancel.order_id = p.number<OrderId>();
        cmd.cancel.owner = flow_owner(cmd.cancel.order_id);
        const auto it = instrument_of.find(cmd.cancel.order_id);
        cmd.cancel.instrument = it == instrument_of.end() ? 0 : it->second;
        ++flow.cancels;
        break;
      }
      case 'M': {
        engine::ModifyOrder& m = cmd.modify;
        cmd.kind = CommandKind::ModifyOrder;
        m.order_id = p.number<OrderId>();
        m.new_price = p.number<engine::Price>();
        m.new_qty = p.number<engine::Qty>();
        m.owner = flow_owner(m.order_id);
        const auto it = instrument_of.find(m.order_id);
        m.instrument = it == instrument_of.end() ? 0 : it->second;
        ++flow.modifies;
        break;
      }
      default:
        p.fail(std::string("unknown command '") + line.front() + "'");
    }
    p.finish();
    flow.commands.push_back(cmd);
  }
  for (InstrumentId id = 0; id < seen_instrument.size(); ++id)
    if (seen_instrument[id]) flow.instruments.push_back(id);
  return flow;
}

}  // namespace swarmex::bench
