# cgroup layer: detection, paths and allocation arithmetic on temporary directories laid out like
# cgroupfs; both writers on temporary files; integration on this kernel's cgroup mounts (skipped
# with the reason when not root or no writable hierarchy).
add_executable(cgroup_tests
  ${CMAKE_CURRENT_SOURCE_DIR}/cgroup_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cgroup_plan_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cgroup_writer_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cgroup_kernel_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/usage_sampler_test.cpp
)
target_include_directories(cgroup_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(cgroup_tests PRIVATE swarmex_cgroup swarmex_common GTest::gtest_main)
swarmex_executable(cgroup_tests)
gtest_discover_tests(cgroup_tests PROPERTIES LABELS "hostctl" DISCOVERY_TIMEOUT 30)
