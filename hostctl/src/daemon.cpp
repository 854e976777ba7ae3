#include "swarmex/hostctl/daemon.hpp"

#include <spdlog/spdlog.h>
#include <time.h>

#include <algorithm>
#include <limits>
#include <thread>

#include "swarmex/hostctl/fill_intake.hpp"
#include "swarmex/hostctl/nvml_mig_backend.hpp"
#include "swarmex/hostctl/simulated_mig_backend.hpp"

namespace swarmex::hostctl {

using Clock = std::chrono::steady_clock;
// The state is saved after this long without a message, and at least this often.
constexpr std::chrono::milliseconds kQuiet{1};
constexpr std::chrono::seconds kSaveAtLeastEvery{1};
constexpr std::uint64_t kRememberEndedFills = 100'000;

namespace {

// A forced driver means a dry-run directory: there, writes create the files the kernel would.
std::unique_ptr<CgroupWriter> dry_run_aware(std::unique_ptr<CgroupWriter> w,
                                            const std::string& driver) {
  w->set_create_files(driver != "auto");
  return w;
}

std::int64_t wall_ns() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);  // the exchange stamps leases with the same clock
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t percentile(std::vector<std::int64_t> v, double p) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  std::nth_element(v.begin(), v.begin() + static_cast<long>(k), v.end());
  return v[k];
}

std::unique_ptr<MigBackend> open_mig(const HostConfig& c) {
  if (c.gpu_backend == "simulated") return std::make_unique<SimulatedMigBackend>(c.simulated_gpus);
  if (c.gpu_backend != "nvml") return nullptr;
  std::string why;
  auto nvml = NvmlMigBackend::open(&why);
  if (!nvml) throw std::runtime_error("gpu.backend = nvml: " + why);
  return nvml;
}

}  // namespace

Daemon::Daemon(HostConfig config)
    : config_(std::move(config)),
      capacity_(discover_capacity(config_)),
      state_(load_host_state(config_.state_dir)),
      enactor_(std::make_unique<Enactor>(
          make_layout(config_.cgroup_root, config_.cgroup_driver, config_.subtree),
          dry_run_aware(make_cgroup_writer(RetryPolicy{}, config_.use_uring),
                        config_.cgroup_driver))),
      mig_(open_mig(config_)),
      supply_(config_.supply) {
  // Client order ids only grow, across restarts too (the exchange refuses a reused one).
  state_.next_client_order_id = std::max<std::uint64_t>(
      state_.next_client_order_id, static_cast<std::uint64_t>(wall_ns() / 1000));
  spdlog::info("hostctl {}: pool {}, cpus {} ({} VRU), {} memory shards, cgroup {} at {} ({})",
               config_.principal, config_.pool, format_cpu_list(capacity_.cpus), capacity_.vrus,
               capacity_.mem_shards, enactor_->layout().version == CgroupVersion::V2 ? "v2" : "v1",
               enactor_->layout().root.string(), enactor_->writer_name());
  // Reconcile: windows that passed while we were down end now; MIG instances (they do not
  // survive a reboot) are recreated for what is active; the subtree is made to match.
  const std::int64_t now = wall_ns();
  state_.book.advance(now, nullptr);
  for (const auto& entry : state_.book.all()) {
    Allocation& a = *state_.book.find(entry.first);  // the book hands out const views only
    if (!is_mig(a.resource) || !mig_) continue;
    if (a.state == AllocationState::Active) {
      bool present = true;
      for (const MigSlot& slot : a.mig) {
        auto inst = mig_->instances(slot.gpu);
        present =
            present && inst.ok() &&
            std::any_of(inst.value().begin(), inst.value().end(), [&](const MigInstance& i) {
              return i.gpu_instance_id == slot.gpu_instance_id && i.placement.start == slot.start;
            });
      }
      if (!present) {
        a.mig.clear();
        enact_mig(a, true);
      }
    } else if (!a.mig.empty()) {
      enact_mig(a, false);
    }
  }
  std::map<std::string, TenantLimits> keep;
  for (const std::string& t : state_.book.active_tenants())
    keep[t] = state_.book.limits_of(t);
  std::vector<std::string> removed;
  for (const TenantOutcome& o : enactor_->reconcile(keep, &removed))
    if (!o.ok) spdlog::error("reconcile {}: {}", o.tenant, o.why);
  for (const std::string& t : removed)
    spdlog::info("reconcile: removed cgroup of '{}' (no allocation here)", t);
  save_host_state(config_.state_dir, state_);
  saver_ = std::make_unique<StateSaver>(config_.state_dir);
  spdlog::info("state: last fill {} , {} tenants active", state_.last_seq, keep.size());
}

