#include "market.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "format.hpp"

namespace swarmex::demo {
namespace {

constexpr std::int64_t kHourNs = 3'600'000'000'000;

// Prices are micro-units of currency per unit per hour. A CPU VRU (0.1 core) near 4,000 is
// 0.04 per core-hour; a 256 MiB memory shard near 1,200; a 1g.10gb MIG slice near 450,000.
Product spot(InstrumentId id, const std::string& resource, const std::string& pool, Price tick,
             Price band_min, Price band_max, Qty max_qty, std::int64_t protection_ticks,
             Price reference_price) {
  Product p;
  p.spec.id = id;
  p.spec.symbol = resource + "." + pool + ".spot";
  p.spec.resource = resource;
  p.spec.pool = pool;
  p.spec.window = engine::Window{true, 0, kHourNs};
  p.spec.tick = tick;
  p.spec.lot = 1;
  p.spec.min_qty = 1;
  p.spec.max_qty = max_qty;
  p.spec.band_min = band_min;
  p.spec.band_max = band_max;
  p.spec.market_protection_ticks = protection_ticks;
  p.reference_price = reference_price;
  return p;
}

}  // namespace

Market::Market(std::uint32_t tenants) {
  products_ = {
      spot(kCpuPoolA, "cpu", "pool-a", 10, 100, 100'000, 10'000, 50, 4'000),
      spot(kMemPoolA, "mem", "pool-a", 5, 5, 50'000, 100'000, 40, 1'200),
      spot(kCpuPoolB, "cpu", "pool-b", 10, 100, 100'000, 10'000, 50, 3'700),
      spot(kMigPoolA, "mig.1g.10gb", "pool-a", 1'000, 10'000, 5'000'000, 7, 20, 450'000),
  };
  hosts_ = {{101, 1, "host-a1", "pool-a"}, {102, 2, "host-b1", "pool-b"}};
  for (std::uint32_t i = 0; i < tenants; ++i)
    tenants_.push_back(Tenant{201 + i, fmt::format("tenant-{}", i + 1)});
}

const Product& Market::product(InstrumentId id) const {
  for (const Product& p : products_)
    if (p.spec.id == id) return p;
  throw std::out_of_range("unknown instrument");
}

std::vector<InstrumentId> Market::instruments_of(const Host& h) const {
  std::vector<InstrumentId> ids;
  for (const Product& p : products_)
    if (p.spec.pool == h.pool) ids.push_back(p.spec.id);
  return ids;
}

std::string Market::owner_name(OwnerId owner) const {
  if (owner == kOperator) return "operator";
  for (const Host& h : hosts_)
    if (h.owner == owner) return h.name;
  for (const Tenant& t : tenants_)
    if (t.owner == owner) return t.name;
  return fmt::format("owner-{}", owner);
}

std::string Market::host_name(HostId host) const {
  for (const Host& h : hosts_)
    if (h.host_id == host) return h.name;
  return host == 0 ? "-" : fmt::format("host#{}", host);
}

std::string Market::symbol(InstrumentId id) const {
  for (const Product& p : products_)
    if (p.spec.id == id) return p.spec.symbol;
  return id == engine::kAllInstruments ? "all instruments" : fmt::format("instrument#{}", id);
}

bool Market::is_tenant(OwnerId owner) const noexcept {
  for (const Tenant& t : tenants_)
    if (t.owner == owner) return true;
  return false;
}

std::string describe_qty(const InstrumentSpec& spec, Qty qty) {
  if (spec.resource == "cpu")  // 1 VRU = 0.1 core
    return fmt::format("{} VRU ({}.{} cores)", grouped(qty), grouped(qty / 10), qty % 10);
  if (spec.resource == "mem") {  // 1 shard = 256 MiB = 0.25 GiB
    static constexpr const char* kQuarters[] = {"", ".25", ".5", ".75"};
    return fmt::format("{} shards ({}{} GiB)", grouped(qty), grouped(qty / 4), kQuarters[qty % 4]);
  }
  return fmt::format("{} x {}", grouped(qty), spec.resource);
}

}  // namespace swarmex::demo
