# Writes racelab(1) from racelab's own --help and --version, so the man page and the usage
# text cannot drift apart: run as
#   cmake -DRACELAB=<racelab binary> -DOUT=<racelab.1> -P cmake/manpage.cmake
execute_process(COMMAND "${RACELAB}" --version OUTPUT_VARIABLE version
                RESULT_VARIABLE version_status OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND "${RACELAB}" --help OUTPUT_VARIABLE help RESULT_VARIABLE help_status)
if(NOT version_status EQUAL 0 OR NOT help_status EQUAL 0)
  message(FATAL_ERROR "${RACELAB} --version / --help failed")
endif()
# roff: a backslash is written \e, and a line may not start with a dot or an apostrophe.
string(REPLACE "\\" "\\e" help "${help}")
string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
string(TIMESTAMP year "%Y" UTC)
file(WRITE "${OUT}"
".TH RACELAB 1 \"${year}\" \"${version}\" \"User Commands\"
.SH NAME
racelab \\- run a program under ThreadSanitizer, Helgrind or DRD and assert the verdict
.SH SYNOPSIS
.nf
${help}.fi
.SH SEE ALSO
The README of the racelab source tree: the case format, the kinds, how a run works, and what
proves that a tool watched the program to its end.
")
