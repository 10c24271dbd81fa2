# The harness checks itself: every unit-test program (the executables under tests/: the
# cmocka tests and, when tests/fuzz is added, the fuzz replay tests) is
#  - rebuilt with AddressSanitizer + UndefinedBehaviorSanitizer (LeakSanitizer included)
#    against a sanitized copy of racelab_core: CTest selfcheck:asan:<test>, labels
#    selfcheck;asan;
#  - run as built (plain) under Valgrind memcheck, --error-exitcode=1 --leak-check=full
#    (--trace-children=no: the runner tests fork and exec sh, sleep...): CTest
#    selfcheck:memcheck:<test>, labels selfcheck;memcheck.
# Off by default; ci/selfcheck configures its own build folder with it on and builds only the
# harness and the tests (target `selfcheck`), never the cases:
#   cmake -S . -B build-selfcheck -DRACELAB_SELFCHECK=ON
#   cmake --build build-selfcheck --target selfcheck && ctest --test-dir build-selfcheck -L selfcheck
#
# Use: `include(cmake/selfcheck.cmake)` at the end of the top CMakeLists.txt (after the
# tests are added). Also works given as -DCMAKE_PROJECT_INCLUDE=<this file>: it then defers
# itself to the end of the top directory. Either way it acts once.
option(RACELAB_SELFCHECK "unit tests also under ASan+UBSan and Valgrind memcheck (label selfcheck)" OFF)
if(NOT RACELAB_SELFCHECK)
  return()
endif()
if(NOT TARGET racelab_core)
  # Included from project(): come back once the top CMakeLists.txt has defined everything.
  get_property(deferred GLOBAL PROPERTY RACELAB_SELFCHECK_DEFERRED)
  if(NOT deferred)
    set_property(GLOBAL PROPERTY RACELAB_SELFCHECK_DEFERRED 1)
    # (EVAL: the path is expanded now; a deferred call expands its arguments when it runs.)
    cmake_language(EVAL CODE
      "cmake_language(DEFER DIRECTORY [[${CMAKE_SOURCE_DIR}]] CALL include [[${CMAKE_CURRENT_LIST_FILE}]])")
  endif()
  return()
endif()
get_property(done GLOBAL PROPERTY RACELAB_SELFCHECK_DONE)
if(done)
  return()
endif()
set_property(GLOBAL PROPERTY RACELAB_SELFCHECK_DONE 1)