Daemon::~Daemon() = default;

std::string Daemon::latency_summary() const {
  const auto& v = stats_.latency_ns;
  const auto& m = stats_.match_latency_ns;
  const std::int64_t max = v.empty() ? 0 : *std::max_element(v.begin(), v.end());
  return fmt::format(
      "{} enacted, fill->enforced p50 {} us, p99 {} us, max {} us; match->enforced p50 {} us, "
      "p99 {} us; {} state saves",
      v.size(), percentile(v, 0.50) / 1000, percentile(v, 0.99) / 1000, max / 1000,
      percentile(m, 0.50) / 1000, percentile(m, 0.99) / 1000, stats_.saves);
}

void Daemon::declare_supply() {
  std::set<std::string> declared;
  for (const SupplyLine& line : config_.supply) {
    const std::string group = is_mig(line.resource) ? "mig" : line.resource;
    if (!declared.insert(group).second) continue;
    std::int64_t capacity = 0;
    if (group == "mig") {
      if (mig_)
        if (auto gpus = mig_->gpus(); gpus.ok())
          for (const GpuInfo& g : gpus.value())
            capacity += g.mig_enabled ? 1 : 0;
    } else if (group == "io") {
      // The exchange's group is per resource, bandwidth is per device: it gets the sum, and the
      // controller still checks each device at the fill.
      for (const IoCapacity& d : capacity_.io)
        capacity += d.units;
    } else {
      capacity = capacity_of(capacity_, line.resource, line.device);
    }
    client_.declare_supply(line.instrument, capacity);
    spdlog::info("supply group {}: capacity {} declared (instrument {})", group, capacity,
                 line.instrument);
  }
}

bool Daemon::connect_and_logon() {
  try {
    client_.close();
    client_.connect(client::parse_endpoint(config_.address), std::chrono::seconds(2));
    const auto r = client_.logon(config_.principal, config_.token, wire::Role::Host, 0, true);
    if (!r.ok()) {
      spdlog::error("logon as '{}' refused: {} {}", config_.principal, engine::to_string(r.reason),
                    r.text);
      client_.close();
      return false;
    }
    host_id_ = r.host_id;
    supply_.reset();
    client_.mass_cancel();  // nothing of an earlier session keeps resting
    client_.subscribe_fills(host_id_, state_.last_seq);
    declare_supply();
    last_sent_ = Clock::now();
    connected_ = true;
    spdlog::info("logged on to {} as host {} (id {}), fills after {}", config_.address,
                 config_.principal, host_id_, state_.last_seq);
    return true;
  } catch (const std::exception& e) {
    spdlog::warn("exchange {}: {}", config_.address, e.what());
    client_.close();
    return false;
  }
}

