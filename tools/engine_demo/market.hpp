// The demo's market: its instruments, the hosts that sell and the tenants that buy, and the
// display names the report uses for owner, host and instrument ids.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "swarmex/engine/instrument.hpp"
#include "swarmex/engine/types.hpp"

namespace swarmex::demo {

using engine::HostId;
using engine::InstrumentId;
using engine::InstrumentSpec;
using engine::OwnerId;
using engine::Price;
using engine::Qty;

inline constexpr OwnerId kOperator = 1;

struct Host {
  OwnerId owner;
  HostId host_id;
  std::string name;
  std::string pool;  // every host belongs to exactly one pool
};

struct Tenant {
  OwnerId owner;
  std::string name;
};

struct Product {
  InstrumentSpec spec;
  Price reference_price;  // where the random phase centres its prices
};

class Market {
 public:
  explicit Market(std::uint32_t tenants);

  [[nodiscard]] const std::vector<Product>& products() const noexcept { return products_; }
  [[nodiscard]] const Product& product(InstrumentId id) const;
  [[nodiscard]] const std::vector<Host>& hosts() const noexcept { return hosts_; }
  [[nodiscard]] const std::vector<Tenant>& tenants() const noexcept { return tenants_; }
  [[nodiscard]] const Host& host(std::size_t i) const { return hosts_.at(i); }
  [[nodiscard]] const Tenant& tenant(std::size_t i) const { return tenants_.at(i); }
  // Instruments a host may sell: those of its own pool.
  [[nodiscard]] std::vector<InstrumentId> instruments_of(const Host& h) const;

  [[nodiscard]] std::string owner_name(OwnerId owner) const;
  [[nodiscard]] std::string host_name(HostId host) const;
  [[nodiscard]] std::string symbol(InstrumentId id) const;
  [[nodiscard]] bool is_tenant(OwnerId owner) const noexcept;

 private:
  std::vector<Product> products_;
  std::vector<Host> hosts_;
  std::vector<Tenant> tenants_;
};

// Instrument ids of the demo (the partition is its pool's: pool-a on 0, pool-b on 1).
inline constexpr InstrumentId kCpuPoolA = 1;
inline constexpr InstrumentId kMemPoolA = 2;
inline constexpr InstrumentId kCpuPoolB = 3;
inline constexpr InstrumentId kMigPoolA = 4;

// "16 VRU (1.6 cores)", "128 shards (32 GiB)", "1 x mig.1g.10gb": a quantity in its resource's
// units.
std::string describe_qty(const InstrumentSpec& spec, Qty qty);

}  // namespace swarmex::demo
