# Sanitized and fuzzing builds (the `fuzz` preset, `make fuzz`, and the sanitized half of `make test`).
#
# MISTUDIO_SANITIZE: every target of ours is built and linked with AddressSanitizer +
#   UndefinedBehaviorSanitizer, and UBSan halts at its first report (-fno-sanitize-recover=all),
#   so a finding fails the test instead of scrolling past in its log.
# MISTUDIO_FUZZ (clang only, implies MISTUDIO_SANITIZE): the code is also compiled with
#   -fsanitize=fuzzer-no-link (libFuzzer's coverage instrumentation, no main) and tests/fuzz adds
#   the fuzz targets, linked with -fsanitize=fuzzer. One tree then yields both the sanitized unit
#   tests and the fuzz targets, so CI compiles the code once for both.
#
# The flags are global on purpose: a sanitizer only sees the code it instruments, and mixing
# instrumented and plain objects of our own would leave holes (and ODR warnings from ASan).
include_guard(GLOBAL)

option(MISTUDIO_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer (halt on error)" OFF)
option(MISTUDIO_FUZZ "Instrument for libFuzzer and build the fuzz targets of tests/fuzz (clang)" OFF)

if(MISTUDIO_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "MISTUDIO_FUZZ needs clang (libFuzzer ships with it: Debian's clang-14 and "
                        "libclang-rt-14-dev); this build uses ${CMAKE_CXX_COMPILER_ID}")
  endif()
  set(MISTUDIO_SANITIZE ON CACHE BOOL "" FORCE)
endif()

if(MISTUDIO_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(MISTUDIO_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()

# Labels of the tests a sanitized tree builds and runs: `unit` ones that need no network, no
# PostgreSQL, no display and no GPU (tests/fuzz adds its own label `fuzz`).
set(MISTUDIO_SANITIZED_EXCLUDED_LABELS net pg gui gpu slow packaging)

# Called by the test helpers for every test executable: remembers those a sanitized tree runs,
# so that the `sanitized_checks` target builds exactly them (and not the whole tree).
function(mistudio_note_test_target target labels)
  if(NOT "unit" IN_LIST labels AND NOT "fuzz" IN_LIST labels)
    return()
  endif()
  foreach(l IN LISTS labels)
    if(l IN_LIST MISTUDIO_SANITIZED_EXCLUDED_LABELS)
      return()
    endif()
  endforeach()
  set_property(GLOBAL APPEND PROPERTY MISTUDIO_SANITIZED_TARGETS ${target})
endfunction()

# After every test folder is added: `sanitized_checks` builds what `ctest --preset fuzz` runs.
function(mistudio_add_sanitized_checks_target)
  get_property(targets GLOBAL PROPERTY MISTUDIO_SANITIZED_TARGETS)
  list(REMOVE_DUPLICATES targets)
  add_custom_target(sanitized_checks)
  if(targets)
    add_dependencies(sanitized_checks ${targets})
  endif()
endfunction()
