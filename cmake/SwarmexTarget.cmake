# Flags every Swarmex target gets: warnings as errors, and the sanitizers in the asan preset.
function(swarmex_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
  if(SWARMEX_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

# Executables also get jemalloc as the process allocator (not under ASan, which owns malloc).
function(swarmex_executable target)
  swarmex_target_defaults(${target})
  if(SWARMEX_JEMALLOC AND NOT SWARMEX_SANITIZE)
    target_link_libraries(${target} PRIVATE PkgConfig::JEMALLOC)
  endif()
endfunction()
