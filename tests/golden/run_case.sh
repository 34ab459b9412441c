#!/bin/sh
# One golden case: evaluate inputs with loopnest and compare the report with
# the one the current Timeloop produced.
#   run_case.sh LOOPNEST COMPARE REFERENCE_DIR EXPECTED_DIR OUT_DIR [--map] -- INPUT...
# EXPECTED_DIR and every INPUT are relative to REFERENCE_DIR. Exit 77 (skip)
# when the reference data is not present.
set -u
loopnest=$1 compare=$2 reference=$3 expected_dir=$4 out=$5
shift 5
check_map=no
if [ "${1:-}" = "--map" ]; then check_map=yes; shift; fi
[ "${1:-}" = "--" ] && shift
if [ ! -d "$reference/$expected_dir" ]; then
  echo "skipped: reference data not found at $reference/$expected_dir (set LOOPNEST_REFERENCE_DIR)"
  exit 77
fi
inputs=""
for input in "$@"; do
  [ -f "$reference/$input" ] || { echo "skipped: $reference/$input not found"; exit 77; }
  inputs="$inputs $reference/$input"
done
rm -rf "$out"
# shellcheck disable=SC2086
"$loopnest" eval $inputs -o "$out" || exit 1
"$compare" stats "$reference/$expected_dir/timeloop-model.stats.txt" "$out/loopnest.stats.txt" || exit 1
if [ "$check_map" = yes ]; then
  "$compare" map "$reference/$expected_dir/timeloop-model.map.txt" "$out/loopnest.map.txt" || exit 1
fi
exit 0
