// Number formatting for the report, without locales (fmt's "L" would depend on the environment).
#pragma once

#include <cstdint>
#include <string>

namespace swarmex::demo {

// 1234567 -> "1,234,567".
std::string grouped(std::int64_t value);

// Micro-units as currency units: 64000 -> "0.064000".
std::string currency(std::int64_t micro);

}  // namespace swarmex::demo
