# One INTERFACE target carries the compile settings every target of ours uses.
include_guard(GLOBAL)

set(CMAKE_EXPORT_COMPILE_COMMANDS ON)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)

add_library(mistudio_settings INTERFACE)
add_library(mistudio::settings ALIAS mistudio_settings)
target_compile_features(mistudio_settings INTERFACE cxx_std_20)
target_compile_definitions(mistudio_settings INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_NO_CAST_TO_ASCII
  QT_NO_URL_CAST_FROM_STRING
  QT_NO_CONTEXTLESS_CONNECT
  QT_NO_FOREACH
  QT_USE_QSTRINGBUILDER
  QT_NO_KEYWORDS
  QT_DISABLE_DEPRECATED_UP_TO=0x060400
  MISTUDIO_VERSION="${PROJECT_VERSION}")
target_compile_options(mistudio_settings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
    -Woverloaded-virtual -Wimplicit-fallthrough -Wno-missing-field-initializers>)
if(MISTUDIO_WERROR)
  target_compile_options(mistudio_settings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
endif()

# mistudio_add_qtest(<name> SOURCES ... LIBS ... LABELS ... [ENV k=v ...] [TIMEOUT s])
# One QtTest executable per class or feature; run offscreen, labelled for `ctest -L`.
function(mistudio_add_qtest name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS;ENV" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE mistudio::settings Qt6::Test ${ARG_LIBS})
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES
    LABELS "${ARG_LABELS}"
    TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QT_LOGGING_RULES=qt.qpa.*=false;${ARG_ENV}")
  mistudio_note_test_target(${name} "${ARG_LABELS}")
endfunction()
