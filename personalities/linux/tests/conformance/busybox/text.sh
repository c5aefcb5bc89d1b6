# Text tools on a file made here: grep, sed, sort, head, tail, tr, cut, expr, test, wc.
printf 'root:x:0:0\ndaemon:x:1:1\nbin:x:2:2\nsys:x:3:3\nsync:x:4:65534\n' > users
grep -c x users
grep -v '^s' users
grep -E '^(bin|sys):' users
grep -n daemon users
sed 's/:x:/ /; s/:.*//' users
sed -n '$p' users
sort -t: -k3 -n -r users | head -n 2
tail -n 2 users | cut -d: -f1
tr -d ':' < users | head -n 1
echo 'a  b   c' | tr -s ' '
wc -l -c users
expr length "kumiki"
expr substr "joinery" 1 4
expr 7 \* 6
expr 10 / 3 % 2
expr "abc" : 'a\(.*\)'
expr 1 = 2; echo "expr false status $?"
test -f users && echo "users is a file"
test -d users || echo "users is not a directory"
test -z "" && test -n "x" && echo "string tests"
[ 3 -le 4 ] && [ abc != abd ] && echo "comparisons"
mkdir dir && test -d dir && echo "dir made"
ls