int Daemon::run(const std::atomic<bool>& stop) {
  std::chrono::milliseconds backoff(config_.reconnect_ms);
  std::vector<Received> burst;
  while (!stop.load()) {
    if (!connected_) {
      if (!connect_and_logon()) {
        for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stop.load();
             waited += std::chrono::milliseconds(20))
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        backoff = std::min(backoff * 2, std::chrono::milliseconds(10'000));
        enact({});  // windows keep ending while the exchange is away
        continue;
      }
      backoff = std::chrono::milliseconds(config_.reconnect_ms);
    }
    try {
      const std::int64_t until_deadline = state_.book.next_deadline_ns() - wall_ns();
      const auto timeout =
          std::chrono::nanoseconds(std::clamp<std::int64_t>(until_deadline, 0, 200'000'000));
      burst.clear();
      // One slice: what has arrived, up to enact_slice_fills fills, then one cgroup batch, so
      // the first fill of a long burst does not wait for the last. The state is saved at the
      // first quiet millisecond (or at least every second in an endless stream), not between
      // the slices of a burst: saving is off the fill->enforced path, and a fill enacted but not
      // yet saved is only redelivered and written again with the same absolute limits.
      const auto slice = static_cast<std::size_t>(config_.enact_slice_fills);
      const wire::Message* m =
          client_.receive(unsaved_ ? std::min<std::chrono::nanoseconds>(timeout, kQuiet) : timeout);
      if (m == nullptr) save_state();
      for (; m != nullptr; m = client_.try_receive()) {
        handle(*m, burst);
        if (burst.size() >= slice) break;
      }
      enact(burst, Clock::now() - last_saved_ > kSaveAtLeastEvery);
      update_supply();
      if (Clock::now() - last_sent_ > std::chrono::milliseconds(config_.heartbeat_ms)) {
        client_.heartbeat();
        last_sent_ = Clock::now();
      }
    } catch (const client::ClientError& e) {
      spdlog::warn("exchange connection lost: {}; reconnecting", e.what());
      connected_ = false;
      client_.close();
      if (!burst.empty()) enact(burst);  // fills already taken are saved and enacted anyway
    }
  }
  save_state();
  saver_->flush();
  spdlog::info(
      "stopping: {} fills, {} duplicates skipped, {} enforced, {} failed, {} reclaimed; {}",
      stats_.fills, stats_.duplicates, stats_.enforced, stats_.failed, stats_.reclaimed,
      latency_summary());
  client_.close();
  return 0;
}

void Daemon::handle(const wire::Message& m, std::vector<Received>& burst) {
  switch (m.body_type()) {
    case wire::Body::Fill:
      take_fill(*m.body_as_Fill(), burst);
      break;
    case wire::Body::ExecutionReport:
      supply_.on_report(*m.body_as_ExecutionReport());
      if (const auto* r = m.body_as_ExecutionReport(); r->kind() == wire::ExecKind::Rejected)
        spdlog::warn("ask {} on instrument {} refused: {}", r->client_order_id(), r->instrument(),
                     engine::to_string(protocol::to_engine(r->reject_reason())));
      break;
    case wire::Body::InterruptionNotice: {
      // The exchange's warning that a lease ends soon; reclaiming happens at the end itself.
      const auto* n = m.body_as_InterruptionNotice();
      spdlog::info("notice: tenant {}'s {} units on instrument {} end at {} ns", n->tenant(),
                   n->qty(), n->instrument(), n->lease_end_ns());
      break;
    }
    case wire::Body::Error: {
      const auto* e = m.body_as_Error();
      spdlog::error("exchange says: {} {}", engine::to_string(protocol::to_engine(e->reason())),
                    e->text() ? e->text()->str() : "");
      break;
    }
    default:
      break;
  }
}

void Daemon::take_fill(const wire::Fill& f, std::vector<Received>& burst) {
  if (f.stream_seq() <= state_.last_seq) {
    ++stats_.duplicates;
    return;
  }
  if (f.stream_seq() != state_.last_seq + 1)
    spdlog::error("fill stream jumped from {} to {}: fills in between were not delivered",
                  state_.last_seq, f.stream_seq());
  state_.last_seq = f.stream_seq();
  Intake in = read_fill(f, config_.supply);
  // A resale trades a tenant's ask, not one of the host's: the host sold nothing more.
  if (in.seller.empty()) supply_.on_fill(f.sell_order_id(), f.qty());
  Allocation& a = in.allocation;
  if (state_.book.contains(a.stream_seq, a.key)) {
    ++stats_.duplicates;
    return;
  }
  try {
    (void)tenant_dir(enactor_->layout(), "cpu", a.tenant);
  } catch (const std::exception& e) {
    a.state = AllocationState::Refused;
    a.why = std::string("tenant: ") + e.what();
  }
  const std::string seller = in.seller;
  const Admission admitted = admit(state_.book, capacity_, std::move(in));
  const Allocation& booked = *state_.book.find(f.stream_seq());
  if (admitted.short_holding)
    spdlog::error("resale fill {}: {}; the exchange should not have matched it", booked.stream_seq,
                  booked.why);
  for (std::uint64_t seq : admitted.reduced)
    shrink_mig(*state_.book.find(seq));
  if (!seller.empty() && booked.state != AllocationState::Refused)
    spdlog::info("resale fill {}: '{}' -> '{}' {} {}{}{} over lease [{}, {}) ns", booked.stream_seq,
                 seller, booked.tenant, booked.qty, booked.resource,
                 booked.device.empty() ? "" : " ", booked.device, booked.start_ns, booked.end_ns);
  ++stats_.fills;
  burst.push_back(Received{f.stream_seq(), Clock::now(), f.time_ns()});
}

void Daemon::enact(const std::vector<Received>& burst, bool save) {
  std::vector<std::uint64_t> started, ended;
  const auto due_at = Clock::now();
  const std::set<std::string> changed = state_.book.advance(wall_ns(), &started, &ended);
  stats_.reclaimed += ended.size();
  for (std::uint64_t seq : started) {
    Allocation& a = *state_.book.find(seq);
    if (a.pinned) assign_cpus(a);
    if (is_mig(a.resource)) enact_mig(a, true);
  }
  std::map<std::string, TenantLimits> enforce;
  std::vector<std::string> remove;
  const std::set<std::string> active = state_.book.active_tenants();
  for (const std::string& t : changed) {
    if (active.count(t))
      enforce[t] = state_.book.limits_of(t);
    else
      remove.push_back(t);
  }
  std::map<std::string, TenantOutcome> outcome;
  if (!enforce.empty())
    for (TenantOutcome& o : enactor_->enforce(enforce))
      outcome[o.tenant] = std::move(o);
  for (const std::string& t : remove) {
    const TenantOutcome o = enactor_->remove(t);
    if (!o.ok) spdlog::error("reclaiming '{}': {}", t, o.why);
    spdlog::info("tenant '{}' holds nothing more here: workload stopped, cgroup removed", t);
  }
  // Allocations that just ended give back their MIG instances (an ended allocation always
  // changed its tenant, so `changed` covers the save below).
  for (std::uint64_t seq : ended)
    if (Allocation& a = *state_.book.find(seq); !a.mig.empty()) enact_mig(a, false);
  const bool touched = !started.empty() || !changed.empty();

  // The burst is in stream order (take_fill only takes the next sequences).
  auto received = [&](std::uint64_t seq) -> const Received* {
    const auto it =
        std::lower_bound(burst.begin(), burst.end(), seq,
                         [](const Received& r, std::uint64_t s) { return r.stream_seq < s; });
    return it != burst.end() && it->stream_seq == seq ? &*it : nullptr;  // null: a window that
                                                                         // started now
  };
  // Steady-clock instants to wall clock, for the match->enforced figure.
  const std::int64_t wall_minus_steady =
      wall_ns() -
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
  if (connected_) client_.set_batching(true);  // the slice's reports leave in one write
  for (const Received& r : burst) {
    const Allocation* a = state_.book.find(r.stream_seq);
    if (a != nullptr && a->state == AllocationState::Refused) {
      ++stats_.failed;
      spdlog::warn("fill {} refused: {}", r.stream_seq, a->why);
      send_report(r.stream_seq, false, a->why, 0);
    }
  }
  for (std::uint64_t seq : started) {
    const Allocation& a = *state_.book.find(seq);
    const auto it = outcome.find(a.tenant);
    bool ok = it == outcome.end() || it->second.ok;
    std::string why = it == outcome.end() ? std::string() : it->second.why;
    if (!a.why.empty()) {  // a MIG or cpuset step failed
      ok = false;
      why = a.why;
    }
    const auto done = it == outcome.end() ? Clock::now() : it->second.done_at;
    const Received* r = received(seq);
    const std::int64_t latency =
        std::chrono::duration_cast<std::chrono::nanoseconds>(done - (r ? r->at : due_at)).count();
    ok ? ++stats_.enforced : ++stats_.failed;
    if (ok) stats_.latency_ns.push_back(latency);
    if (ok && r != nullptr)
      stats_.match_latency_ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(done.time_since_epoch()).count() +
          wall_minus_steady - r->match_ns);
    if (!ok) spdlog::warn("fill {} for '{}' not enforced: {}", seq, a.tenant, why);
    send_report(seq, ok, why, latency);
  }
  if (connected_) {
    client_.set_batching(false);
    try {
      client_.flush();
    } catch (const client::ClientError& e) {
      spdlog::warn("enactment reports: {}", e.what());
      connected_ = false;
    }
  }
  unsaved_ = unsaved_ || !burst.empty() || touched;
  if (save) save_state();
}

