#include "dashboard_state.hpp"

#include "swarmex/common/json_text.hpp"

namespace swarmex::gateway {
namespace {

using common::Json;

Json levels(const std::vector<LadderLevel>& side) {
  Json a = Json::array();
  for (const LadderLevel& l : side)
    a.push_back(Json::array({l.price, l.qty, l.orders}));
  return a;
}

Json pool_json(const PoolView& p) {
  Json j;
  j["name"] = p.name;
  Json instruments = Json::array();
  for (const InstrumentView& i : p.instruments)
    instruments.push_back(Json{{"id", i.id},
                               {"symbol", i.symbol},
                               {"resource", i.resource},
                               {"last_price", i.last_price},
                               {"volume", i.volume},
                               {"trades", i.trades},
                               {"bids", levels(i.bids)},
                               {"asks", levels(i.asks)}});
  j["instruments"] = std::move(instruments);
  Json use = Json::array();
  for (const ResourceUse& u : p.use)
    use.push_back(Json{{"resource", u.resource}, {"capacity", u.capacity}, {"sold", u.sold}});
  j["use"] = std::move(use);
  Json tape = Json::array();
  for (const TapeTrade& t : p.tape)
    tape.push_back(Json{{"time_ms", t.time_ns / 1'000'000},
                        {"instrument", t.instrument},
                        {"symbol", t.symbol},
                        {"side", t.side == engine::Side::Buy ? "buy" : "sell"},
                        {"price", t.price},
                        {"qty", t.qty}});
  j["tape"] = std::move(tape);
  // Columns, as the charts take them: time, then one array per series.
  Json h;
  h["instruments"] = p.history_instruments;
  h["resources"] = p.history_resources;
  Json time = Json::array(), prices = Json::array(), util = Json::array();
  for (std::size_t s = 0; s < p.history_instruments.size(); ++s)
    prices.push_back(Json::array());
  for (std::size_t s = 0; s < p.history_resources.size(); ++s)
    util.push_back(Json::array());
  for (const HistoryPoint& pt : *p.history) {
    time.push_back(pt.time_ns / 1'000'000);
    for (std::size_t s = 0; s < prices.size(); ++s)
      prices[s].push_back(s < pt.last_price.size() && pt.last_price[s] != 0 ? Json(pt.last_price[s])
                                                                            : Json(nullptr));
    for (std::size_t s = 0; s < util.size(); ++s)
      util[s].push_back(s < pt.utilisation.size() && pt.utilisation[s] >= 0
                            ? Json(common::json_decimal(pt.utilisation[s], 4))
                            : Json(nullptr));
  }
  h["time_ms"] = std::move(time);
  h["last_price"] = std::move(prices);
  h["utilisation"] = std::move(util);
  j["history"] = std::move(h);
  return j;
}

Json stage_json(const StageSummary::Percentiles& p) {
  const auto us = [](std::int64_t ns) { return common::json_decimal(ns / 1000.0, 1); };
  return Json{{"count", p.count},       {"p50_us", us(p.p50_ns)},   {"p90_us", us(p.p90_ns)},
              {"p99_us", us(p.p99_ns)}, {"p999_us", us(p.p999_ns)}, {"max_us", us(p.max_ns)}};
}

}  // namespace

std::string render_state(const MarketView& market, const OpsView& ops, const StageSummary& stages,
                         std::int64_t now_ns) {
  Json j;
  j["time_ms"] = now_ns / 1'000'000;
  j["trades"] = market.trades;
  Json pools = Json::array();
  for (const PoolView& p : market.pools)
    pools.push_back(pool_json(p));
  j["pools"] = std::move(pools);
  j["sessions"] = Json{{"tenant", ops.sessions[0]},
                       {"host", ops.sessions[1]},
                       {"operator", ops.sessions[2]},
                       {"agent", ops.sessions[3]}};
  Json latency = Json::array();
  for (const Stage s : {Stage::OrderToSequenced, Stage::SequencedToDurable, Stage::OrderToAck})
    latency.push_back(Json{{"stage", to_string(s)},
                           {"recent", stage_json(stages.recent(s))},
                           {"since_start", stage_json(stages.since_start(s))}});
  j["latency"] = std::move(latency);
  Json hosts = Json::array();
  for (const HostView& h : ops.hosts)
    hosts.push_back(Json{{"name", h.name},
                         {"host_id", h.host_id},
                         {"sessions", h.sessions},
                         {"enactments", h.enactments},
                         {"failures", h.failures},
                         {"last_fill_seq", h.last_fill_seq},
                         {"lag_ms", common::json_decimal(h.last_lag_ns / 1e6, 3)},
                         {"max_lag_ms", common::json_decimal(h.max_lag_ns / 1e6, 3)},
                         {"last_report_ms", h.last_report_ns / 1'000'000}});
  j["hosts"] = std::move(hosts);
  Json forecasts = Json::array();
  for (const ForecastView& f : ops.forecasts)
    forecasts.push_back(Json{{"tenant", f.tenant},
                             {"resource", f.resource},
                             {"pool", f.pool},
                             {"window_start_ms", f.window_start_ns / 1'000'000},
                             {"window_length_s", f.window_length_s},
                             {"p50", f.p50},
                             {"p90", f.p90},
                             {"p99", f.p99},
                             {"units", f.units},
                             {"bought", f.bought},
                             {"actual", f.actual < 0 ? Json(nullptr) : Json(f.actual)}});
  j["forecasts"] = std::move(forecasts);
  Json series = Json::array();
  for (const ForecastSeries& s : ops.forecast_history) {
    Json time = Json::array(), p50 = Json::array(), p90 = Json::array(), actual = Json::array();
    for (const ForecastPoint& p : s.points) {
      time.push_back(p.time_ns / 1'000'000);
      p50.push_back(p.p50);
      p90.push_back(p.p90);
      actual.push_back(p.actual);
    }
    series.push_back(Json{{"pool", s.pool},
                          {"resource", s.resource},
                          {"time_ms", std::move(time)},
                          {"p50", std::move(p50)},
                          {"p90", std::move(p90)},
                          {"actual", std::move(actual)}});
  }
  j["forecast_history"] = std::move(series);
  return common::json_text(j);
}

}  // namespace swarmex::gateway
