# cmake -DBINARY=<file> -DSOURCE_DIR=<dir> -P nosourcepaths.cmake
# Fails when the binary holds SOURCE_DIR (the source tree, which holds the build tree too) in any
# of its strings: a shipped binary must find its files relative to itself (Loadwizard::Paths).
foreach(variable BINARY SOURCE_DIR)
    if(NOT ${variable})
        message(FATAL_ERROR "${variable} is not set")
    endif()
endforeach()
if(NOT EXISTS "${BINARY}")
    message(FATAL_ERROR "no binary at ${BINARY}")
endif()
string(REGEX REPLACE "([][+.*?()^$|\\\\])" "\\\\\\1" pattern "${SOURCE_DIR}")
file(STRINGS "${BINARY}" hits REGEX "${pattern}")
if(hits)
    list(JOIN hits "\n  " shown)
    message(FATAL_ERROR "${BINARY} contains the source tree's path ${SOURCE_DIR}:\n  ${shown}")
endif()
message(STATUS "${BINARY}: no string contains ${SOURCE_DIR}")