// Saved after enforcing, off the fill->enforced path (the file is written on the saver's
// thread). Limits are absolute (what the saved allocations add up to), so a crash before the
// state is on disk only means the exchange redelivers these fills from the last saved sequence
// and the same limits are written again: each fill still counts once.
void Daemon::save_state() {
  if (!unsaved_) return;
  // Ended and refused allocations only serve to recognise a fill delivered again; far enough
  // behind the saved sequence none will be, and the state would otherwise grow without end.
  if (state_.last_seq > kRememberEndedFills)
    state_.book.forget_before(state_.last_seq - kRememberEndedFills);
  saver_->save(format_host_state(state_));
  unsaved_ = false;
  last_saved_ = Clock::now();
  ++stats_.saves;
}

void Daemon::assign_cpus(Allocation& a) {
  const std::set<int> taken = state_.book.pinned_cpus();
  const std::int64_t need = (a.qty + kVrusPerCpu - 1) / kVrusPerCpu;  // whole CPUs
  a.cpus.clear();
  for (int c : capacity_.cpus)
    if (static_cast<std::int64_t>(a.cpus.size()) < need && !taken.count(c)) a.cpus.push_back(c);
  if (static_cast<std::int64_t>(a.cpus.size()) < need) {
    a.cpus.clear();
    a.why = "not enough free cpus to pin " + std::to_string(need);
  }
}

