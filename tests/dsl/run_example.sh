#!/bin/sh
# One example written in the language, evaluated with the reference run's
# ERT/ART and compared with the reference reports; it must also be in
# canonical form.
#   run_example.sh LOOPNEST COMPARE REFERENCE_DIR EXAMPLE CASE_DIR PREFIX OUT_DIR
set -u
loopnest=$1 compare=$2 reference=$3 example=$4 case_dir=$5 prefix=$6 out=$7
tables="$reference/$case_dir/$prefix.ERT.yaml $reference/$case_dir/$prefix.ART.yaml"
expected="$reference/timeloop-master/$case_dir"
for file in $tables "$expected/timeloop-model.stats.txt"; do
  [ -f "$file" ] || { echo "skipped: $file not found (set LOOPNEST_REFERENCE_DIR)"; exit 77; }
done
rm -rf "$out"
# shellcheck disable=SC2086
"$loopnest" eval "$example" $tables -o "$out" >/dev/null || exit 1
"$compare" stats "$expected/timeloop-model.stats.txt" "$out/loopnest.stats.txt" || exit 1
"$compare" map "$expected/timeloop-model.map.txt" "$out/loopnest.map.txt" || exit 1
"$loopnest" fmt --check "$example" || exit 1
exit 0
