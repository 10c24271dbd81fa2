# racelab_add_test(): a project's own program under racelab, as CTest tests. Included by
# racelabConfig.cmake (find_package(racelab)) and by racelab's own CMakeLists.txt, so it works
# the same after add_subdirectory() or FetchContent of racelab. Whoever includes it first sets
#   RACELAB_DEADLINE_STRETCH   harness/proc.h's RL_DEADLINE_STRETCH
#   RACELAB_DEFAULT_TIMEOUT_<TOOL>  racelab's timeout under TSAN, HELGRIND, DRD when none is
#                                   given (harness/kinds.h's tool table)
#   RACELAB_VERSION            project(VERSION)
# and provides the executable target racelab::racelab.
#
#   racelab_add_test(NAME <name> TARGET <executable target>
#                    [TOOLS tsan helgrind drd]            (default: all three)
#                    EXPECT <kinds>|clean                 (or EXPECT_<TOOL> for each tool)
#                    [ARGS <arg>...] [EXIT_STATUS <n>|any] [TIMEOUT <seconds>]
#                    [SUPPRESSIONS <file>...] [TOOL_OPTIONS <option>...])
#
# One CTest test per tool, <tool>:<name>, labels <tool> and racelab, that runs
#   racelab run --tool <tool> --name <name> --expect <kinds> [options] -- <program> <args>
# (TIMEOUT, EXIT_STATUS, SUPPRESSIONS and TOOL_OPTIONS are its --timeout, --exit-status,
# --suppressions and --tool-option; see the README, "Running your own program")
# A relative SUPPRESSIONS file is read from the calling source directory.
# With RACELAB_REPORTS_DIR set (e.g. -DRACELAB_REPORTS_DIR=<dir> at configure time), each test
# also writes <dir>/<tool>_<name>.junit.xml and <dir>/<tool>_<name>.sarif (--junit, --sarif,
# --source-root CMAKE_SOURCE_DIR).
# EXPECT_<TOOL>, TIMEOUT_<TOOL>, SUPPRESSIONS_<TOOL> and TOOL_OPTIONS_<TOOL> (TSAN, HELGRIND,
# DRD) stand, for that tool, in place of the argument without the suffix: a TSan
# suppressions file or option (race:pool_*, history_size=4) means nothing to Valgrind
# (--fair-sched=yes), and the other way round.
#
# Helgrind and DRD run TARGET itself. TSan runs its twin, <target>.tsan, built here: the same
# sources, compile options, definitions and include directories, plus -fsanitize=thread when
# compiling and linking. Every library target of the calling project (defined under its
# PROJECT_SOURCE_DIR) in TARGET's link closure is twinned the same way, so a race inside the
# project's own library is not hidden by an uninstrumented copy; imported targets and other
# projects' libraries are linked as they are. The twins are made at the end of the calling
# directory, so TARGET and its libraries may be completed after the call. Known limits: the
# twins compile with the calling directory's CMAKE_<LANG>_FLAGS, and per-source properties
# set in another directory do not reach them.
include_guard(GLOBAL)
cmake_minimum_required(VERSION 3.20)
include(CheckCSourceCompiles)

foreach(fact RACELAB_DEADLINE_STRETCH RACELAB_DEFAULT_TIMEOUT_TSAN RACELAB_DEFAULT_TIMEOUT_HELGRIND
             RACELAB_DEFAULT_TIMEOUT_DRD)
  if(NOT ${fact} MATCHES "^[1-9][0-9]*$")
    message(FATAL_ERROR "racelab.cmake: ${fact} must be set (a whole number), not '${${fact}}'")
  endif()
  set_property(GLOBAL PROPERTY ${fact} "${${fact}}")
endforeach()
set_property(GLOBAL PROPERTY RACELAB_VERSION "${RACELAB_VERSION}")

# RACELAB_TIMEOUT_SCALE, from the environment at configure time, as racelab reads it at run
# time; the tests get the same value in theirs. math() knows only integers: the scale is kept
# in thousandths too.
set(RACELAB_TIMEOUT_SCALE "$ENV{RACELAB_TIMEOUT_SCALE}")
if(NOT RACELAB_TIMEOUT_SCALE)
  set(RACELAB_TIMEOUT_SCALE 1)
