# Shared build settings and the helpers that keep each folder's CMakeLists a list.

add_library(loadwizard_common_cfg INTERFACE)
target_compile_features(loadwizard_common_cfg INTERFACE cxx_std_20)
target_compile_options(loadwizard_common_cfg INTERFACE
    -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
target_compile_definitions(loadwizard_common_cfg INTERFACE
    LOADWIZARD_VERSION="${PROJECT_VERSION}")

# lw_add_test(name SOURCES ... [LIBS ...] [LABELS ...] [NEEDS_GUI] [TIMEOUT s])
function(lw_add_test name)
    cmake_parse_arguments(ARG "NEEDS_GUI" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    set_target_properties(${name} PROPERTIES AUTOMOC ON)
    target_link_libraries(${name} PRIVATE loadwizard_common_cfg Qt6::Test ${ARG_LIBS})
    add_test(NAME ${name} COMMAND ${name})
    set(env "LOADWIZARD_BIN=$<TARGET_FILE:loadwizard>"
            "LOADWIZARD_SOURCE_DIR=${PROJECT_SOURCE_DIR}"
            "LOADWIZARD_BUILD_DIR=${PROJECT_BINARY_DIR}"
            # Test binaries live deeper than <build>/app, so <exe dir>/../include misses the SDK.
            "LOADWIZARD_SDK_INCLUDE=${PROJECT_BINARY_DIR}/include")
    if(ARG_NEEDS_GUI)
        list(APPEND env "QT_QPA_PLATFORM=offscreen")
    endif()
    if(CMAKE_CXX_FLAGS MATCHES "sanitize=thread")
        # A race fails the test (and the binaries it runs: exit code 66 at exit); every report
        # of a run is printed, not only the first. Qt, libcurl and cpp-httplib are not built
        # with TSan: it cannot see their atomics (a function-local static's guard, Qt's futex
        # mutexes), so the memory they touch through intercepted calls (memcpy, free) is left
        # out (ignore_noninstrumented_modules); their pthread calls still synchronise. Qt 6.4's
        # QProcess starts children with vfork semantics (the child shares the parent's memory
        # until exec), so TSan's "forked while multi-threaded" mark lands in the parent and its
        # next new thread would die (die_after_fork=0); the child only calls exec. tsan.supp
        # lists any other third-party false positive.
        list(APPEND env
             "TSAN_OPTIONS=ignore_noninstrumented_modules=1:die_after_fork=0:second_deadlock_stack=1:suppressions=${PROJECT_SOURCE_DIR}/tests/tsan.supp"
             "LOADWIZARD_SANITIZED=1")
    elseif(CMAKE_CXX_FLAGS MATCHES "sanitize")
        # Undefined behaviour fails the test (and the binaries it runs); memory figures under
        # ASan's shadow memory mean nothing, so tests skip their memory bounds.
        list(APPEND env "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1"
                        "LOADWIZARD_SANITIZED=1")
    endif()
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 300)
    endif()
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${env}" TIMEOUT ${ARG_TIMEOUT})
    if(ARG_LABELS)
        set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
    endif()
endfunction()

# lw_add_scenario(name SOURCES ...): a scenario plugin, a shared library against the SDK only.
function(lw_add_scenario name)
    cmake_parse_arguments(ARG "" "OUTPUT_DIRECTORY" "SOURCES" ${ARGN})
    add_library(${name} MODULE ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE loadwizard_common_cfg loadwizard::sdk)
    set_target_properties(${name} PROPERTIES PREFIX "" CXX_VISIBILITY_PRESET hidden)
    # As the scenario compiler and the installed package's loadwizard_add_scenario(): a discarded
    # awaitable (a forgotten co_await) is an error.
    target_compile_options(${name} PRIVATE -Werror=unused-result)
    if(ARG_OUTPUT_DIRECTORY)
        set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIRECTORY})
    endif()
endfunction()

# lw_add_engine_library(name SOURCES ... [PUBLIC ...] [PRIVATE ...]): one engine concern, a static
# library `loadwizard_<name>` (alias loadwizard::<name>) whose public headers are in include/ and
# whose src/ nobody else sees.
function(lw_add_engine_library name)
    cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC;PRIVATE" ${ARGN})
    set(target loadwizard_${name})
    file(GLOB headers CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/include/loadwizard/*.h)
    add_library(${target} STATIC ${ARG_SOURCES} ${headers})
    add_library(loadwizard::${name} ALIAS ${target})
    target_include_directories(${target}
        PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
        PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
    target_link_libraries(${target} PUBLIC ${ARG_PUBLIC} PRIVATE loadwizard_common_cfg ${ARG_PRIVATE})
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    # The engine never depends on Qt: fail the configure step if a library names it
    # (engine/CMakeLists.txt checks the final link lists too).
    foreach(lib IN LISTS ARG_PUBLIC ARG_PRIVATE)
        if(lib MATCHES "Qt")
            message(FATAL_ERROR "engine/${name} must not depend on Qt (found ${lib})")
        endif()
    endforeach()
endfunction()
