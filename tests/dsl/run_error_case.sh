#!/bin/sh
# One malformed .nest program: `loopnest check` must fail cleanly (exit 1,
# no crash, no sanitizer report) and report exactly the errors the file
# lists at its end, each as
#   // expect: LINE:COL: MESSAGE
# (MESSAGE is the start of the message, before its hint).
#   run_error_case.sh LOOPNEST FILE
set -u
loopnest=$1 file=$2
cd "$(dirname "$file")" || exit 1
name=$(basename "$file")
stderr=$(mktemp)
trap 'rm -f "$stderr"' EXIT
"$loopnest" check "$name" >/dev/null 2>"$stderr"
status=$?
failed=0
if [ "$status" -ne 1 ]; then
  echo "$name: expected exit status 1, got $status"
  failed=1
fi
if grep -q -e "Sanitizer" -e "runtime error" "$stderr"; then
  echo "$name: sanitizer report:"
  failed=1
fi
expected=0
while IFS= read -r line; do
  case "$line" in
    "// expect: "*) ;;
    *) continue ;;
  esac
  expected=$((expected + 1))
  want="$name:${line#// expect: }"
  position=${want%%: *}
  message=${want#*: }
  if ! grep -F -q -e "$position: error: $message" "$stderr"; then
    echo "$name: missing diagnostic: $position: error: $message"
    failed=1
  fi
done < "$name"
reported=$(grep -c -E "^$name:[0-9]+:[0-9]+: error: " "$stderr")
if [ "$expected" -eq 0 ]; then
  echo "$name: the file lists no expected diagnostic (// expect: LINE:COL: MESSAGE)"
  failed=1
elif [ "$reported" -ne "$expected" ]; then
  echo "$name: $reported errors reported, $expected expected"
  failed=1
fi
if [ "$failed" -ne 0 ]; then
  echo "--- stderr of loopnest check $name:"
  cat "$stderr"
fi
exit $failed
