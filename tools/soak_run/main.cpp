// `swarmex-soak` (tools/soak): a real swarmexd on a temporary journal, driven by swarmex-loadgen
// one interval at a time for as long as asked; after each interval it samples swarmexd's memory,
// descriptors, threads and journal on disk beside that interval's order -> ack percentiles. At the
// end it stops swarmexd with SIGTERM (timing the clean stop), starts it again on the journal the
// run produced and times it until a logon is accepted, then prints the drift after the warm-up.
// It stops everything it started and removes its directory, also on Ctrl-C.
#include <fmt/format.h>
#include <signal.h>
#include <sys/wait.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "child_process.hpp"
#include "proc_sample.hpp"
#include "soak_summary.hpp"
#include "swarmex/client/client.hpp"
#include "swarmex/common/json_text.hpp"
#include "swarmex/common/temp_dir.hpp"

namespace swarmex::soak {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

struct Options {
  double minutes = 1;
  double seconds = 0;  // when given, replaces --minutes
  double interval_s = 60;
  double rate = 50000;
  bool pipelined = false;
  int window = 16;
  int sessions = 32;
  int loadgen_threads = 1;
  std::string engine = "inline";
  std::string durability = "async";
  std::string config = SWARMEX_SOAK_CONFIG;
  std::string bin_dir;
  double restart_timeout_s = 600;
  bool json = false;
};

struct Interrupted : std::runtime_error {
  Interrupted() : std::runtime_error("interrupted") {}
};

std::atomic<bool> g_interrupted{false};
extern "C" void on_signal(int) {
  g_interrupted.store(true);
}

void check_interrupt() {
  if (g_interrupted.load()) throw Interrupted();
}

void sleep_for(std::chrono::milliseconds d) {
  const auto end = Clock::now() + d;
  while (Clock::now() < end) {
    check_interrupt();
    std::this_thread::sleep_for(std::min<Clock::duration>(end - Clock::now(), 20ms));
  }
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Each line that sets `key` (key, blanks, '=', blanks, then a number or a quoted word) sets it to
// `value` instead; the rest of the line (a comment) stays. No std::regex: GCC 12 warns inside it
// under the sanitizers.
std::string with_key(const std::string& text, const std::string& key, const std::string& value) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    const std::size_t eol = std::min(text.find('\n', at), text.size());
    std::string line = text.substr(at, eol - at);
    if (line.compare(0, key.size(), key) == 0) {
      std::size_t p = key.size();
      while (p < line.size() && line[p] == ' ')
        ++p;
      if (p < line.size() && line[p] == '=') {
        ++p;
        while (p < line.size() && line[p] == ' ')
          ++p;
        std::size_t end = p;
        if (end < line.size() && line[end] == '"') {
          end = line.find('"', end + 1);
          end = end == std::string::npos ? line.size() : end + 1;
        } else {
          while (end < line.size() && std::isdigit(static_cast<unsigned char>(line[end])))
            ++end;
        }
        if (end > p) line = key + " = " + value + line.substr(end);
      }
    }
    out += line;
    if (eol < text.size()) out += '\n';
    at = eol + 1;
  }
  return out;
}

// The base configuration with the engine set-up asked for: "inline" is one I/O thread that also
// matches (io_threads = 1, wait = "inline"); "threaded" leaves the file as it is.
std::string configure(const Options& o) {
  std::ifstream in(o.config);
  if (!in) throw std::runtime_error("cannot read " + o.config);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (o.engine == "inline") {
    text = with_key(text, "io_threads", "1");
    text = with_key(text, "wait", "\"inline\"");
  }
  return text;
}

// swarmexd on the soak's directory: its journal survives a stop, so it restarts on it.
class Server {
 public:
  Server(const Options& o, const std::string& dir)
      : o_(o), dir_(dir), process_(dir + "/swarmexd.log") {
    std::ofstream(dir + "/swarmex.toml") << configure(o);
  }
  // SIGTERM on the way out (Ctrl-C, a failure) before the directory goes.
  ~Server() { process_.stop(10000); }
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  void start(const std::string& listen) {
    process_.start({o_.bin_dir + "/swarmexd", "--config", dir_ + "/swarmex.toml", "--listen",
                    listen, "--journal-dir", journal(), "--durability", o_.durability,
                    "--log-level", "warn"});
  }
  // First start: waits for the listening line and learns the port.
  void start_first() {
    start("127.0.0.1:0");
    const std::string marker = "listening on 127.0.0.1:";
    const auto at = process_.wait_for(marker, 0, 30000);
    if (at == std::string::npos)
      throw std::runtime_error("swarmexd did not start:\n" + process_.output());
    port_ = std::stoi(process_.output().substr(at + marker.size()));
  }
  [[nodiscard]] std::string journal() const { return dir_ + "/journal"; }
  [[nodiscard]] int port() const noexcept { return port_; }
  tools::ChildProcess& process() { return process_; }

 private:
  const Options& o_;
  std::string dir_;
  tools::ChildProcess process_;
  int port_ = 0;
};

