# Pipelines: busybox re-executes /proc/self/exe for each applet stage.
printf 'pear\napple\nfig\napple\nplum\n' | sort | uniq -c | sed 's/^ *//'
echo hello world | tr a-z A-Z
seq 1 100 | grep 7 | wc -l
echo abcdef | head -c 3; echo
yes kumiki | head -n 3
printf 'b 2\na 1\nc 3\n' | sort -k2 -n -r | cut -d' ' -f1 | tr '\n' ,; echo
seq 1 5 | sed -n '2,4p' | tac | xargs echo items:
echo one two three | wc -w | tee /dev/null | cat
seq 1 20000 | tail -n 1
echo 'last stage sets the status' | grep -q nothing; echo "status $?"
