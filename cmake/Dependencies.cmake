# Every dependency comes from a Debian package (tools/run-tests installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)               # Asio / Beast are header-only
find_package(FlatBuffers REQUIRED CONFIG)
find_program(FLATC flatc REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(CLI11 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(nlohmann_json 3 REQUIRED)           # tools write JSON with it, tests read it
find_package(prometheus-cpp REQUIRED CONFIG)     # /metrics of swarmexd and swarmex-hostctl
pkg_check_modules(URING REQUIRED IMPORTED_TARGET liburing)
pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)

find_path(CONCURRENTQUEUE_INCLUDE_DIR concurrentqueue/concurrentqueue.h REQUIRED)
add_library(concurrentqueue INTERFACE)
target_include_directories(concurrentqueue SYSTEM INTERFACE ${CONCURRENTQUEUE_INCLUDE_DIR})

# NATS JetStream (Debian libnats-dev): the replicated journal and the leader lease (cluster/).
# Optional: without it the cluster module is not built and its tests say why they are skipped.
pkg_check_modules(NATS IMPORTED_TARGET libnats)
if(NATS_FOUND)
  add_library(swarmex_nats INTERFACE)
  target_link_libraries(swarmex_nats INTERFACE PkgConfig::NATS)
else()
  find_library(NATS_LIBRARY nats)
  find_path(NATS_INCLUDE_DIR nats/nats.h)
  if(NATS_LIBRARY AND NATS_INCLUDE_DIR)
    add_library(swarmex_nats INTERFACE)
    target_link_libraries(swarmex_nats INTERFACE ${NATS_LIBRARY})
    target_include_directories(swarmex_nats SYSTEM INTERFACE ${NATS_INCLUDE_DIR})
  endif()
endif()
if(TARGET swarmex_nats)
  set(SWARMEX_CLUSTER ON)
  message(STATUS "libnats found: the cluster module (cluster/) is built")
else()
  set(SWARMEX_CLUSTER OFF)
  message(STATUS "libnats not found (install libnats-dev): the cluster module and its tests are "
                 "not built")
endif()
find_program(NATS_SERVER nats-server PATHS /usr/sbin /usr/local/sbin)