set(RACELAB_SELFCHECK_SANITIZE -fsanitize=address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
set(RACELAB_SELFCHECK_MEMCHECK_OPTIONS --tool=memcheck --error-exitcode=1 --leak-check=full
    --trace-children=no --track-fds=no --num-callers=30
    CACHE STRING "valgrind options of the selfcheck:memcheck tests")

# Valgrind 3.19 checks mount(2)'s filesystem type as a string even when it is NULL, as it is
# (validly) in the runner's mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL): a false
# positive in the forked reaper, which memcheck follows (a fork is not an exec).
set(RACELAB_SELFCHECK_SUPP "${PROJECT_BINARY_DIR}/selfcheck/memcheck.supp")
file(WRITE "${RACELAB_SELFCHECK_SUPP}" [=[
{
   valgrind-3.19-mount-null-filesystemtype
   Memcheck:Param
   mount(type)
   fun:mount
}
]=])

include(CheckCSourceCompiles)
set(CMAKE_REQUIRED_FLAGS "-fsanitize=address,undefined")
set(CMAKE_REQUIRED_LINK_OPTIONS "-fsanitize=address,undefined")
check_c_source_compiles("int main(void) { return 0; }" RACELAB_HAVE_ASAN_UBSAN)
unset(CMAKE_REQUIRED_FLAGS)
unset(CMAKE_REQUIRED_LINK_OPTIONS)
if(NOT RACELAB_HAVE_ASAN_UBSAN)
  message(WARNING "${CMAKE_C_COMPILER} cannot build with -fsanitize=address,undefined: no "
                  "selfcheck:asan tests (gcc needs libasan and libubsan)")
endif()
find_program(RACELAB_VALGRIND valgrind)
if(NOT RACELAB_VALGRIND)
  message(WARNING "valgrind not found: no selfcheck:memcheck tests")
endif()

# The executables defined in the folders under tests/ (recursively) that link racelab_core:
# the unit-test programs (the hostile programs of tests/hang, tests/isolation and tests/proof
# are the harness's subjects, some TSan builds, which ASan cannot join).
function(_racelab_selfcheck_programs dir out)
  set(found "")
  get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  get_property(source_dir DIRECTORY "${dir}" PROPERTY SOURCE_DIR)
  string(FIND "${source_dir}/" "${PROJECT_SOURCE_DIR}/tests/" at)
  if(at EQUAL 0)
    foreach(t IN LISTS targets)
      get_target_property(type ${t} TYPE)
      get_target_property(libs ${t} LINK_LIBRARIES)
      if(type STREQUAL "EXECUTABLE" AND "racelab_core" IN_LIST libs)
        list(APPEND found ${t})
      endif()
    endforeach()
  endif()
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    _racelab_selfcheck_programs("${sub}" more)
    list(APPEND found ${more})
  endforeach()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

# A copy of a target (same sources, definitions, options, include folders), built with the
# sanitizers and linked against the sanitized copies of racelab's libraries.
function(_racelab_selfcheck_clone target clone)
  get_target_property(type ${target} TYPE)
  get_target_property(source_dir ${target} SOURCE_DIR)
  get_target_property(sources ${target} SOURCES)
  set(absolute "")
  foreach(s IN LISTS sources)
    if(IS_ABSOLUTE "${s}")
      list(APPEND absolute "${s}")
    else()
      list(APPEND absolute "${source_dir}/${s}")
    endif()
  endforeach()
  if(type STREQUAL "STATIC_LIBRARY")
    add_library(${clone} STATIC ${absolute})
  else()
    add_executable(${clone} ${absolute})
    set_target_properties(${clone} PROPERTIES
      RUNTIME_OUTPUT_DIRECTORY "${PROJECT_BINARY_DIR}/selfcheck")
  endif()
  foreach(prop INCLUDE_DIRECTORIES COMPILE_DEFINITIONS COMPILE_OPTIONS LINK_OPTIONS
               INTERFACE_INCLUDE_DIRECTORIES INTERFACE_COMPILE_DEFINITIONS
               INTERFACE_COMPILE_OPTIONS INTERFACE_LINK_OPTIONS C_STANDARD C_EXTENSIONS)
    get_target_property(value ${target} ${prop})
    if(NOT value STREQUAL "value-NOTFOUND")
      set_property(TARGET ${clone} PROPERTY ${prop} "${value}")
    endif()
  endforeach()
  foreach(prop LINK_LIBRARIES INTERFACE_LINK_LIBRARIES)
    get_target_property(value ${target} ${prop})
    if(value STREQUAL "value-NOTFOUND")
      continue()
    endif()
    set(libs "")
    foreach(lib IN LISTS value)
      if(TARGET "${lib}_selfcheck")
        list(APPEND libs "${lib}_selfcheck")
      else()
        list(APPEND libs "${lib}")
      endif()
    endforeach()
    set_property(TARGET ${clone} PROPERTY ${prop} "${libs}")
  endforeach()
  target_compile_options(${clone} PRIVATE ${RACELAB_SELFCHECK_SANITIZE})
  target_link_options(${clone} PRIVATE -fsanitize=address,undefined)
endfunction()

add_custom_target(selfcheck)
_racelab_selfcheck_programs("${PROJECT_SOURCE_DIR}" programs)
if(RACELAB_HAVE_ASAN_UBSAN)
  _racelab_selfcheck_clone(racelab_core racelab_core_selfcheck)
endif()
foreach(t IN LISTS programs)
  get_target_property(workdir ${t} BINARY_DIR)
  if(RACELAB_HAVE_ASAN_UBSAN)
    _racelab_selfcheck_clone(${t} ${t}_asan)
    add_dependencies(selfcheck ${t}_asan)
    add_test(NAME selfcheck:asan:${t} COMMAND ${t}_asan WORKING_DIRECTORY "${workdir}")
    set_tests_properties(selfcheck:asan:${t} PROPERTIES LABELS "selfcheck;asan" TIMEOUT 300
      ENVIRONMENT "ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1;UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1"
      # A forked child's report fails the test too, whatever the child's exit status.
      FAIL_REGULAR_EXPRESSION "ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:")
  endif()
  if(RACELAB_VALGRIND)
    add_dependencies(selfcheck ${t})
    add_test(NAME selfcheck:memcheck:${t}
             COMMAND "${RACELAB_VALGRIND}" ${RACELAB_SELFCHECK_MEMCHECK_OPTIONS}
                     --suppressions=${RACELAB_SELFCHECK_SUPP} $<TARGET_FILE:${t}>
             WORKING_DIRECTORY "${workdir}")
    # Memcheck runs the program 10 to 50 times slower: the runner tests' deadlines are in
    # seconds of wall time and mostly spent waiting, so they hold; CTest waits longer.
    # Memcheck follows forks (only exec is --trace-children): the runner's reaper is checked as
    # well, and its errors count even though nobody reads its exit status.
    set_tests_properties(selfcheck:memcheck:${t} PROPERTIES LABELS "selfcheck;memcheck"
      TIMEOUT 900 FAIL_REGULAR_EXPRESSION "ERROR SUMMARY: [1-9]")
  endif()
endforeach()
list(LENGTH programs count)
message(STATUS "selfcheck: ${count} unit-test programs under ASan+UBSan and memcheck")
