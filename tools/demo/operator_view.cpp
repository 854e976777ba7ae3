#include "operator_view.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <memory>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace swarmex::demo {

namespace {

// "http://127.0.0.1:PORT" -> PORT (0 when it is not that form).
int port_of(const std::string& address) {
  const auto colon = address.rfind(':');
  return colon == std::string::npos ? 0 : std::atoi(address.c_str() + colon + 1);
}

// A plain HTTP/1.0 GET on loopback; the body, or "" on any failure.
std::string http_get(int port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return {};
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    const std::string req = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::write(fd, req.data(), req.size()) == static_cast<ssize_t>(req.size())) {
      char buf[65536];
      for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
        out.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  const auto body = out.find("\r\n\r\n");
  return body == std::string::npos ? std::string() : out.substr(body + 4);
}

// Sums the samples of `metric` (exact name, any labels) by the value of `label`.
std::map<std::string, double> by_label(const std::string& text, const std::string& metric,
                                       const std::string& label) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(metric, 0) != 0) continue;
    const char next = line.size() > metric.size() ? line[metric.size()] : '\0';
    if (next != '{' && next != ' ') continue;
    std::string key;
    const auto at = line.find(label + "=\"");
    if (at != std::string::npos) {
      const auto from = at + label.size() + 2;
      key = line.substr(from, line.find('"', from) - from);
    }
    out[key] += std::stod(line.substr(line.rfind(' ') + 1));
  }
  return out;
}

std::string join(const std::map<std::string, double>& m, const char* format) {
  std::string out;
  for (const auto& [k, v] : m)
    out += fmt::format("{}{} ", out.empty() ? "" : ", ", k.empty() ? "-" : k) +
           fmt::format(fmt::runtime(format), v);
  return out.empty() ? "none" : out;
}

}  // namespace

void print_dashboard(const Stack& stack) {
  const std::string d = stack.dashboard_address();
  if (d.empty())
    fmt::print("  dashboard  off (no dashboard_listen in the configuration)\n");
  else
    fmt::print("  dashboard  {}/?token=operator-token  (the sample configuration's operator)\n", d);
  std::fflush(stdout);
}

bool print_metrics(const Stack& stack) {
  fmt::print("\n== the operator's /metrics (one scrape) ==\n");
  const std::string address = stack.metrics_address();
  const std::string text = address.empty() ? std::string() : http_get(port_of(address), "/metrics");
  if (text.empty()) {
    fmt::print("  no metrics: {}\n",
               address.empty() ? "metrics_listen is off" : "the scrape failed");
    return false;
  }
  const auto acks = by_label(text, "swarmex_order_ack_seconds_count", "");
  const auto ack_sum = by_label(text, "swarmex_order_ack_seconds_sum", "");
  const double n = acks.empty() ? 0 : acks.begin()->second;
  fmt::print("  {}/metrics: {} lines\n", address, std::count(text.begin(), text.end(), '\n'));
  fmt::print("  orders acknowledged        {:.0f}, mean order->ack {:.0f} us\n", n,
             n > 0 && !ack_sum.empty() ? ack_sum.begin()->second / n * 1e6 : 0.0);
  fmt::print("  fills by pool              {}\n",
             join(by_label(text, "swarmex_pool_fills_total", "pool"), "{:.0f}"));
  fmt::print("  utilisation by pool now    {}\n",
             join(by_label(text, "swarmex_pool_utilisation_ratio", "pool"), "{:.2f}"));
  fmt::print("  enactment reports by host  {}\n",
             join(by_label(text, "swarmex_host_enactments_total", "host"), "{:.0f}"));
  fmt::print("  sessions by role           {}\n",
             join(by_label(text, "swarmex_sessions", "role"), "{:.0f}"));
  return true;
}

ReportCheck print_report(const Stack& stack,
                         const std::map<std::string, std::vector<FillRecord>>& fills) {
  fmt::print("\n== the market report, from the journal (swarmex report) ==\n");
  ReportCheck c;
  const std::string cmd = fmt::format(
      "'{}/swarmex' report --config '{}' --journal '{}' --step 5 "
      "--json 2>&1",
      stack.bin_dir(), stack.config_path(), stack.journal_dir());
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[65536];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;)
      out.append(buf, n);
    ::pclose(p);
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(out);
  } catch (const std::exception&) {
    c.ran = true;
    c.detail = "swarmex report failed: " + out.substr(0, 300);
    fmt::print("  {}\n", c.detail);
    return c;
  }
  c.ran = true;
  fmt::print("  spend per tenant (micro-units; a fill's value = price x qty x lease hours)\n");
  std::int64_t spend = 0;
  for (const auto& t : j["tenants"]) {
    spend += t["spend"].get<std::int64_t>();
    fmt::print("    {:<12} {:>4} fills {:>5} units  spend {:>10}\n", t["name"].get<std::string>(),
               t["fills"].get<std::int64_t>(), t["qty"].get<std::int64_t>(),
               t["spend"].get<std::int64_t>());
  }
  fmt::print("  revenue per host (a reselling tenant too)\n");
  for (const auto& h : j["hosts"])
    fmt::print("    {:<12} {:>4} fills {:>5} units  revenue {:>10}  margin over reserve {:>10}\n",
               h["name"].get<std::string>(), h["fills"].get<std::int64_t>(),
               h["qty"].get<std::int64_t>(), h["revenue"].get<std::int64_t>(),
               h["margin"].get<std::int64_t>());
  fmt::print("  utilisation (leased / declared, every 5 s of the run)\n");
  std::map<std::string, std::pair<std::int64_t, std::vector<std::int64_t>>> util;
  for (const auto& u : j["utilisation"])
    if (!u["utilisation_ppm"].is_null() &&
        u["resource"].get<std::string>().rfind("mig.", 0) != 0)  // instances over GPUs
      util[u["pool"].get<std::string>() + " " + u["resource"].get<std::string>()].second.push_back(
          u["utilisation_ppm"].get<std::int64_t>());
  for (auto& [key, v] : util) {
    std::int64_t peak = 0, sum = 0;
    for (std::int64_t p : v.second) {
      peak = std::max(peak, p);
      sum += p;
    }
    fmt::print("    {:<18} mean {:5.1f}%  peak {:5.1f}%  ({} points)\n", key,
               static_cast<double>(sum) / static_cast<double>(v.second.size()) / 1e4,
               static_cast<double>(peak) / 1e4, v.second.size());
  }
  std::int64_t told = 0, told_qty = 0;
  for (const auto& [tenant, list] : fills)
    for (const FillRecord& f : list)
      if (f.qty > 0) {
        ++told;
        told_qty += f.qty;
      }
  const auto& totals = j["totals"].is_array() ? j["totals"].at(0) : j["totals"];
  const std::int64_t rf = totals["fills"].get<std::int64_t>();
  const std::int64_t rq = totals["qty"].get<std::int64_t>();
  const std::int64_t rv = totals["value"].get<std::int64_t>();
  c.ok = rf == told && rq == told_qty && spend == rv && rf > 0;
  c.detail = fmt::format(
      "report {} fills, {} units, value {}; tenants were told of {} fills, "
      "{} units; tenants' spend adds up to {}",
      rf, rq, rv, told, told_qty, spend);
  return c;
}

}  // namespace swarmex::demo
