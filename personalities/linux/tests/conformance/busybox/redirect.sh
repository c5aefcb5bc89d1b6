# Redirections, here-documents and descriptors; files go in the working directory.
echo one > f
echo two >> f
cat < f
wc -l < f
cat f missing 2>&1 >/dev/null
cat missing 2>/dev/null || echo "cat failed with $?"
{ echo a; echo b; } > g; cat g
exec 3> h
echo through three >&3
exec 3>&-
cat h
cat <<END
here $((6 * 7))
  indented stays
END
cat <<'END'
quoted $((1 + 1)) stays literal
END
while read line; do echo "read: $line"; done < f
echo to stderr >&2
echo both > both 2>&1; cat both
: > f; wc -c < f
test -s f || echo "f is empty now"
