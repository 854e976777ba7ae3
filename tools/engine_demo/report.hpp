// Human-readable output: the market, each scripted command with its outcome and what it caused,
// run totals, the top of every book and the allocations fills created.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "driver.hpp"
#include "ledger.hpp"
#include "market.hpp"
#include "scenario.hpp"
#include "swarmex/journal/assembly.hpp"

namespace swarmex::demo {

void print_market(const Market& market, journal::ExchangeAssembly& exchange);
void print_steps(const Market& market, const std::vector<Step>& steps, const Ledger& ledger);
void print_totals(const Ledger& ledger, std::size_t commands, std::size_t random_commands,
                  double rate_per_s, const RunTimes& times);
void print_books(const Market& market, journal::ExchangeAssembly& exchange, std::size_t levels);
void print_allocations(const Market& market, const Ledger& ledger, std::size_t max_rows);

}  // namespace swarmex::demo
