// What the metrics tests read with: a plain HTTP/1.0 GET over Boost.Asio, one sample out of the
// Prometheus text exposition, promtool's check of it, and a free loopback port.
#pragma once

#include <boost/asio.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "e2e_fixture.hpp"

namespace swarmex::e2e {

// The body of http://127.0.0.1:`port``path`, or "" when the server does not answer 200.
inline std::string http_get(int port, const std::string& path) {
  namespace asio = boost::asio;
  try {
    asio::io_context ctx;
    asio::ip::tcp::socket s(ctx);
    s.connect({asio::ip::make_address("127.0.0.1"), static_cast<std::uint16_t>(port)});
    const std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    asio::write(s, asio::buffer(req));
    std::string out;
    boost::system::error_code ec;
    asio::read(s, asio::dynamic_buffer(out), ec);  // HTTP/1.0: until the server closes
    const auto head_end = out.find("\r\n\r\n");
    if (out.rfind("HTTP/1.1 200", 0) != 0 && out.rfind("HTTP/1.0 200", 0) != 0) return "";
    return head_end == std::string::npos ? "" : out.substr(head_end + 4);
  } catch (const std::exception&) {
    return "";
  }
}

// The value of the series written exactly `series` (name and labels as exposed, labels in key
// order), or NaN when the exposition has no such line.
inline double sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ')
      return std::stod(line.substr(series.size() + 1));
  return std::nan("");
}

// The port a process printed after `marker` ("metrics on http://127.0.0.1:"), or 0.
inline int port_after(const std::string& output, const std::string& marker) {
  const auto at = output.find(marker);
  return at == std::string::npos ? 0 : std::atoi(output.c_str() + at + marker.size());
}

inline constexpr const char* kPromtool = "/usr/bin/promtool";
inline constexpr const char* kPrometheus = "/usr/bin/prometheus";

// promtool check metrics on `text`: its exit code and what it said.
inline CliRun promtool_check(const std::string& text, const std::filesystem::path& dir) {
  const auto file = dir / "exposition.txt";
  std::ofstream(file) << text;
  return run_command(std::string(kPromtool) + " check metrics < " + file.string());
}

// A loopback port nothing listens on now.
inline int free_port() {
  namespace asio = boost::asio;
  asio::io_context ctx;
  asio::ip::tcp::acceptor a(ctx, {asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

}  // namespace swarmex::e2e
