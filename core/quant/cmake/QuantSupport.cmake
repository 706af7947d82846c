# Compile settings and dependencies of core/quant, the same in the standalone and the full build.
include_guard(GLOBAL)

find_package(Threads REQUIRED)

# nlohmann-json: the package config (Debian's nlohmann-json3-dev), else a header directory given
# with -DNLOHMANN_JSON_INCLUDE_DIR=... (e.g. headers brought along to a GPU machine).
find_package(nlohmann_json 3 QUIET)
if(nlohmann_json_FOUND)
  set(MISTUDIO_NLOHMANN_TARGET nlohmann_json::nlohmann_json)
else()
  find_path(NLOHMANN_JSON_INCLUDE_DIR nlohmann/json.hpp REQUIRED)
  add_library(mistudio_quant_nlohmann INTERFACE)
  target_include_directories(mistudio_quant_nlohmann SYSTEM INTERFACE "${NLOHMANN_JSON_INCLUDE_DIR}")
  set(MISTUDIO_NLOHMANN_TARGET mistudio_quant_nlohmann)
endif()

add_library(mistudio_quant_settings INTERFACE)
target_compile_features(mistudio_quant_settings INTERFACE cxx_std_20)
if(TARGET mistudio::settings)
  target_link_libraries(mistudio_quant_settings INTERFACE mistudio::settings)
else()
  target_compile_options(mistudio_quant_settings INTERFACE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
      -Woverloaded-virtual -Wimplicit-fallthrough -Wno-missing-field-initializers>)
  if(MISTUDIO_WERROR)
    target_compile_options(mistudio_quant_settings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
  endif()
endif()

# Plain test executables (no Qt, no GoogleTest: the GPU machine may have neither).
# mistudio_quant_test(<name> SOURCES ... [LIBS ...] [LABELS ...] [ARGS ...])
function(mistudio_quant_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS;ARGS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE mistudio::quant ${ARG_LIBS})
  target_include_directories(${name} PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}")
  add_test(NAME ${name} COMMAND ${name} ${ARG_ARGS})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 600)
  endif()
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT})
endfunction()
