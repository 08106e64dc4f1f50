# Runs one fuzzer on a fresh copy of its corpus (the committed one is never written to):
#   cmake -DFUZZER=… -DCORPUS=… -DWORK=… -DSECONDS=… -DOPTIONS=… -P runfuzzer.cmake
# First every seed once, whole (the 100 000-character ones too), then fuzzing for SECONDS on
# inputs of up to 4 KiB: libFuzzer would otherwise mutate at the largest seed's size, and a
# 100 KB input costs a hundred short ones. New inputs go to WORK/corpus; a crash, leak or timeout
# to WORK/crash-… (kept for the report) and fails the test.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus)
file(COPY ${CORPUS}/ DESTINATION ${WORK}/corpus)
foreach(pass IN ITEMS "-runs=0" "-max_total_time=${SECONDS};-max_len=4096")
    execute_process(COMMAND ${FUZZER} ${OPTIONS} ${pass} -artifact_prefix=${WORK}/ ${WORK}/corpus
                    RESULT_VARIABLE result)
    if(NOT result EQUAL 0)
        file(GLOB findings ${WORK}/crash-* ${WORK}/leak-* ${WORK}/timeout-* ${WORK}/oom-*)
        message(FATAL_ERROR "${FUZZER} ${pass} failed (${result}); the input: ${findings}")
    endif()
endforeach()
