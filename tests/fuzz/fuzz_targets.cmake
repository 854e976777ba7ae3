# The fuzz targets, in the nested clang++ build (SWARMEX_FUZZ_BUILD): each links the product's own
# library targets, compiled here with -fsanitize=fuzzer-no-link,address,undefined, plus the odd
# product source whose library would bring a server along (the stream ledger, the host state).
cmake_path(SET _root NORMALIZE "${CMAKE_CURRENT_SOURCE_DIR}/../..")
add_custom_target(swarmex_fuzz_targets)

# swarmex_fuzzer(<name> [SOURCES product sources...] [INCLUDES dirs...] LIBS targets...)
function(swarmex_fuzzer name)
  cmake_parse_arguments(F "" "" "SOURCES;INCLUDES;LIBS" ${ARGN})
  add_executable(${name} ${CMAKE_CURRENT_SOURCE_DIR}/${name}.cpp ${F_SOURCES})
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR} ${F_INCLUDES})
  target_link_libraries(${name} PRIVATE ${F_LIBS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  swarmex_target_defaults(${name})
  add_dependencies(swarmex_fuzz_targets ${name})
endfunction()

swarmex_fuzzer(codec_fuzz LIBS swarmex_protocol)
swarmex_fuzzer(journal_record_fuzz LIBS swarmex_journal_log)
swarmex_fuzzer(journal_segment_fuzz LIBS swarmex_journal_log swarmex_reference)
swarmex_fuzzer(snapshot_fuzz SOURCES ${_root}/gateway/src/stream_ledger.cpp
                                       ${_root}/gateway/src/ledger_capture.cpp
               INCLUDES ${_root}/gateway/src LIBS swarmex_gateway_config)
swarmex_fuzzer(gateway_config_fuzz LIBS swarmex_gateway_config)
swarmex_fuzzer(host_config_fuzz SOURCES ${_root}/hostctl/src/host_config.cpp
               LIBS swarmex_cgroup swarmex_common)
target_include_directories(host_config_fuzz PRIVATE ${_root}/hostctl/include)
swarmex_fuzzer(host_state_fuzz
               SOURCES ${_root}/hostctl/src/host_state.cpp ${_root}/hostctl/src/allocation_book.cpp
                       ${_root}/hostctl/src/capacity.cpp ${_root}/hostctl/src/capacity_timeline.cpp
               LIBS swarmex_cgroup swarmex_common fmt::fmt)
target_include_directories(host_state_fuzz PRIVATE ${_root}/hostctl/include)
