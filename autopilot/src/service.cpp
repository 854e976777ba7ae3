#include "swarmex/autopilot/service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "swarmex/autopilot/history_import.hpp"
#include "swarmex/common/clock.hpp"

namespace swarmex::autopilot {

namespace {

constexpr std::int64_t kMsNs = 1'000'000;
constexpr std::int64_t kFirstBackoffMs = 250;
constexpr std::int64_t kMaxBackoffMs = 10'000;

std::string str(const flatbuffers::String* s) {
  return s != nullptr ? s->str() : std::string();
}

}  // namespace

Service::Service(Config config)
    : config_(std::move(config)),
      forecasts_(config_.max_tenants, config_.step_s, config_.cpu_method, config_.mem_method),
      planner_(forecasts_, PlannerConfig{config_.lead_ms * kMsNs, config_.review_ms * kMsNs,
                                         config_.downgrade_margin_units, config_.axis}),
      next_client_id_(static_cast<std::uint64_t>(common::wall_ns())) {
  if (!config_.history_csv.empty()) {
    const std::size_t rows =
        import_history(config_.history_csv, forecasts_, config_.history_windows);
    spdlog::info("autopilot: {} rows of usage history read from {} ({} tenants)", rows,
                 config_.history_csv, forecasts_.tenants());
  }
}

Service::~Service() = default;

void Service::run(const std::atomic<bool>& stop) {
  while (!stop.load(std::memory_order_relaxed)) {
    try {
      session(stop);
    } catch (const client::ClientError& e) {
      if (stop.load(std::memory_order_relaxed)) break;
      spdlog::warn("autopilot: {}: connecting again in {} ms", e.what(), backoff_ms_);
      for (std::int64_t slept = 0; slept < backoff_ms_ && !stop.load(std::memory_order_relaxed);
           slept += 50)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      backoff_ms_ = std::min<std::int64_t>(backoff_ms_ * 2, kMaxBackoffMs);
    }
  }
  spdlog::info(
      "autopilot: stopping: {} usage reports, {} decisions, {} bids for {} units, {} units "
      "filled, {} downgrades, {} units resold, {} orders rejected, {} host losses, {} windows "
      "self-healed (slowest {} ms)",
      stats_.usage_reports, stats_.decisions, stats_.bids, stats_.units_bid, stats_.units_filled,
      stats_.resales, stats_.units_resold, stats_.rejected, stats_.hosts_lost, stats_.self_heals,
      stats_.self_heal_max_ms);
}

void Service::session(const std::atomic<bool>& stop) {
  const client::Endpoint at = client::parse_endpoint(config_.server);
  client_ = std::make_unique<client::Client>();
  client_->connect(at.host, at.port, std::chrono::seconds(5));
  const client::LogonResult logon =
      client_->logon(config_.principal, config_.token, wire::Role::Agent);
  if (!logon.ok())  // not a connection problem: trying again would not help
    throw std::runtime_error("logon as agent '" + config_.principal + "' refused: " + logon.text);
  fresh_grants_ = fresh_windows_ = false;
  backoff_ms_ = kFirstBackoffMs;
  spdlog::info("autopilot: logged on to {} as agent '{}'", config_.server, config_.principal);
  client_->subscribe_usage("", true, 0);  // every tenant's held history, then each new report
  std::int64_t next_tick = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    const std::int64_t now = common::steady_ns();
    if (now >= next_tick) {
      client_->autopilot_status(next_request_++);
      client_->admin_list_instruments(next_request_++);
      next_tick = now + config_.tick_ms * kMsNs;
    }
    const auto wait = std::chrono::nanoseconds(
        std::clamp<std::int64_t>(next_tick - common::steady_ns(), 0, 100 * kMsNs));
    if (const wire::Message* m = client_->receive(wait)) handle(*m);
    if (fresh_grants_ && fresh_windows_) {
      act(common::wall_ns());
      fresh_grants_ = fresh_windows_ = false;
    }
  }
}

void Service::handle(const wire::Message& m) {
  switch (m.body_type()) {
    case wire::Body::UsageReport:
      return on_usage(*m.body_as_UsageReport());
    case wire::Body::ExecutionReport:
      return on_report(*m.body_as_ExecutionReport());
    case wire::Body::AutopilotGrants: {
      grants_.clear();
      if (const auto* gs = m.body_as_AutopilotGrants()->grants())
        for (const wire::AutopilotGrantInfo* g : *gs)
          grants_.push_back(Grant{str(g->tenant()), str(g->resource()), str(g->pool()),
                                  g->length_s(), g->max_unit_price(), g->budget_per_hour(),
                                  g->target()});
      fresh_grants_ = true;
      return;
    }
    case wire::Body::AdminAck: {
      const auto* a = m.body_as_AdminAck();
      if (a->instruments() == nullptr) return;
      windows_.clear();
      for (const wire::InstrumentInfo* i : *a->instruments())
        if (i->scheduled())
          windows_.push_back(ListedWindow{i->id(), str(i->resource()), str(i->pool()),
                                          i->window_start_ns(), i->window_length_ns(),
                                          i->gate_closure_ns(), i->tick()});
      fresh_windows_ = true;
      return;
    }
    case wire::Body::HostLost:
      return on_host_lost(*m.body_as_HostLost());
    case wire::Body::Error:
      spdlog::warn("autopilot: the exchange says: {}", str(m.body_as_Error()->text()));
      return;
    default:
      return;
  }
}