endif()
if(NOT RACELAB_TIMEOUT_SCALE MATCHES "^([0-9]*)(\\.([0-9]*))?$" OR RACELAB_TIMEOUT_SCALE STREQUAL ".")
  message(FATAL_ERROR "RACELAB_TIMEOUT_SCALE must be a positive number, not '${RACELAB_TIMEOUT_SCALE}'")
endif()
set(_racelab_units "${CMAKE_MATCH_1}")
set(_racelab_thousandths "${CMAKE_MATCH_3}000")
string(SUBSTRING "${_racelab_thousandths}" 0 3 _racelab_thousandths)
if(_racelab_units STREQUAL "")
  set(_racelab_units 0)
endif()
math(EXPR _racelab_milli "${_racelab_units} * 1000 + 1${_racelab_thousandths} - 1000")
set_property(GLOBAL PROPERTY RACELAB_TIMEOUT_SCALE "${RACELAB_TIMEOUT_SCALE}")
set_property(GLOBAL PROPERTY RACELAB_TIMEOUT_SCALE_MILLI "${_racelab_milli}")

# racelab_ctest_timeout(<var> <seconds> [WAITS <n>]): CTest's TIMEOUT for a racelab run that
# waits <n> times (default 1; a daemon case waits twice: start, stop) with the timeout
# <seconds>. racelab (harness/proc.c) gives each wait the scaled timeout, moved later by the
# run's starvation up to RL_DEADLINE_STRETCH times that; CTest's TIMEOUT is that plus 30 s for
# the tool's start-up and the verdict. The one formula for racelab's cases and for
# racelab_add_test().
function(racelab_ctest_timeout var seconds)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "WAITS" "")
  if(NOT arg_WAITS)
    set(arg_WAITS 1)
  endif()
  get_property(stretch GLOBAL PROPERTY RACELAB_DEADLINE_STRETCH)
  get_property(milli GLOBAL PROPERTY RACELAB_TIMEOUT_SCALE_MILLI)
  math(EXPR t "(${arg_WAITS} * ${stretch} * ${seconds} * ${milli} + 999) / 1000 + 30")
  set(${var} ${t} PARENT_SCOPE)
endfunction()

