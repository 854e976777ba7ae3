#include "server_process.hpp"

#include <cstdlib>

namespace swarmex::testing {

namespace {
std::string principal(const std::string& name, int id, const std::string& role, int host_id,
                      const std::string& hash) {
  std::string s = "[[principals]]\nname = \"" + name + "\"\nid = " + std::to_string(id) +
                  "\nrole = \"" + role + "\"\ntoken_hash = \"" + hash + "\"\n";
  if (host_id) s += "host_id = " + std::to_string(host_id) + "\n";
  return s + "\n";
}
}  // namespace

std::string test_config(const std::string& server_extra, const std::string& durability,
                        int partitions, const std::string& extra) {
  // SWARMEX_TEST_ENGINE_WAIT=inline runs the same tests with matching on the one I/O thread;
  // SWARMEX_TEST_BUSY_POLL_US sets server.busy_poll_us (the inline run polls, as it is deployed).
  const char* wait = std::getenv("SWARMEX_TEST_ENGINE_WAIT");
  const bool inline_engine = wait != nullptr && std::string(wait) == "inline";
  const char* poll = std::getenv("SWARMEX_TEST_BUSY_POLL_US");
  std::string c = std::string("[server]\nio_threads = ") + (inline_engine ? "1" : "2") + "\n" +
                  (poll != nullptr ? std::string("busy_poll_us = ") + poll + "\n" : "") +
                  server_extra + "\n\n";
  c += "[engine]\npartitions = " + std::to_string(partitions) + "\norder_capacity = 65536\n";
  c += inline_engine ? "wait = \"inline\"\n\n" : "\n";
  c += "[journal]\ndurability = \"" + durability + "\"\nsegment_bytes = 1048576\n\n";
  const char* instruments[][3] = {{"1", "cpu.pool-a.spot", "cpu"},
                                  {"2", "mem.pool-a.spot", "mem"},
                                  {"3", "cpu.pool-b.spot", "cpu"}};
  for (const auto& i : instruments)
    c += std::string("[[instruments]]\nid = ") + i[0] + "\nsymbol = \"" + i[1] +
         "\"\nresource = \"" + i[2] +
         "\"\npool = \"pool-a\"\ntick = 100\nband_min = 100\nband_max = 10000000\n\n";
  // A band so high that price x qty overflows int64 inside the allowed ranges.
  c += "[[instruments]]\nid = 9\nsymbol = \"mig.7g.80gb.pool-a.spot\"\nresource = \"mig.7g.80gb\"\n"
       "pool = \"pool-a\"\ntick = 10000000000000\nband_min = 5000000000000000000\n"
       "band_max = 9000000000000000000\nmax_qty = 7\n\n";
  // Hashes of "<name>-token" (the same as etc/swarmex.toml).
  c += principal("tenant-a", 1, "tenant", 0,
                 "pbkdf2-sha256$10000$80a707af7dc77ee1228f9127180f3964$"
                 "01b228ff148ed682c9be9e024edc05e212db51b250e41224f1bd6892a34dac4e");
  c += principal("tenant-b", 2, "tenant", 0,
                 "pbkdf2-sha256$10000$df6b6a5f230ea55af66fbc138653f509$"
                 "d525ccc9a02f05207fcbfd28e9f9df9aa7579285b5e09690997e7ffe8af0f3be");
  c += principal("tenant-c", 3, "tenant", 0,
                 "pbkdf2-sha256$10000$3c88b6c4e7210d1c63de91a2dbfcc1bc$"
                 "dfa178db51f5366f5096a3f1b51af3a223260c095d2e1010da68e9e00286e690");
  c += principal("host-a1", 101, "host", 1,
                 "pbkdf2-sha256$10000$9c4f2e9bcab8bdd516d86dea74b4428b$"
                 "de869b534bac2d1a8df5429342b292c2dbbe006c2d289530326d039f19f58968");
  c += principal("host-b1", 102, "host", 2,
                 "pbkdf2-sha256$10000$a7fb70222ce1c3eab21761e89b99a0ac$"
                 "fdeb06fcaed1d183fd348545886e06aa84102c3f42fbca7e0bdccc66051f5d77");
  c += principal("operator", 900, "operator", 0,
                 "pbkdf2-sha256$10000$06e55b633481f7bb072957eabcf110c9$"
                 "fb9fb75e5cd73210e65b09167008722cffe54c316e07ff5dfccffe5ba26ce7d3");
  c += principal("autopilot", 950, "agent", 0,
                 "pbkdf2-sha256$10000$873cf9395a5f5b74cd7c499c13450485$"
                 "49165efa2648fc42d8abadb16ea66054b522c45592b06abb264b1c6bc4319987");
  return c + extra;
}

}  // namespace swarmex::testing
