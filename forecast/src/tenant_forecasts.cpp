#include "swarmex/forecast/tenant_forecasts.hpp"

#include <stdexcept>
#include <utility>

#include "swarmex/forecast/methods.hpp"

namespace swarmex::forecast {

TenantForecasts::Series::Series(Resource resource, int64_t step_s, const MethodSpec& spec)
    : steps(resource, step_s), method(make_method(spec, resource)) {}

TenantForecasts::Tenant::Tenant(int64_t step_s, const MethodSpec& cpu_spec,
                                const MethodSpec& mem_spec)
    : cpu(Resource::cpu, step_s, cpu_spec), mem(Resource::mem, step_s, mem_spec) {}

TenantForecasts::TenantForecasts(size_t max_tenants, int64_t step_s, MethodSpec cpu, MethodSpec mem)
    : max_tenants_(max_tenants),
      step_s_(step_s),
      cpu_spec_(std::move(cpu)),
      mem_spec_(std::move(mem)) {
  if (max_tenants == 0) throw std::invalid_argument("max_tenants must be at least 1");
  make_method(cpu_spec_, Resource::cpu);  // an unknown method fails here, not at the first report
  make_method(mem_spec_, Resource::mem);
}

TenantForecasts::~TenantForecasts() = default;

TenantForecasts::Tenant& TenantForecasts::tenant(std::string_view name) {
  if (auto it = tenants_.find(name); it != tenants_.end()) return it->second;
  if (tenants_.size() >= max_tenants_) {
    auto oldest = tenants_.begin();
    for (auto it = tenants_.begin(); it != tenants_.end(); ++it) {
      if (it->second.last_report < oldest->second.last_report) oldest = it;
    }
    tenants_.erase(oldest);
  }
  return tenants_.try_emplace(std::string(name), step_s_, cpu_spec_, mem_spec_).first->second;
}

void TenantForecasts::report(std::string_view name, Resource resource, int64_t t_s, double value,
                             int64_t interval_s, uint32_t source) {
  Tenant& t = tenant(name);
  t.last_report = ++reports_;
  Series& s = t.of(resource);
  if (const auto done = s.steps.add(t_s, value, interval_s, source)) {
    s.method->observe(done->t_s, done->value);
  }
}

std::optional<Decision> TenantForecasts::decide(std::string_view name, Resource resource,
                                                const WindowQuery& query) {
  const auto it = tenants_.find(name);
  if (it == tenants_.end()) return std::nullopt;
  Series& s = it->second.of(resource);
  // A step that ended by the gate is complete, even if no later report has closed it.
  if (const auto done = s.steps.flush(query.gate_s)) s.method->observe(done->t_s, done->value);
  return s.method->decide(query);
}

}  // namespace swarmex::forecast
