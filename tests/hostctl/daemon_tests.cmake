add_executable(hostctl_daemon_tests
  ${CMAKE_CURRENT_SOURCE_DIR}/capacity_timeline_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/daemon_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/resale_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/mig_instances_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/prestage_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/window_supply_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/standby_config_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/host_state_history_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/fill_feed_test.cpp
)
target_include_directories(hostctl_daemon_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/../support)
target_link_libraries(hostctl_daemon_tests PRIVATE swarmex_hostctl swarmex_common GTest::gtest_main)
swarmex_executable(hostctl_daemon_tests)
gtest_discover_tests(hostctl_daemon_tests PROPERTIES LABELS "hostctl" DISCOVERY_TIMEOUT 30)
