# The cgroup layer: hierarchy detection, allocation arithmetic, and the writers (io_uring and
# plain syscalls) that enact tenant limits. Also swarmex-cgroup-bench (source in bench/), which
# compares the two writers on the real cgroup mount or a directory.
add_library(swarmex_cgroup STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/src/cgroup_layout.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/cgroup_tree.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/cgroup_usage.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/cgroup_write.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/cgroup_writer.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/plain_cgroup_writer.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/tenant_limits.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/uring_cgroup_writer.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/usage_sampler.cpp
)
target_include_directories(swarmex_cgroup PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
target_link_libraries(swarmex_cgroup PUBLIC fmt::fmt PRIVATE PkgConfig::URING spdlog::spdlog)
swarmex_target_defaults(swarmex_cgroup)
# liburing.h brings linux/fs.h's BLOCK_SIZE macro into whatever follows it in a batch.
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/src/uring_cgroup_writer.cpp
                            PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)

if(NOT SWARMEX_SANITIZE)  # a benchmark, as those of bench/: release only
  add_executable(swarmex-cgroup-bench ${PROJECT_SOURCE_DIR}/bench/cgroup_bench.cpp)
  target_link_libraries(swarmex-cgroup-bench PRIVATE swarmex_cgroup CLI11::CLI11 fmt::fmt)
  swarmex_executable(swarmex-cgroup-bench)
endif()
