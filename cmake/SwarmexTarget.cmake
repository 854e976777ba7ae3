# Flags every Swarmex target gets: warnings as errors (-Wshadow included), and the sanitizers of
# the asan and tsan presets.
function(swarmex_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wshadow -Werror)
  if(CMAKE_UNITY_BUILD AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # A unity file includes each .cpp, so GCC takes a class there that holds a type from the
    # .cpp's anonymous namespace for one declared in a header.
    target_compile_options(${target} PRIVATE -Wno-subobject-linkage)
  endif()
  if(SWARMEX_SANITIZE STREQUAL "address")
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  elseif(SWARMEX_SANITIZE STREQUAL "thread")
    # -Wno-tsan: GCC warns that TSan does not model std::atomic_thread_fence (moodycamel
    # ConcurrentQueue uses fences); TSan then reports what it cannot order, which the run shows.
    target_compile_options(${target} PRIVATE -fsanitize=thread -fno-omit-frame-pointer -Wno-tsan)
    target_link_options(${target} PRIVATE -fsanitize=thread)
  endif()
endfunction()

# Executables also get jemalloc as the process allocator (not under a sanitizer, which owns
# malloc).
function(swarmex_executable target)
  swarmex_target_defaults(${target})
  if(SWARMEX_JEMALLOC AND NOT SWARMEX_SANITIZE)
    target_link_libraries(${target} PRIVATE PkgConfig::JEMALLOC)
  endif()
endfunction()
