#!/bin/sh
# One reference case through the .nest language and back:
#   convert INPUT... --to nest -o X.nest; eval X.nest ERT ART   == reference
#   convert X.nest --to yaml -o Y.yaml;    eval Y.yaml ERT ART  == reference
#   fmt --check X.nest
# The reports are compared as the golden tests compare them.
#   run_roundtrip.sh LOOPNEST COMPARE REFERENCE_DIR CASE_DIR PREFIX OUT_DIR
# CASE_DIR is relative to REFERENCE_DIR; the expected reports are under
# REFERENCE_DIR/timeloop-master/CASE_DIR. Exit 77 (skip) without the data.
set -u
loopnest=$1 compare=$2 reference=$3 case_dir=$4 prefix=$5 out=$6
inputs="$reference/$case_dir/parsed-processed-input.yaml"
[ "$prefix" = timeloop-mapper ] && inputs="$inputs $reference/$case_dir/timeloop-mapper.map.yaml"
tables="$reference/$case_dir/$prefix.ERT.yaml $reference/$case_dir/$prefix.ART.yaml"
expected="$reference/timeloop-master/$case_dir"
for file in $inputs $tables "$expected/timeloop-model.stats.txt"; do
  [ -f "$file" ] || { echo "skipped: $file not found (set LOOPNEST_REFERENCE_DIR)"; exit 77; }
done
rm -rf "$out"
mkdir -p "$out"
check() {
  "$compare" stats "$expected/timeloop-model.stats.txt" "$1/loopnest.stats.txt" || exit 1
  "$compare" map "$expected/timeloop-model.map.txt" "$1/loopnest.map.txt" || exit 1
}
# shellcheck disable=SC2086
"$loopnest" convert $inputs --to nest -o "$out/x.nest" || exit 1
# shellcheck disable=SC2086
"$loopnest" eval "$out/x.nest" $tables -o "$out/nest" >/dev/null || exit 1
check "$out/nest"
"$loopnest" convert "$out/x.nest" --to yaml -o "$out/y.yaml" || exit 1
# shellcheck disable=SC2086
"$loopnest" eval "$out/y.yaml" $tables -o "$out/yaml" >/dev/null || exit 1
check "$out/yaml"
"$loopnest" fmt --check "$out/x.nest" || exit 1
exit 0
