// The operator's side of the demo: the dashboard's address (with the demo's operator token), one
// scrape of swarmexd's /metrics with a few figures from it, and the market report computed from
// the journal by `swarmex report`, checked against the fills the tenants were told of.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "stack.hpp"
#include "tenant.hpp"

namespace swarmex::demo {

// Prints where the dashboard is, once swarmexd listens.
void print_dashboard(const Stack& stack);

// GETs /metrics and prints a few figures; false (and why) when it cannot.
bool print_metrics(const Stack& stack);

struct ReportCheck {
  bool ran = false;
  bool ok = false;
  std::string detail;
};

// Runs `swarmex report --json` on swarmexd's journal, prints per tenant spend, per host revenue
// and each pool's utilisation, and compares its totals with `fills` (every tenant's execution
// reports: a fill's buyer is always a tenant, so its buy side counts each fill once).
ReportCheck print_report(const Stack& stack,
                         const std::map<std::string, std::vector<FillRecord>>& fills);

}  // namespace swarmex::demo
