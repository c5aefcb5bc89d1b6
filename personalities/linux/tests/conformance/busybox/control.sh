# The shell language: loops, conditions, functions, subshells, substitutions, statuses.
for word in alpha beta gamma; do echo "word $word"; done
i=0
while [ "$i" -lt 5 ]; do i=$(expr "$i" + 1); done
echo "counted to $i"
if test "$i" = 5; then echo five; elif [ "$i" -gt 5 ]; then echo more; else echo less; fi
case "kumiki.tar" in *.tar) echo archive ;; *) echo other ;; esac
square() { echo $(( $1 * $1 )); return 3; }
echo "square $(square 12)"; square 2 > /dev/null; echo "function status $?"
x=outer; (x=inner; echo "in subshell $x"); echo "after subshell $x"
(exit 4); echo "subshell exit $?"
false; echo "false gives $?"
true && echo "and runs" || echo "or runs"
false && echo "and runs" || echo "or runs"
echo "nested $(echo "$(echo deep)")"
echo "arithmetic $(( (3 + 4) * 5 % 6 ))"
sleep 0 & wait $!; echo "background job status $?"
(exit 7) & wait $!; echo "background exit $?"
set -- a "b c" d; echo "$# arguments, second '$2'"
for n in $(seq 3); do printf '%s-' "$n"; done; echo
unset x; echo "unset gives '${x:-default}'"