std::string principals(int sessions) {
  std::string out;
  for (int i = 1; i <= std::min(sessions, 32); ++i)
    out += fmt::format("{}load-{:02}", i > 1 ? "," : "", i);
  return out;
}

// One interval of load; returns swarmex-loadgen's JSON summary.
nlohmann::json run_interval(const Options& o, const std::string& dir, int port, double seconds,
                            int index) {
  const std::string log = fmt::format("{}/loadgen-{}.log", dir, index);
  tools::ChildProcess lg(log);
  std::vector<std::string> argv{o.bin_dir + "/swarmex-loadgen",
                                "--server",
                                fmt::format("127.0.0.1:{}", port),
                                "--sessions",
                                std::to_string(o.sessions),
                                "--principals",
                                principals(o.sessions),
                                "--hosts",
                                "host-a1",
                                "--duration",
                                fmt::format("{:.3f}", seconds),
                                "--warmup",
                                "0",
                                "--io-threads",
                                std::to_string(o.loadgen_threads),
                                "--json"};
  if (o.pipelined) {
    argv.insert(argv.end(), {"--pipelined", "--window", std::to_string(o.window)});
  } else {
    argv.insert(argv.end(), {"--rate", fmt::format("{:.0f}", o.rate)});
  }
  lg.start(argv);
  const auto deadline = Clock::now() + std::chrono::duration<double>(seconds + 120);
  while (lg.running()) {
    if (Clock::now() > deadline) throw std::runtime_error("swarmex-loadgen did not finish");
    try {
      sleep_for(20ms);
    } catch (const Interrupted&) {
      lg.kill();
      throw;
    }
  }
  const std::string out = lg.output();
  std::filesystem::remove(log);
  for (std::size_t end = out.size(); end > 0;) {
    const std::size_t nl = out.rfind('\n', end - 1);
    const std::size_t from = nl == std::string::npos ? 0 : nl + 1;
    if (out.compare(from, 1, "{") == 0) return nlohmann::json::parse(out.substr(from, end - from));
    if (from == 0) break;
    end = from - 1;
  }
  throw std::runtime_error("swarmex-loadgen printed no summary:\n" + out);
}

Sample sample_of(Server& server, double t_s) {
  const ProcStatus p = read_proc(server.process().pid());
  Sample s;
  s.t_s = t_s;
  s.rss_kib = p.rss_kib;
  s.fds = p.fds;
  s.threads = p.threads;
  s.journal_bytes = dir_bytes(server.journal());
  return s;
}

void emit(const Options& o, const std::string& text, const std::string& json) {
  fmt::print("{}\n", o.json ? json : text);
  std::fflush(stdout);
}

// Stops swarmexd with SIGTERM and times it; then starts it on the same journal and times it to
// the first accepted logon.
Restart restart(const Options& o, Server& server) {
  Restart r;
  const auto t0 = Clock::now();
  server.process().stop(static_cast<int>(o.restart_timeout_s * 1000));
  r.stop_s = seconds_since(t0);
  const int status = server.process().exit_status();
  r.clean_stop = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  r.journal_bytes = dir_bytes(server.journal());
  const auto t1 = Clock::now();
  server.start(fmt::format("127.0.0.1:{}", server.port()));
  const auto deadline = t1 + std::chrono::duration<double>(o.restart_timeout_s);
  while (Clock::now() < deadline && server.process().running()) {
    check_interrupt();
    try {
      client::Client c;
      c.connect("127.0.0.1", static_cast<std::uint16_t>(server.port()), 1s);
      if (c.logon("load-01", "load-01-token", wire::Role::Tenant, 0, false, 5s).ok()) {
        r.restart_s = seconds_since(t1);
        r.restarted = true;
        break;
      }
    } catch (const std::exception&) {
      // not listening yet, or still recovering
    }
    std::this_thread::sleep_for(5ms);
  }
  server.process().stop(static_cast<int>(o.restart_timeout_s * 1000));
  return r;
}

std::string start_json(const Options& o, Server& server, double total_s) {
  const common::Json j{{"type", "start"},
                       {"pid", server.process().pid()},
                       {"engine", o.engine},
                       {"durability", o.durability},
                       {"pipelined", o.pipelined},
                       {"rate", o.pipelined ? 0.0 : o.rate},
                       {"sessions", o.sessions},
                       {"duration_s", total_s},
                       {"interval_s", std::min(o.interval_s, total_s)}};
  return common::json_text(j);
}

