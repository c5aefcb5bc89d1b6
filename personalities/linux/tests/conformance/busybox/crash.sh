# A program that segfaults is killed by SIGSEGV, the shell's wait reports it, and the shell
# keeps going.  ./crash is personalities/linux/tests/conformance/crash.c.
echo before
./crash
echo "status $?"
(./crash); echo "subshell status $?"
./crash | cat; echo "pipeline status $?"
./crash abort; echo "abort status $?"
./crash exit 3; echo "exit status $?"
echo after
