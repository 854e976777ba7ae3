# MIG: the engine's H100 placement table, the simulated backend (with a randomised comparison
# against brute force; SWARMEX_SEED replays a seed), the report, and the NVML backend against a
# stand-in libnvidia-ml built here (so the dlopen path runs without a GPU).
add_library(mig_fake_nvml MODULE ${CMAKE_CURRENT_SOURCE_DIR}/mig_fake_nvml.cpp)
swarmex_target_defaults(mig_fake_nvml)

add_executable(mig_tests
  ${CMAKE_CURRENT_SOURCE_DIR}/mig_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/mig_property_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/mig_nvml_test.cpp
)
target_link_libraries(mig_tests PRIVATE swarmex_mig GTest::gtest_main ${CMAKE_DL_LIBS})
target_compile_definitions(mig_tests PRIVATE SWARMEX_FAKE_NVML="$<TARGET_FILE:mig_fake_nvml>")
add_dependencies(mig_tests mig_fake_nvml)
swarmex_executable(mig_tests)
gtest_discover_tests(mig_tests PROPERTIES LABELS "hostctl" DISCOVERY_TIMEOUT 30)
