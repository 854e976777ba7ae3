#include "report_format.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>

namespace swarmex::report {
namespace {

using common::Json;

struct Names {
  std::map<engine::OwnerId, const gateway::Principal*> by_id;
  explicit Names(const gateway::Config& c) {
    for (const gateway::Principal& p : c.principals)
      by_id[p.id] = &p;
  }
  [[nodiscard]] std::string name(engine::OwnerId id) const {
    const auto it = by_id.find(id);
    return it != by_id.end() ? it->second->name : "principal-" + std::to_string(id);
  }
  [[nodiscard]] std::uint32_t host(engine::OwnerId id) const {
    const auto it = by_id.find(id);
    return it != by_id.end() ? it->second->host_id : 0;
  }
};

Json bound(std::int64_t v, std::int64_t unbounded) {
  return v == unbounded ? Json(nullptr) : Json(v);
}

// Every section's rows, built once: text and CSV print these same rows (so every format agrees).
Json rows_json(const ReportDocument& doc, const gateway::Config& config) {
  const Names names(config);
  const Report& r = doc.report;
  Json j;
  j["totals"] = Json::array({Json{{"fills", r.fills},
                                  {"qty", r.qty},
                                  {"value", r.value},
                                  {"taker_fees", r.taker_fees},
                                  {"maker_fees", r.maker_fees},
                                  {"fees", add_sat(r.taker_fees, r.maker_fees)}}});
  j["tenants"] = Json::array();
  for (const auto& [id, b] : r.buyers) {
    Json hours = Json::object();
    for (const auto& [resource, unit_ms] : b.unit_ms)
      hours[resource] = common::json_decimal(static_cast<double>(unit_ms) / 3.6e6, 3);
    j["tenants"].push_back(Json{{"name", names.name(id)},
                                {"id", id},
                                {"fills", b.fills},
                                {"qty", b.qty},
                                {"spend", b.spend},
                                {"fees", b.fees},
                                {"unit_hours", hours}});
  }
  j["hosts"] = Json::array();
  for (const auto& [id, s] : r.sellers)
    j["hosts"].push_back(Json{{"name", names.name(id)},
                              {"id", id},
                              {"host", names.host(id)},
                              {"fills", s.fills},
                              {"qty", s.qty},
                              {"revenue", s.revenue},
                              {"reserve_value", s.reserve_value},
                              {"margin", s.margin()},
                              {"fees", s.fees},
                              {"unknown_reserve_fills", s.unknown_reserve}});
  j["fees"] = Json::array();
  for (const auto& [id, fees] : r.fees_by_principal)
    j["fees"].push_back(Json{{"name", names.name(id)}, {"id", id}, {"fees", fees}});
  j["markets"] = Json::array();
  for (const auto& [key, m] : r.markets)
    j["markets"].push_back(Json{{"pool", key.first},
                                {"resource", key.second},
                                {"fills", m.fills},
                                {"qty", m.qty},
                                {"value", m.value},
                                {"vwap", m.vwap()},
                                {"fees", m.fees}});
  j["utilisation"] = Json::array();
  for (const auto& [key, series] : r.utilisation)
    for (const UtilPoint& p : series)
      j["utilisation"].push_back(Json{
          {"pool", key.first},
          {"resource", key.second},
          {"time_ns", p.time_ns},
          {"leased", p.leased},
          {"capacity", p.capacity},
          {"utilisation_ppm", p.capacity > 0
                                  ? Json(static_cast<std::int64_t>(static_cast<__int128>(p.leased) *
                                                                   1'000'000 / p.capacity))
                                  : Json(nullptr)}});
  return j;
}

// The columns of a section's rows, in order (rows_json sets the same keys).
std::vector<std::string> columns(const std::string& section) {
  static const std::map<std::string, std::vector<std::string>> kColumns = {
      {"totals", {"fills", "qty", "value", "taker_fees", "maker_fees", "fees"}},
      {"tenants", {"name", "id", "fills", "qty", "spend", "fees", "unit_hours"}},
      {"hosts",
       {"name", "id", "host", "fills", "qty", "revenue", "reserve_value", "margin", "fees",
        "unknown_reserve_fills"}},
      {"fees", {"name", "id", "fees"}},
      {"markets", {"pool", "resource", "fills", "qty", "value", "vwap", "fees"}},
      {"utilisation", {"pool", "resource", "time_ns", "leased", "capacity", "utilisation_ppm"}}};
  return kColumns.at(section);
}

std::string cell(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_float()) return fmt::format("{:.3f}", v.get<double>());
  if (v.is_object()) {  // unit hours by resource: cpu=4.000;mem=1.000
    std::string s;
    for (const auto& [k, x] : v.items())
      s.append(s.empty() ? "" : ";").append(k).append("=").append(cell(x));
    return s;
  }
  return v.dump();
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (const char c : s)
    q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

common::Json report_json(const ReportDocument& doc, const gateway::Config& config) {
  Json j;
  j["journal"] = doc.journal_dir;
  j["from_ns"] = bound(doc.options.from_ns, std::numeric_limits<std::int64_t>::min());
  j["to_ns"] = bound(doc.options.to_ns, std::numeric_limits<std::int64_t>::max());
  j["first_time_ns"] = doc.report.first_time_ns;
  j["last_time_ns"] = doc.report.last_time_ns;
  j["step_ns"] = doc.options.step_ns;
  j["partitions"] = Json::array();
  for (const PartitionReplay& p : doc.partitions)
    j["partitions"].push_back(Json{{"partition", p.partition},
                                   {"replayed", p.replayed},
                                   {"first_seq", p.first_seq},
                                   {"last_seq", p.last_seq},
                                   {"snapshot_seq", p.snapshot_seq},
                                   {"note", p.note}});
  Json rows = rows_json(doc, config);
  j["totals"] = rows["totals"][0];
  for (const char* s : {"tenants", "hosts", "fees", "markets", "utilisation"})
    j[s] = std::move(rows[s]);
  return j;
}

std::string report_text(const ReportDocument& doc, const gateway::Config& config) {
  std::string out = fmt::format("Market report of {}\n", doc.journal_dir);
  for (const PartitionReplay& p : doc.partitions)
    out += fmt::format("  partition {}: {} commands, seq {}..{}{}\n", p.partition, p.replayed,
                       p.first_seq, p.last_seq, p.note.empty() ? "" : " — " + p.note);
  out += "  money in micro-units; spend and revenue = price x qty x lease hours per fill\n";
  const Json rows = rows_json(doc, config);
  for (const char* section : kSections) {
    const std::vector<std::string> cols = columns(section);
    std::vector<std::size_t> width(cols.size());
    for (std::size_t c = 0; c < cols.size(); ++c) {
      width[c] = cols[c].size();
      for (const Json& row : rows[section])
        width[c] = std::max(width[c], cell(row[cols[c]]).size());
    }
    out += fmt::format("\n{}\n", section);
    auto line = [&](auto text_of) {
      std::string s = " ";
      for (std::size_t c = 0; c < cols.size(); ++c)
        s += fmt::format(" {:>{}}", text_of(c), width[c]);
      out += s + "\n";
    };
    line([&](std::size_t c) { return cols[c]; });
    for (const Json& row : rows[section])
      line([&](std::size_t c) { return cell(row[cols[c]]); });
    if (rows[section].empty()) out += "  (none)\n";
  }
  return out;
}

std::string report_csv(const ReportDocument& doc, const gateway::Config& config,
                       const std::string& section) {
  if (!section.empty() &&
      std::find(std::begin(kSections), std::end(kSections), section) == std::end(kSections))
    throw std::runtime_error("unknown section " + section +
                             " (totals, tenants, hosts, fees, markets, utilisation)");
  const Json rows = rows_json(doc, config);
  std::string out;
  for (const char* s : kSections) {
    if (!section.empty() && section != s) continue;
    if (!out.empty()) out += "\n";
    const std::vector<std::string> cols = columns(s);
    for (std::size_t c = 0; c < cols.size(); ++c)
      out.append(c ? "," : "").append(cols[c]);
    out += "\n";
    for (const Json& row : rows[s]) {
      for (std::size_t c = 0; c < cols.size(); ++c)
        out.append(c ? "," : "").append(csv_field(cell(row[cols[c]])));
      out += "\n";
    }
  }
  return out;
}

}  // namespace swarmex::report
