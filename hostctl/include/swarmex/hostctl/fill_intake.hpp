// How a fill from the exchange enters the allocation book: read from the wire, checked against the
// host's capacity and, for a resale (the resale marketplace), moved from the reselling tenant's
// allocation. Bookkeeping only, like the book: the daemon does the I/O (cgroups in its next
// enact(), MIG instances of shrunk allocations).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "swarmex/hostctl/allocation_book.hpp"
#include "swarmex/hostctl/capacity.hpp"
#include "swarmex/hostctl/host_config.hpp"
#include "swarmex/protocol/codec.hpp"

namespace swarmex::hostctl {

struct Intake {
  Allocation allocation;  // the buyer's, Pending; Refused (with why) when it cannot be enacted
  std::string seller;     // resale: the tenant whose allocation moves; empty for the host's asks
};

struct Admission {
  std::vector<std::uint64_t> reduced;  // resale: the seller's allocations it took from
  bool short_holding = false;          // resale refused: the seller holds less than it moves
};

bool is_mig(std::string_view resource) noexcept;

// The supply line a fill on `instrument` of `resource` sold from: the spot line of that
// instrument, else the product line whose books hold it (null when none). Needs no listing, so a
// fill delivered again after a restart finds its line too.
const SupplyLine* supply_line_of(const std::vector<SupplyLine>& supply, std::uint32_t instrument,
                                 const std::string& resource);

// The fill as an allocation: device and pinning from the supply line of its instrument, and the
// MIG instance where the fill placed one.
Intake read_fill(const wire::Fill& f, const std::vector<SupplyLine>& supply);

// Books the allocation, Refused with the reason when its window, resource, missing MIG placement or
// the host's capacity rules it out. A resale first moves its quantity from the seller's holding in
// the same window, so the capacity check does not count it twice; the seller holding less refuses
// it (never over-committed). A duplicate (already in the book) changes nothing.
Admission admit(AllocationBook& book, const HostCapacity& capacity, Intake in);

}  // namespace swarmex::hostctl