void Service::on_usage(const wire::UsageReport& r) {
  if (r.samples() == nullptr || r.interval_ms() == 0) return;
  ++stats_.usage_reports;
  const std::string tenant = str(r.tenant());
  const std::int64_t t_s = config_.axis.to_s(r.time_ns());
  const std::int64_t interval_s =
      std::max<std::int64_t>(1, config_.axis.span_s(std::int64_t{r.interval_ms()} * kMsNs));
  for (const wire::UsageSample* s : *r.samples()) {
    if (s->resource() == wire::UsageResource::Cpu)
      forecasts_.report(tenant, forecast::Resource::cpu, t_s, s->used() / 1000.0, interval_s,
                        r.host());
    else if (s->resource() == wire::UsageResource::Mem)
      forecasts_.report(tenant, forecast::Resource::mem, t_s, static_cast<double>(s->peak()),
                        interval_s, r.host());
  }
}

void Service::on_report(const wire::ExecutionReport& r) {
  const auto it = placed_.find(r.client_order_id());
  if (it == placed_.end()) return;
  if (r.kind() == wire::ExecKind::Filled) {
    const auto heal = healing_.find({it->second.tenant, it->second.window.start_ns});
    if (heal != healing_.end() && r.side() == wire::Side::Buy) {
      const std::int64_t ms = (common::steady_ns() - heal->second) / kMsNs;
      ++stats_.self_heals;
      stats_.self_heal_max_ms = std::max(stats_.self_heal_max_ms, ms);
      spdlog::info(
          "autopilot: self-heal: '{}' holds the window from {} ns again (host {}), {} ms "
          "after the loss was heard",
          it->second.tenant, it->second.window.start_ns, r.host(), ms);
      healing_.erase(heal);
    }
    const bool sold = r.side() == wire::Side::Sell;  // a resale ask of a downgrade
    planner_.note_fill(it->second.tenant, it->second.window, r.host(),
                       sold ? -r.last_qty() : r.last_qty(), r.last_price());
    (sold ? stats_.units_resold : stats_.units_filled) += static_cast<std::uint64_t>(r.last_qty());
  } else if (r.kind() == wire::ExecKind::Rejected) {
    ++stats_.rejected;
    spdlog::warn("autopilot: order for '{}' on instrument {} refused: {}", it->second.tenant,
                 r.instrument(), engine::to_string(protocol::to_engine(r.reject_reason())));
  }
}

void Service::on_host_lost(const wire::HostLost& h) {
  ++stats_.hosts_lost;
  const std::string tenant = str(h.tenant());
  const std::int64_t heard = common::steady_ns();
  for (const std::int64_t start : planner_.host_lost(tenant, h.host()))
    healing_[{tenant, start}] = heard;
  spdlog::warn("autopilot: host {} ('{}') lost: buying what '{}' held there again elsewhere",
               h.host(), str(h.host_name()), tenant);
}

void Service::act(std::int64_t now_ns) {
  planner_.forget_before(now_ns);
  std::erase_if(placed_, [&](const auto& p) {
    return p.second.window.start_ns + p.second.window.length_ns <= now_ns;
  });
  std::erase_if(healing_, [&](const auto& h) { return h.first.second <= now_ns; });  // started
  const Plan plan = planner_.plan(grants_, windows_, now_ns);
  for (const ForecastNotice& n : plan.notices) {
    ++stats_.decisions;
    send_notice(n);
  }
  for (const Bid& b : plan.bids) {
    place(b.tenant, b.instrument, wire::Side::Buy, b.price, b.qty, 0);
    ++stats_.bids;
    stats_.units_bid += static_cast<std::uint64_t>(b.qty);
    spdlog::info("autopilot: bid {} x {} for '{}' on instrument {}", b.qty, b.price, b.tenant,
                 b.instrument);
  }
  for (const Resale& r : plan.resales) {
    place(r.tenant, r.instrument, wire::Side::Sell, r.price, r.qty, r.host);
    ++stats_.resales;
    spdlog::info("autopilot: downgrade: {} x {} of '{}' offered back on instrument {} (host {})",
                 r.qty, r.price, r.tenant, r.instrument, r.host);
  }
}

void Service::place(const std::string& tenant, std::uint32_t instrument, wire::Side side,
                    std::int64_t price, std::int64_t qty, std::uint32_t resale_host) {
  const auto w = std::find_if(windows_.begin(), windows_.end(),
                              [&](const ListedWindow& l) { return l.instrument == instrument; });
  if (w == windows_.end()) return;  // the plan was made from windows_: it is there
  client::OrderSpec o;
  o.client_order_id = next_client_id_++;
  o.instrument = instrument;
  o.side = side;
  o.price = price;
  o.qty = qty;
  o.resale_host = resale_host;
  o.on_behalf_of = tenant;
  placed_[o.client_order_id] = Placed{tenant, *w};
  client_->new_order(o);
}

void Service::send_notice(const ForecastNotice& n) {
  auto& b = client_->writer().fbb();
  const ListedWindow& w = *n.window;
  const auto f = wire::CreateForecast(
      b, b.CreateString(n.tenant), b.CreateString(w.resource), b.CreateString(w.pool), w.start_ns,
      static_cast<std::uint32_t>(w.length_ns / 1'000'000'000), w.instrument, n.decision.p50,
      n.decision.p90, n.decision.p99, n.decision.hold, n.decision.units, n.held, n.bought, n.price);
  client_->send(client_->writer().finish(f));
}

}  // namespace swarmex::autopilot