function(racelab_add_test)
  # Set here, not beside the function: a variable would not reach a caller in another
  # directory (add_subdirectory of racelab).
  set(_racelab_tools tsan helgrind drd)
  # Arguments of later racelab versions: a call that uses one fails at configure time.
  set(_racelab_later SERVE READY CLIENT BASELINE)
  set(one NAME TARGET EXIT_STATUS TIMEOUT)
  set(multi ARGS TOOLS EXPECT SUPPRESSIONS TOOL_OPTIONS ${_racelab_later})
  foreach(tool IN LISTS _racelab_tools)
    string(TOUPPER ${tool} T)
    list(APPEND one TIMEOUT_${T})
    list(APPEND multi EXPECT_${T} SUPPRESSIONS_${T} TOOL_OPTIONS_${T})
  endforeach()
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "${one}" "${multi}")
  set(where "racelab_add_test(NAME ${arg_NAME})")
  if(NOT arg_NAME)
    set(where "racelab_add_test()")
    message(FATAL_ERROR "${where}: NAME is required")
  endif()
  get_property(version GLOBAL PROPERTY RACELAB_VERSION)
  foreach(word IN LISTS _racelab_later)
    if(DEFINED arg_${word} OR word IN_LIST arg_KEYWORDS_MISSING_VALUES)
      message(FATAL_ERROR "${where}: ${word} needs a later racelab than ${version}")
    endif()
  endforeach()
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "${where}: unknown arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_TARGET)
    message(FATAL_ERROR "${where}: TARGET is required")
  endif()
  if(NOT DEFINED arg_TOOLS)
    set(arg_TOOLS ${_racelab_tools})
  endif()
  list(REMOVE_DUPLICATES arg_TOOLS)

  foreach(tool IN LISTS arg_TOOLS)
    if(NOT tool IN_LIST _racelab_tools)
      list(JOIN _racelab_tools ", " known)
      message(FATAL_ERROR "${where}: TOOLS: '${tool}' is not one of ${known}")
    endif()
    string(TOUPPER ${tool} T)
    foreach(key EXPECT TIMEOUT SUPPRESSIONS TOOL_OPTIONS)
      if(DEFINED arg_${key}_${T})
        set(${key} "${arg_${key}_${T}}")
      else()
        set(${key} "${arg_${key}}")
      endif()
    endforeach()
    if(EXPECT STREQUAL "")
      message(FATAL_ERROR "${where}: no EXPECT or EXPECT_${T} for ${tool}")
    endif()
    # Whole seconds: CTest's TIMEOUT is computed from them with integers.
    if(TIMEOUT STREQUAL "")
      get_property(TIMEOUT GLOBAL PROPERTY RACELAB_DEFAULT_TIMEOUT_${T})
      set(timeout_option "")
    elseif(TIMEOUT MATCHES "^[1-9][0-9]*$")
      set(timeout_option --timeout ${TIMEOUT})
    else()
      message(FATAL_ERROR "${where}: TIMEOUT takes whole seconds, not '${TIMEOUT}'")
    endif()

    string(REPLACE ";" "," kinds "${EXPECT}")
    set(command $<TARGET_FILE:racelab::racelab> run --tool ${tool} --name ${arg_NAME}
                --expect ${kinds} ${timeout_option})
    if(DEFINED arg_EXIT_STATUS)
      list(APPEND command --exit-status ${arg_EXIT_STATUS})
    endif()
    foreach(file IN LISTS SUPPRESSIONS)
      # Relative to the calling source directory, as CMake paths are; racelab would read it
      # relative to the test's working directory, the build directory.
      get_filename_component(file "${file}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
      list(APPEND command --suppressions ${file})
    endforeach()
    foreach(option IN LISTS TOOL_OPTIONS)
      list(APPEND command --tool-option ${option})
    endforeach()
    if(RACELAB_REPORTS_DIR)
      # What CI systems read: JUnit and SARIF of each test, in one folder, paths relative to
      # the top-level source tree (the repository, for GitHub).
      file(MAKE_DIRECTORY "${RACELAB_REPORTS_DIR}")
      set(report "${RACELAB_REPORTS_DIR}/${tool}_${arg_NAME}")
      list(APPEND command --junit "${report}.junit.xml" --sarif "${report}.sarif"
                          --source-root "${CMAKE_SOURCE_DIR}")
    endif()
    set(program $<TARGET_FILE:${arg_TARGET}>)
    if(tool STREQUAL "tsan")
      set(program $<TARGET_FILE:${arg_TARGET}.tsan>)
    endif()
    list(APPEND command -- ${program} ${arg_ARGS})
    _racelab_have_tsan(have_tsan)
    if(tool STREQUAL "tsan" AND NOT have_tsan)
      # No TSan build can be made, as when the tool is not installed: exit 77, skipped.
      set(command sh -c "echo 'racelab: ${CMAKE_C_COMPILER} cannot build with -fsanitize=thread (install its TSan runtime)'; exit 77")
    endif()

    racelab_ctest_timeout(ctest_timeout ${TIMEOUT})
    get_property(scale GLOBAL PROPERTY RACELAB_TIMEOUT_SCALE)
    add_test(NAME ${tool}:${arg_NAME} COMMAND ${command})
    set_tests_properties(${tool}:${arg_NAME} PROPERTIES LABELS "${tool};racelab"
      SKIP_RETURN_CODE 77 TIMEOUT ${ctest_timeout} ENVIRONMENT "RACELAB_TIMEOUT_SCALE=${scale}")
  endforeach()

  set(twin OFF)
  if("tsan" IN_LIST arg_TOOLS)
    _racelab_have_tsan(twin)
  endif()
  # A deferred call's arguments are evaluated when it runs, in the directory's scope, where
  # this function's variables are gone: they wait in a global property, numbered, and EVAL
  # writes the number into the call.
  get_property(n GLOBAL PROPERTY RACELAB_DEFERRED)
  math(EXPR n "0${n} + 1")
  set_property(GLOBAL PROPERTY RACELAB_DEFERRED ${n})
  set_property(GLOBAL PROPERTY RACELAB_DEFERRED_${n} "${where}" "${arg_TARGET}"
                                                     "${PROJECT_SOURCE_DIR}" "${twin}")
  cmake_language(EVAL CODE "cmake_language(DEFER CALL _racelab_finish ${n})")
endfunction()

# Whether the C compiler builds and links with -fsanitize=thread (cached: once per build).
function(_racelab_have_tsan var)
  if(NOT DEFINED RACELAB_HAVE_TSAN)
    set(CMAKE_REQUIRED_FLAGS "-fsanitize=thread")
    set(CMAKE_REQUIRED_LINK_OPTIONS "-fsanitize=thread")
    check_c_source_compiles("int main(void) { return 0; }" RACELAB_HAVE_TSAN)
    if(NOT RACELAB_HAVE_TSAN)
      message(WARNING "${CMAKE_C_COMPILER} cannot build with -fsanitize=thread: the tsan tests "
                      "are skipped (install the compiler's TSan runtime)")
    endif()
  endif()
  set(${var} ${RACELAB_HAVE_TSAN} PARENT_SCOPE)
endfunction()

# At the end of the calling directory: TARGET must be an executable by now; twin it for TSan.
function(_racelab_finish n)
  get_property(deferred GLOBAL PROPERTY RACELAB_DEFERRED_${n})
  list(GET deferred 0 where)
  list(GET deferred 1 target)
  list(GET deferred 2 project_dir)
  list(GET deferred 3 twin)
  if(NOT TARGET ${target})
    message(FATAL_ERROR "${where}: TARGET ${target} is not a target")
  endif()
  get_target_property(type ${target} TYPE)
  if(NOT type STREQUAL "EXECUTABLE")
    message(FATAL_ERROR "${where}: TARGET ${target} is a ${type}, not an executable")
  endif()
  if(twin)
    _racelab_twin(${target} "${project_dir}" ignored)
  endif()
endfunction()

# _racelab_twin(<item> <project dir> <var>): what a TSan twin links in place of the link item
# <item>: the twin of a target of the project (made on first use), else <item> itself.
function(_racelab_twin item project_dir var)
  set(${var} "${item}" PARENT_SCOPE)
  if(item MATCHES "^\\$<LINK_ONLY:([^$<>]+)>$")
    _racelab_twin("${CMAKE_MATCH_1}" "${project_dir}" inner)
    set(${var} "$<LINK_ONLY:${inner}>" PARENT_SCOPE)
    return()
  endif()
  if(NOT TARGET "${item}")
    return()
  endif()
  get_target_property(real ${item} ALIASED_TARGET)
  if(NOT real)
    set(real ${item})
  endif()
  get_target_property(imported ${real} IMPORTED)
  get_target_property(type ${real} TYPE)
  get_target_property(dir ${real} SOURCE_DIR)
  cmake_path(IS_PREFIX project_dir "${dir}" NORMALIZE ours)
  set(twin_types EXECUTABLE STATIC_LIBRARY SHARED_LIBRARY MODULE_LIBRARY OBJECT_LIBRARY
                 INTERFACE_LIBRARY)
  if(imported OR NOT ours OR NOT type IN_LIST twin_types)
    return()
  endif()
  set(twin ${real}.tsan)
  set(${var} ${twin} PARENT_SCOPE)
  if(TARGET ${twin})
    return() # made before, or being made now (a cycle of static libraries)
  endif()

  string(REPLACE "_LIBRARY" "" kind "${type}")
  if(type STREQUAL "EXECUTABLE")
    add_executable(${twin})
  elseif(type STREQUAL "INTERFACE_LIBRARY")
    add_library(${twin} INTERFACE)
  else()
    add_library(${twin} ${kind})
  endif()
  # Each usage requirement as the original has it; the twin's own links are mapped below.
  foreach(p INCLUDE_DIRECTORIES COMPILE_DEFINITIONS COMPILE_OPTIONS LINK_OPTIONS
            LINK_DIRECTORIES COMPILE_FEATURES)
    set_property(TARGET ${twin} PROPERTY INTERFACE_${p} "$<TARGET_PROPERTY:${real},INTERFACE_${p}>")
  endforeach()
  set(links "")
  get_target_property(interface_links ${real} INTERFACE_LINK_LIBRARIES)
  if(NOT interface_links)
    set(interface_links "")
  endif()
  foreach(l IN LISTS interface_links)
    if(NOT l MATCHES "^::@")
      _racelab_twin("${l}" "${project_dir}" mapped)
      list(APPEND links "${mapped}")
    endif()
  endforeach()
  set_property(TARGET ${twin} PROPERTY INTERFACE_LINK_LIBRARIES "${links}")
  if(type STREQUAL "INTERFACE_LIBRARY")
    return()
  endif()

  # Sources as absolute paths: the twin lives in the calling directory, not the original's.
  get_target_property(binary_dir ${real} BINARY_DIR)
  get_target_property(sources ${real} SOURCES)
  set(absolute "")
  foreach(s IN LISTS sources)
    if(NOT s MATCHES "^\\$<" AND NOT IS_ABSOLUTE "${s}")
      if(EXISTS "${dir}/${s}")
        set(s "${dir}/${s}")
      else()
        set(s "${binary_dir}/${s}") # generated there: the original's build makes it
      endif()
    endif()
    list(APPEND absolute "${s}")
  endforeach()
  target_sources(${twin} PRIVATE ${absolute})
  add_dependencies(${twin} ${real})
  # The build properties through $<TARGET_PROPERTY>, so what is added to the original later
  # still reaches the twin; definitions of the original's directory are not a target property.
  get_directory_property(dir_definitions DIRECTORY "${dir}" COMPILE_DEFINITIONS)
  set_target_properties(${twin} PROPERTIES
    INCLUDE_DIRECTORIES "$<TARGET_PROPERTY:${real},INCLUDE_DIRECTORIES>"
    COMPILE_DEFINITIONS "$<TARGET_PROPERTY:${real},COMPILE_DEFINITIONS>;${dir_definitions}"
    COMPILE_OPTIONS "$<TARGET_PROPERTY:${real},COMPILE_OPTIONS>;-fsanitize=thread"
    LINK_OPTIONS "$<TARGET_PROPERTY:${real},LINK_OPTIONS>;-fsanitize=thread"
    COMPILE_FEATURES "$<TARGET_PROPERTY:${real},COMPILE_FEATURES>")
  foreach(p C_STANDARD C_STANDARD_REQUIRED C_EXTENSIONS CXX_STANDARD CXX_STANDARD_REQUIRED
            CXX_EXTENSIONS POSITION_INDEPENDENT_CODE LINKER_LANGUAGE)
    # Unset on the original: unset on the twin too, not the calling directory's default.
    get_target_property(v ${real} ${p})
    if(v STREQUAL "v-NOTFOUND")
      set_property(TARGET ${twin} PROPERTY ${p})
    else()
      set_property(TARGET ${twin} PROPERTY ${p} "${v}")
    endif()
  endforeach()
  get_target_property(name ${real} OUTPUT_NAME)
  if(NOT name)
    set(name ${real})
  endif()
  set_target_properties(${twin} PROPERTIES OUTPUT_NAME "${name}"
    RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/racelab-tsan"
    LIBRARY_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/racelab-tsan"
    ARCHIVE_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/racelab-tsan")
  set(links "")
  get_target_property(own_links ${real} LINK_LIBRARIES)
  if(NOT own_links)
    set(own_links "")
  endif()
  foreach(l IN LISTS own_links)
    if(NOT l MATCHES "^::@")
      _racelab_twin("${l}" "${project_dir}" mapped)
      list(APPEND links "${mapped}")
    endif()
  endforeach()
  set_property(TARGET ${twin} PROPERTY LINK_LIBRARIES "${links}")
endfunction()