void Daemon::enact_mig(Allocation& a, bool start) {
  if (!start) {
    for (const MigSlot& s : a.mig)
      if (auto r = mig_ ? mig_->destroy(s.gpu, s.gpu_instance_id) : MigResult<void>(); !r.ok())
        spdlog::error("destroying MIG instance {} on GPU {}: {}", s.gpu_instance_id, s.gpu,
                      r.error().text);
    a.mig.clear();
    return;
  }
  const std::string profile = a.resource.substr(4);
  if (!mig_) {
    a.why = "this host has no MIG backend";
    return;
  }
  auto gpus = mig_->gpus();
  for (std::int64_t unit = 0; gpus.ok() && unit < a.qty; ++unit) {
    bool placed = false;
    for (const GpuInfo& g : gpus.value()) {
      if (!g.mig_enabled || placed) continue;
      auto profiles = mig_->profiles(g.index);
      if (!profiles.ok()) continue;
      for (const MigProfileInfo& p : profiles.value()) {
        if (p.name != profile || p.free_count == 0) continue;
        for (const MigPlacement& at : p.placements) {
          auto made = mig_->create(g.index, profile, at.start);
          if (!made.ok()) continue;
          a.mig.push_back(MigSlot{g.index, made->gpu_instance_id, made->placement.start});
          placed = true;
          break;
        }
      }
    }
    if (!placed) {
      enact_mig(a, false);  // all or nothing
      a.why = "no free placement for " + profile;
      return;
    }
  }
}

