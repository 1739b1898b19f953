# Runs `decoder_training --dot DIR/tape.dot`, then checks that Graphviz parses the DOT file
# and that the PNG the program rendered from it is a real PNG.
# Usage: cmake -DPROGRAM=... -DDOT=... -DDIR=... -P check_dot.cmake
file(REMOVE_RECURSE ${DIR})
file(MAKE_DIRECTORY ${DIR})
execute_process(COMMAND ${PROGRAM} --dot ${DIR}/tape.dot RESULT_VARIABLE status
                OUTPUT_VARIABLE output ERROR_VARIABLE errors)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "decoder_training --dot failed (${status}): ${output}${errors}")
endif()
execute_process(COMMAND ${DOT} -Tcanon ${DIR}/tape.dot RESULT_VARIABLE status
                OUTPUT_QUIET ERROR_VARIABLE errors)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "dot could not parse ${DIR}/tape.dot: ${errors}")
endif()
if(NOT EXISTS ${DIR}/tape.png)
  message(FATAL_ERROR "no ${DIR}/tape.png; the program said: ${output}")
endif()
file(READ ${DIR}/tape.png signature LIMIT 8 HEX)
file(SIZE ${DIR}/tape.png size)
if(NOT signature STREQUAL "89504e470d0a1a0a" OR size LESS 2000)
  message(FATAL_ERROR "${DIR}/tape.png is not a PNG of sensible size (${signature}, ${size} bytes)")
endif()
message(STATUS "tape.dot parses; tape.png is a ${size}-byte PNG")
