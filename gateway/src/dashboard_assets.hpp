// The dashboard page's files (gateway/dashboard/), built into swarmexd (embed_dashboard.cmake
// generates their bytes), so the page needs nothing from outside at run time.
#pragma once

#include <span>
#include <string_view>

namespace swarmex::gateway {

struct DashboardAsset {
  std::string_view path;  // as requested, e.g. "/app.js"
  std::string_view content_type;
  std::string_view bytes;
};

std::span<const DashboardAsset> dashboard_assets();
const DashboardAsset* find_dashboard_asset(std::string_view path);

}  // namespace swarmex::gateway
