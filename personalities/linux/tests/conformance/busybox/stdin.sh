# Standard input from the host: the first line, the count, then the rest sorted.
read first; echo "first: $first"
sort | uniq -c | sed 's/^ *//'
