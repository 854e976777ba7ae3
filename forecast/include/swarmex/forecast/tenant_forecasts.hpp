// The forecasts of many tenants, fed with their usage reports and asked at each window's gate
// closure: what the autopilot would hold for each. Each tenant and resource has its 5-minute steps
// (step_samples.hpp) and the method chosen for the resource (methods.hpp). Bounded: past
// max_tenants, the tenant reported least recently is forgotten. No I/O; deterministic.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "swarmex/forecast/method.hpp"
#include "swarmex/forecast/methods.hpp"
#include "swarmex/forecast/step_samples.hpp"

namespace swarmex::forecast {

class TenantForecasts {
 public:
  // Each resource's method (by default the chosen one; methods.hpp); throws
  // std::invalid_argument for an unknown one.
  explicit TenantForecasts(size_t max_tenants, int64_t step_s = 300,
                           MethodSpec cpu = chosen_method(Resource::cpu),
                           MethodSpec mem = chosen_method(Resource::mem));
  ~TenantForecasts();

  // A usage report from `source` (a host): `value` cores (cpu) or bytes (mem) over the
  // interval_s ending at t_s. A tenant's hosts are added up (step_samples.hpp).
  void report(std::string_view tenant, Resource resource, int64_t t_s, double value,
              int64_t interval_s, uint32_t source = 0);
  // The decision for an upcoming window, or nothing for a tenant never reported.
  std::optional<Decision> decide(std::string_view tenant, Resource resource,
                                 const WindowQuery& query);
  size_t tenants() const { return tenants_.size(); }

 private:
  struct Series {
    StepSamples steps;
    std::unique_ptr<Method> method;
    Series(Resource resource, int64_t step_s, const MethodSpec& spec);
  };
  struct Tenant {
    Series cpu;
    Series mem;
    uint64_t last_report = 0;
    Tenant(int64_t step_s, const MethodSpec& cpu_spec, const MethodSpec& mem_spec);
    Series& of(Resource r) { return r == Resource::cpu ? cpu : mem; }
  };

  Tenant& tenant(std::string_view name);

  size_t max_tenants_;
  int64_t step_s_;
  MethodSpec cpu_spec_;
  MethodSpec mem_spec_;
  uint64_t reports_ = 0;
  std::map<std::string, Tenant, std::less<>> tenants_;  // ordered: no hash order anywhere
};

}  // namespace swarmex::forecast
