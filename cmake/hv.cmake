# Helpers shared by the rooms' CMakeLists.

# hv_room(NAME [DEPS lib...]) -> static library hv_NAME from every *.c in the
# room's folder (so adding a module needs no CMake edit). A room with no
# sources yet is an INTERFACE library so that others can already name it.
function(hv_room name)
  cmake_parse_arguments(R "" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.c)
  if(srcs)
    add_library(hv_${name} STATIC ${srcs})
    target_include_directories(hv_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(hv_${name} PUBLIC ${R_DEPS})
  else()
    add_library(hv_${name} INTERFACE)
    target_include_directories(hv_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(hv_${name} INTERFACE ${R_DEPS})
  endif()
endfunction()

# hv_test(NAME LABEL TIMEOUT SOURCES... [LIBS lib...] [ARGS arg...])
# One executable = one CTest entry, with a label (unit, spec, golden, live,
# model, bench) and a timeout in seconds.
function(hv_test name label timeout)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS;ARGS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(${name} PRIVATE ${T_LIBS} m)
  add_test(NAME ${name} COMMAND ${name} ${T_ARGS})
  set_tests_properties(${name} PROPERTIES LABELS ${label} TIMEOUT ${timeout})
endfunction()