void Daemon::shrink_mig(Allocation& a) {
  // A resale moved part of the allocation: its instances beyond the quantity left are the
  // buyer's to create when its allocation starts.
  while (a.mig.size() > static_cast<std::size_t>(std::max<std::int64_t>(0, a.qty))) {
    const MigSlot s = a.mig.back();
    a.mig.pop_back();
    if (auto r = mig_ ? mig_->destroy(s.gpu, s.gpu_instance_id) : MigResult<void>(); !r.ok())
      spdlog::error("destroying MIG instance {} on GPU {}: {}", s.gpu_instance_id, s.gpu,
                    r.error().text);
  }
}

std::int64_t Daemon::free_capacity(const SupplyLine& line) const {
  const std::int64_t unseen = supply_.unseen(line.resource, line.device);
  if (!is_mig(line.resource))
    // Spot asks: a lease from now on may overlap anything held from now on.
    return capacity_of(capacity_, line.resource, line.device) -
           state_.book.peak(line.resource, line.device, wall_ns(),
                            std::numeric_limits<std::int64_t>::max()) -
           unseen;
  if (!mig_) return 0;
  std::int64_t free = 0;
  auto gpus = mig_->gpus();
  if (gpus.ok())
    for (const GpuInfo& g : gpus.value()) {
      if (!g.mig_enabled) continue;
      auto profiles = mig_->profiles(g.index);
      if (profiles.ok())
        for (const MigProfileInfo& p : profiles.value())
          if ("mig." + p.name == line.resource) free += p.free_count;
    }
  std::int64_t not_created = 0;  // sold, window not started: its instances are not made yet
  for (const auto& [seq, a] : state_.book.all())
    if (a.state == AllocationState::Pending && a.resource == line.resource) not_created += a.qty;
  return free - not_created - unseen;
}

void Daemon::update_supply() {
  if (!connected_) return;
  std::vector<std::int64_t> free;
  for (const SupplyLine& line : supply_.lines())
    free.push_back(free_capacity(line));
  for (const SupplyAction& act : supply_.plan(free, state_.next_client_order_id)) {
    switch (act.kind) {
      case SupplyAction::Kind::New: {
        client::OrderSpec o;
        o.client_order_id = act.client_order_id;
        o.instrument = act.instrument;
        o.side = wire::Side::Sell;
        o.price = act.price;
        o.qty = act.qty;
        client_.new_order(o);
        break;
      }
      case SupplyAction::Kind::Modify:
        client_.modify_order(act.instrument, client::OrderRef{act.client_order_id, 0}, act.price,
                             act.qty);
        break;
      case SupplyAction::Kind::Cancel:
        client_.cancel_order(act.instrument, client::OrderRef{act.client_order_id, 0});
        break;
    }
    last_sent_ = Clock::now();
  }
}

void Daemon::send_report(std::uint64_t seq, bool ok, const std::string& why,
                         std::int64_t latency_ns) {
  if (!connected_) return;  // the exchange is away; the log line is the record
  try {
    client_.enactment_report(seq, ok, why, latency_ns);
    last_sent_ = Clock::now();
  } catch (const client::ClientError& e) {
    spdlog::warn("enactment report {}: {}", seq, e.what());
    connected_ = false;
  }
}

}  // namespace swarmex::hostctl
