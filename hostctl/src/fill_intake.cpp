#include "swarmex/hostctl/fill_intake.hpp"

#include "swarmex/engine/calendar.hpp"

namespace swarmex::hostctl {

bool is_mig(std::string_view resource) noexcept {
  return resource.rfind("mig.", 0) == 0;
}

const SupplyLine* supply_line_of(const std::vector<SupplyLine>& supply, std::uint32_t instrument,
                                 const std::string& resource) {
  const SupplyLine* best = nullptr;
  for (const SupplyLine& line : supply) {
    if (line.instrument != 0 && line.instrument == instrument) return &line;
    // A product owns consecutive books from its id: the nearest product line below the book.
    if (line.product != 0 && line.product <= instrument &&
        instrument - line.product < engine::kMaxProductBooks && line.resource == resource &&
        (best == nullptr || line.product > best->product))
      best = &line;
  }
  return best;
}

Intake read_fill(const wire::Fill& f, const std::vector<SupplyLine>& supply) {
  Intake in;
  Allocation& a = in.allocation;
  a.stream_seq = f.stream_seq();
  a.key = FillKey{f.instrument(), f.engine_seq(), f.buy_order_id(), f.sell_order_id()};
  a.tenant = f.tenant_name() ? f.tenant_name()->str() : std::string();
  a.tenant_id = f.tenant();
  a.resource = f.resource() ? f.resource()->str() : std::string();
  a.qty = f.qty();
  a.price = f.price();
  a.start_ns = f.lease_start_ns();
  a.end_ns = f.lease_end_ns();
  if (const SupplyLine* line = supply_line_of(supply, f.instrument(), a.resource)) {
    a.device = line->device;
    a.pinned = line->pinned;
  }
  in.seller = f.seller_name() ? f.seller_name()->str() : std::string();
  // The instance the exchange placed (a mig fill of the host's own ask is one instance); a
  // resale names none: it moves the seller's placements (AllocationBook::move).
  if (f.gpu() >= 0 && f.start_slice() >= 0) {
    const MigInstanceRecord at{static_cast<std::uint32_t>(f.gpu()), kNoGpuInstance,
                               static_cast<std::uint32_t>(f.start_slice())};
    a.mig.push_back(at);
    a.key.instance = 1 + at.gpu * 8 + at.start;
  }
  return in;
}

Admission admit(AllocationBook& book, const HostCapacity& capacity, Intake in) {
  Admission out;
  Allocation& a = in.allocation;
  if (book.contains(a.stream_seq, a.key)) return out;
  auto refuse = [&](std::string why) {
    a.state = AllocationState::Refused;
    a.why = std::move(why);
  };
  const bool resale = !in.seller.empty();
  if (a.state == AllocationState::Pending) {
    const std::int64_t cap = capacity_of(capacity, a.resource, a.device);
    // A resale moves what the seller holds: the host's total over the window stays the same.
    const std::int64_t moved = resale ? a.qty : 0;
    const std::int64_t held =
        resale ? book.held(in.seller, a.resource, a.device, a.start_ns, a.end_ns) : 0;
    if (a.end_ns <= a.start_ns) {
      refuse("the fill names no lease window");
    } else if (a.resource == "io" && a.device.empty()) {
      refuse("io fill on an instrument without a supply line naming its device");
    } else if (!is_mig(a.resource) && a.resource != "cpu" && a.resource != "mem" &&
               a.resource != "io") {
      refuse("unknown resource '" + a.resource + "'");
    } else if (is_mig(a.resource) && !resale && static_cast<std::int64_t>(a.mig.size()) != a.qty) {
      // The host never places an instance itself: the exchange's GPU group decides where.
      refuse("the fill names no MIG placement for its " + std::to_string(a.qty) + " " + a.resource +
             " (does the host declare its GPUs as supply?)");
    } else if (resale && (a.qty <= 0 || held < a.qty)) {
      out.short_holding = true;
      refuse("resale: '" + in.seller + "' holds " + std::to_string(held) + " " + a.resource +
             " in this lease here, the fill moves " + std::to_string(a.qty));
    } else if (!is_mig(a.resource) &&
               // All that is committed bounds the peak of any window: under capacity in all,
               // the exact peak over the lease is not needed.
               book.committed(a.resource, a.device) - moved + a.qty > cap &&
               book.peak(a.resource, a.device, a.start_ns, a.end_ns) - moved + a.qty > cap) {
      refuse("over this host's capacity of " + std::to_string(cap) + " " + a.resource);
    }
  }
  if (resale && a.state == AllocationState::Pending)
    book.move(in.seller, std::move(a), &out.reduced);  // holdings checked above: it moves
  else
    book.add(std::move(a));
  return out;
}

}  // namespace swarmex::hostctl
