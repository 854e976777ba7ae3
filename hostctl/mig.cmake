# MIG backends: the NVML one loads libnvidia-ml.so.1 at run time (no NVIDIA build dependency), the
# simulated H100 serves tests; both use the engine's placement table.
add_library(swarmex_mig STATIC
  ${CMAKE_CURRENT_SOURCE_DIR}/src/simulated_mig_backend.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/nvml_mig_backend.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/src/mig_report.cpp
)
target_include_directories(swarmex_mig PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include)
target_link_libraries(swarmex_mig PUBLIC swarmex_engine PRIVATE fmt::fmt ${CMAKE_DL_LIBS})
swarmex_target_defaults(swarmex_mig)

add_executable(swarmex-mig-list ${CMAKE_CURRENT_SOURCE_DIR}/src/mig_list_main.cpp)
target_link_libraries(swarmex-mig-list PRIVATE swarmex_mig CLI11::CLI11)
swarmex_executable(swarmex-mig-list)
