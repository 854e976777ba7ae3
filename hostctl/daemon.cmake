# The daemon: configuration, capacity discovery, allocations and their durable state, supply
# (asks), enactment, and the main loop; swarmex-hostctl is its command line.
add_library(swarmex_hostctl
  ${CMAKE_CURRENT_SOURCE_DIR}/src/host_config.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/capacity.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/capacity_timeline.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/allocation_book.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/fill_intake.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/host_state.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/state_saver.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/enactor.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/window_listing.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/supply.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/mig_instances.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/daemon_stats.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/daemon_exchange_link.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/daemon_windows.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/daemon_enactment.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/daemon_staging.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/daemon_telemetry.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/daemon_standby.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/daemon_history.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/daemon.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/host_metrics.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/fill_feed.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/daemon_fill_feed.cpp
)
target_include_directories(swarmex_hostctl PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
target_link_libraries(swarmex_hostctl
  PUBLIC swarmex_cgroup swarmex_mig swarmex_client
  PUBLIC swarmex_common PRIVATE spdlog::spdlog fmt::fmt prometheus-cpp::core prometheus-cpp::pull)
swarmex_target_defaults(swarmex_hostctl)
# Fills from JetStream ([exchange] fills = "jetstream") need the cluster module (libnats).
if(SWARMEX_CLUSTER)
  target_sources(swarmex_hostctl PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src/fill_feed_jetstream.cpp)
  target_link_libraries(swarmex_hostctl PRIVATE swarmex_cluster)
else()
  target_sources(swarmex_hostctl PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src/fill_feed_none.cpp)
endif()

add_executable(swarmex-hostctl ${CMAKE_CURRENT_SOURCE_DIR}/src/hostctl_main.cpp)
target_link_libraries(swarmex-hostctl PRIVATE swarmex_hostctl CLI11::CLI11 spdlog::spdlog)
swarmex_executable(swarmex-hostctl)
