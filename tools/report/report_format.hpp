// The market report as text, JSON (one document) or CSV (one table per section).
#pragma once

#include <string>
#include <vector>

#include "journal_replay.hpp"
#include "report_model.hpp"
#include "swarmex/common/json_text.hpp"
#include "swarmex/gateway/config.hpp"

namespace swarmex::report {

struct ReportDocument {
  std::string journal_dir;
  ReportOptions options;
  std::vector<PartitionReplay> partitions;
  Report report;
};

// CSV sections, in the order they print.
inline constexpr const char* kSections[] = {"totals", "tenants", "hosts",
                                            "fees",   "markets", "utilisation"};

common::Json report_json(const ReportDocument& doc, const gateway::Config& config);
std::string report_text(const ReportDocument& doc, const gateway::Config& config);
// `section` empty: every section, a blank line between tables. Throws on an unknown section.
std::string report_csv(const ReportDocument& doc, const gateway::Config& config,
                       const std::string& section);

}  // namespace swarmex::report
