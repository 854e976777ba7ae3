// swarmex-mig-list: prints the host's GPUs, MIG profiles, placements and instances. Read-only:
// it never creates or destroys an instance and never changes MIG mode.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "swarmex/hostctl/mig_report.hpp"
#include "swarmex/hostctl/nvml_mig_backend.hpp"
#include "swarmex/hostctl/simulated_mig_backend.hpp"

int main(int argc, char** argv) {
  CLI::App app{"List NVIDIA GPUs and their MIG profiles, placements and instances (read-only)"};
  bool simulated = false;
  std::uint32_t sim_gpus = 1;
  std::string library = swarmex::hostctl::NvmlMigBackend::kDefaultLibrary;
  app.add_flag("--simulated", simulated, "Describe a simulated H100 80GB host instead of NVML");
  app.add_option("--simulated-gpus", sim_gpus, "GPUs of the simulated host")
      ->check(CLI::Range(1u, 64u));
  app.add_option("--nvml-library", library, "NVML library to load");
  CLI11_PARSE(app, argc, argv);

  std::unique_ptr<swarmex::hostctl::MigBackend> backend;
  if (simulated) {
    backend = std::make_unique<swarmex::hostctl::SimulatedMigBackend>(sim_gpus, true);
  } else {
    std::string why;
    backend = swarmex::hostctl::NvmlMigBackend::open(&why, library.c_str());
    if (!backend) {
      // Not an error: most hosts have no NVIDIA GPU.
      std::printf("no NVIDIA GPU to describe: %s\n", why.c_str());
      return 0;
    }
  }
  const std::string report = swarmex::hostctl::describe(*backend);
  std::fputs(report.c_str(), stdout);
  return 0;
}
