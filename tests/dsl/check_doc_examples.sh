#!/bin/sh
# Every ```nest block of docs/language.md is a complete program: it must
# pass `loopnest check` and be in canonical form (`loopnest fmt --check`).
# Blocks may include the tutorial examples and the stdlib.
#   check_doc_examples.sh LOOPNEST DOC WORK_DIR
set -u
loopnest=$1 doc=$2 work=$3
source=$(cd "$(dirname "$doc")/.." && pwd)
rm -rf "$work" && mkdir -p "$work"
LOOPNEST_PATH="$source/examples/tutorial:$source/examples/designs${LOOPNEST_PATH:+:$LOOPNEST_PATH}"
export LOOPNEST_PATH
awk -v dir="$work" '
  /^```nest[ \t]*$/ { count++; file = sprintf("%s/example%02d.nest", dir, count); inside = 1;
                      printf "" > file; next }
  /^```/ && inside { inside = 0; close(file); next }
  inside { print >> file }
' "$doc"
count=$(ls "$work" | wc -l)
if [ "$count" -eq 0 ]; then
  echo "no \`\`\`nest blocks found in $doc"
  exit 1
fi
failed=0
for example in "$work"/example*.nest; do
  if ! "$loopnest" check "$example" >"$example.log" 2>&1; then
    echo "FAILED: $(basename "$example") does not check:"
    cat "$example.log"
    cat -n "$example"
    failed=1
  elif ! "$loopnest" fmt --check "$example" >>"$example.log" 2>&1; then
    cp "$example" "$example.canonical" && "$loopnest" fmt "$example.canonical"
    echo "FAILED: $(basename "$example") is not in canonical form:"
    diff "$example" "$example.canonical"
    failed=1
  fi
done
echo "$count examples checked"
exit $failed
