#include "usage_board.hpp"

#include <algorithm>
#include <map>

namespace swarmex::gateway {

UsageBoard::UsageBoard(std::size_t history_samples, std::size_t max_tenants)
    : history_samples_(std::max<std::size_t>(history_samples, 1)),
      max_tenants_(std::max<std::size_t>(max_tenants, 1)) {}

void UsageBoard::record(engine::OwnerId tenant, const UsageRecord& r) {
  if (r.resource >= kUsageResources) return;
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) {
    if (tenants_.size() >= max_tenants_) {  // the tenant reported least recently makes room
      auto stalest = std::min_element(tenants_.begin(), tenants_.end(), [](auto& a, auto& b) {
        return a.second.last_update < b.second.last_update;
      });
      tenants_.erase(stalest);
    }
    it = tenants_.emplace(tenant, Tenant{}).first;
  }
  auto& ring = it->second.rings[r.resource];
  ring.push_back(r);
  if (ring.size() > history_samples_) ring.pop_front();
  it->second.last_update = ++updates_;
}

void UsageBoard::append(const Tenant& t, engine::OwnerId id, std::size_t last,
                        std::vector<Entry>& out) const {
  const std::size_t first = out.size();
  for (const auto& ring : t.rings) {
    const std::size_t n = last == 0 ? ring.size() : std::min(last, ring.size());
    for (auto it = ring.end() - static_cast<std::ptrdiff_t>(n); it != ring.end(); ++it)
      out.push_back(Entry{id, &*it});
  }
  std::stable_sort(
      out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
      [](const Entry& a, const Entry& b) { return a.record->time_ns < b.record->time_ns; });
}

std::vector<UsageBoard::Entry> UsageBoard::history(engine::OwnerId tenant, std::size_t last) const {
  std::vector<Entry> out;
  if (tenant != 0) {
    if (auto it = tenants_.find(tenant); it != tenants_.end())
      append(it->second, tenant, last, out);
    return out;
  }
  // Every tenant, in id order: the same listing whichever order the map holds them in.
  std::map<engine::OwnerId, const Tenant*> sorted;
  for (const auto& [id, t] : tenants_)
    sorted.emplace(id, &t);
  for (const auto& [id, t] : sorted)
    append(*t, id, last, out);
  return out;
}

std::size_t UsageBoard::held(engine::OwnerId tenant, std::uint8_t resource) const {
  auto it = tenants_.find(tenant);
  return it == tenants_.end() || resource >= kUsageResources ? 0
                                                             : it->second.rings[resource].size();
}

}  // namespace swarmex::gateway
