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
