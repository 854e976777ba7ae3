// swarmex-gen-flow: writes a deterministic synthetic order flow (CSV, one command per line) for
// swarmex-flow-bench. Same seed and parameters give byte-identical output on every platform: the
// generator is std::mt19937_64 (fully specified by the standard) with our own integer mapping.
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace {

constexpr std::int64_t kMidTicks = 10'000;

// Uniform integers from mt19937_64 via Lemire's multiply-shift with rejection: unbiased, and unlike
// std::uniform_int_distribution its mapping is the same in every standard library.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}

  // Uniform in [0, n), n > 0.
  std::uint64_t below(std::uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(engine_()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(engine_()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }
  // Uniform in [lo, hi].
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }
  bool percent(std::uint64_t p) { return below(100) < p; }

 private:
  std::mt19937_64 engine_;
};

// Buffered CSV writer: to_chars into a large buffer, one fwrite per megabyte.
class FlowWriter {
 public:
  explicit FlowWriter(std::FILE* out) : out_(out) { buf_.reserve(kFlushBytes + 256); }
  ~FlowWriter() { flush(); }
  FlowWriter(const FlowWriter&) = delete;
  FlowWriter& operator=(const FlowWriter&) = delete;

  void comment(const std::string& text) {
    buf_ += "# ";
    buf_ += text;
    buf_ += '\n';
  }
  // N / I line.
  void limit(char kind, std::uint64_t order_id, std::uint32_t instrument, bool buy,
             std::int64_t price_ticks, std::int64_t qty) {
    buf_ += kind;
    field(order_id);
    field(instrument);
    buf_ += ',';
    buf_ += buy ? 'B' : 'S';
    field(price_ticks);
    field(qty);
    end_line();
  }
  void cancel(std::uint64_t order_id) {
    buf_ += 'C';
    field(order_id);
    end_line();
  }
  void flush() {
    if (!buf_.empty()) std::fwrite(buf_.data(), 1, buf_.size(), out_);
    buf_.clear();
  }

 private:
  static constexpr std::size_t kFlushBytes = 1 << 20;

  template <typename T>
  void field(T value) {
    char tmp[24];
    tmp[0] = ',';
    const auto res = std::to_chars(tmp + 1, tmp + sizeof tmp, value);
    buf_.append(tmp, res.ptr);
  }
  void end_line() {
    buf_ += '\n';
    if (buf_.size() >= kFlushBytes) flush();
  }

  std::FILE* out_;
  std::string buf_;
};

struct Params {
  std::string kind;
  std::uint64_t ops = 0;
  std::uint64_t seed = 0;
  std::uint32_t instruments = 1;
  std::uint64_t seed_orders = 20'000;  // deep: passive orders before the mixed phase
  std::string out_path;
};

// Ids of the orders the generator believes live (some may already have traded away).
class LiveOrders {
 public:
  void add(std::uint64_t id) { ids_.push_back(id); }
  [[nodiscard]] bool empty() const noexcept { return ids_.empty(); }
  // Removes and returns a uniformly chosen live id.
  std::uint64_t take(Rng& rng) {
    const std::size_t i = rng.below(ids_.size());
    const std::uint64_t id = ids_[i];
    ids_[i] = ids_.back();
    ids_.pop_back();
    return id;
  }

 private:
  std::vector<std::uint64_t> ids_;
};

class Generator {
 public:
  Generator(const Params& p, FlowWriter& w) : p_(p), w_(w), rng_(p.seed) {}

  // random: 30% cancels of a live order, else a limit uniformly over [mid-50, mid+49].
  void random() {
    for (std::uint64_t op = 0; op < p_.ops; ++op) {
      if (!live_.empty() && rng_.percent(30)) {
        w_.cancel(live_.take(rng_));
        continue;
      }
      const bool buy = rng_.below(2) == 0;
      new_order(buy, rng_.between(kMidTicks - 50, kMidTicks + 49));
    }
  }

  // deep: --seed-orders (20,000) passive orders first, then 45% cancels, 50% passive adds, 5%
  // marketable adds.
  void deep() {
    for (std::uint64_t op = 0; op < p_.ops; ++op) {
      const std::uint64_t roll = op < p_.seed_orders ? 50 : rng_.below(100);
      if (roll < 45 && !live_.empty()) {
        w_.cancel(live_.take(rng_));
      } else if (roll < 95) {
        const bool buy = rng_.below(2) == 0;
        const std::int64_t away = 1 + rng_.between(0, 49);
        new_order(buy, buy ? kMidTicks - away : kMidTicks + away);
      } else {
        const bool buy = rng_.below(2) == 0;
        new_order(buy, buy ? kMidTicks + 5 : kMidTicks - 5);
      }
    }
  }

 private:
  void new_order(bool buy, std::int64_t price_ticks) {
    const auto instrument =
        static_cast<std::uint32_t>(p_.instruments == 1 ? 1 : 1 + rng_.below(p_.instruments));
    const std::int64_t qty = rng_.between(1, 10);
    const std::uint64_t id = next_id_++;
    w_.limit('N', id, instrument, buy, price_ticks, qty);
    live_.add(id);
  }

  const Params& p_;
  FlowWriter& w_;
  Rng rng_;
  LiveOrders live_;
  std::uint64_t next_id_ = 1;
};

}  // namespace

int main(int argc, char** argv) {
  Params p;
  CLI::App app{"Writes a deterministic synthetic order flow for swarmex-flow-bench (CSV)."};
  app.add_option("--kind", p.kind, "random | deep")
      ->required()
      ->check(CLI::IsMember({"random", "deep"}));
  app.add_option("--ops", p.ops, "number of commands (deep: including its seed orders)")
      ->required();
  app.add_option("--seed", p.seed, "mt19937_64 seed")->required();
  app.add_option("--instruments", p.instruments, "instrument ids 1..K, uniform per new order")
      ->check(CLI::Range(1u, 1'000'000u));
  app.add_option("--seed-orders", p.seed_orders, "deep: passive orders first (default 20,000)");
  app.add_option("-o,--out", p.out_path, "output file (default: stdout)");
  CLI11_PARSE(app, argc, argv);

  std::FILE* out = stdout;
  if (!p.out_path.empty() && (out = std::fopen(p.out_path.c_str(), "wb")) == nullptr) {
    std::perror(p.out_path.c_str());
    return 1;
  }
  {
    FlowWriter w(out);
    // The exact parameters, so a flow file says how to regenerate it.
    std::string params = "swarmex-gen-flow --kind " + p.kind + " --ops " + std::to_string(p.ops) +
                         " --seed " + std::to_string(p.seed) + " --instruments " +
                         std::to_string(p.instruments);
    if (p.kind == "deep") params += " --seed-orders " + std::to_string(p.seed_orders);
    w.comment(params);
    w.comment(
        "N|I,order_id,instrument,B|S,price_ticks,qty  C,order_id  M,order_id,price_ticks,qty");
    Generator g(p, w);
    if (p.kind == "random")
      g.random();
    else
      g.deep();
  }
  if (std::fflush(out) != 0 || std::ferror(out) || (out != stdout && std::fclose(out) != 0)) {
    std::perror("write");
    return 1;
  }
  return 0;
}
