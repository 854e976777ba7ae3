// Boost.Asio, for everything in Swarmex. Boost 1.74 (Debian 12) uses std::exchange in
// asio/awaitable.hpp without including <utility>, which GCC 12 does not pull in transitively.
#pragma once

#include <utility>

#include <boost/asio.hpp>