int run(const Options& o) {
  common::TempDir dir("swarmex-soak");
  Server server(o, dir.str());
  server.start_first();
  const double total_s = o.seconds > 0 ? o.seconds : o.minutes * 60;
  emit(o,
       fmt::format("soak: swarmexd pid {} on 127.0.0.1:{}, engine {}, durability {}, {}, {} "
                   "sessions, {:.0f} s in intervals of {:.0f} s",
                   server.process().pid(), server.port(), o.engine, o.durability,
                   o.pipelined ? fmt::format("pipelined (window {})", o.window)
                               : fmt::format("{:.0f} requests/s", o.rate),
                   o.sessions, total_s, std::min(o.interval_s, total_s)),
       start_json(o, server, total_s));
  std::vector<Sample> samples{sample_of(server, 0)};
  emit(o, format_sample(samples[0]), format_sample_json(samples[0]));
  const auto t0 = Clock::now();
  double loaded_s = 0;  // seconds of load asked for so far
  for (int i = 1; loaded_s < total_s - 1e-6; ++i) {
    const double seconds = std::min(o.interval_s, total_s - loaded_s);
    const nlohmann::json lg = run_interval(o, dir.str(), server.port(), seconds, i);
    loaded_s += seconds;
    // Sessions closed: let swarmexd take them down before looking at its descriptors.
    sleep_for(200ms);
    if (!server.process().running())
      throw std::runtime_error("swarmexd exited during the load:\n" + server.process().output());
    Sample s = sample_of(server, seconds_since(t0));
    const Sample& prev = samples.back();
    const auto orders = lg.at("orders").get<std::uint64_t>();
    const auto requests = orders + lg.at("cancels").get<std::uint64_t>();
    s.orders = prev.orders + orders;
    s.requests = prev.requests + requests;
    s.interval_orders = orders;
    s.interval_s = seconds;
    s.achieved_rate = lg.at("achieved_rate").get<double>();
    const auto& ack = lg.at("ack");
    if (ack.at("count").get<std::uint64_t>() > 0) {
      s.p50_us = ack.at("p50_us").get<double>();
      s.p99_us = ack.at("p99_us").get<double>();
      s.p999_us = ack.at("p999_us").get<double>();
    }
    s.unanswered = lg.at("unanswered").get<std::uint64_t>();
    s.errors = lg.at("errors").get<std::uint64_t>();
    samples.push_back(s);
    emit(o, format_sample(s), format_sample_json(s));
  }
  const Restart r = restart(o, server);
  const Summary summary = summarize(samples);
  emit(o, format_summary(summary, samples, r), format_summary_json(summary, samples, r));
  return r.restarted && r.clean_stop ? 0 : 1;
}

}  // namespace
}  // namespace swarmex::soak

int main(int argc, char** argv) {
  swarmex::soak::Options o;
  CLI::App app{
      "swarmex-soak: swarmexd under load for a long time; memory, descriptors, latency "
      "and restart time"};
  app.add_option("--minutes", o.minutes, "how long to load swarmexd (fractions allowed)")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 24.0 * 60));
  app.add_option("--seconds", o.seconds, "how long, in seconds (instead of --minutes)")
      ->check(CLI::Range(1.0, 86400.0));
  app.add_option("--interval", o.interval_s, "seconds between samples (one loadgen run each)")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 3600.0));
  auto* rate = app.add_option("--rate", o.rate, "requests per second offered, open loop")
                   ->capture_default_str()
                   ->check(CLI::Range(1.0, 1e7));
  app.add_flag("--pipelined", o.pipelined, "send as fast as answers come instead of --rate")
      ->excludes(rate);
  app.add_option("--window", o.window, "pipelined: requests outstanding per session")
      ->capture_default_str();
  app.add_option("--sessions", o.sessions, "tenant sessions (principals load-01..load-32)")
      ->capture_default_str()
      ->check(CLI::Range(1, 32));
  app.add_option("--loadgen-threads", o.loadgen_threads, "swarmex-loadgen's I/O threads")
      ->capture_default_str()
      ->check(CLI::Range(1, 8));
  app.add_option("--engine", o.engine,
                 "inline (one I/O thread matches) or threaded (the configuration as it is)")
      ->capture_default_str()
      ->check(CLI::IsMember({"inline", "threaded"}));
  app.add_option("--durability", o.durability, "journal durability")
      ->capture_default_str()
      ->check(CLI::IsMember({"none", "async", "sync"}));
  app.add_option("--config", o.config, "base swarmexd configuration (principals load-01..32)")
      ->capture_default_str();
  app.add_option("--bin-dir", o.bin_dir, "where swarmexd and swarmex-loadgen are")
      ->capture_default_str();
  app.add_option("--restart-timeout", o.restart_timeout_s,
                 "seconds allowed for the stop and for the restart")
      ->capture_default_str();
  app.add_flag("--json", o.json, "print JSON lines (start, one sample per interval, summary)");
  CLI11_PARSE(app, argc, argv);
  if (o.bin_dir.empty()) o.bin_dir = std::filesystem::absolute(argv[0]).parent_path().string();

  struct sigaction sa {};
  sa.sa_handler = swarmex::soak::on_signal;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
  try {
    return swarmex::soak::run(o);
  } catch (const swarmex::soak::Interrupted&) {
    fmt::print(stderr, "swarmex-soak: interrupted; everything it started is stopped and removed\n");
    return 130;
  } catch (const std::exception& e) {
    fmt::print(stderr, "swarmex-soak: {}\n", e.what());
    return 1;
  }
}
