#!/bin/sh
# One mapper case: loopnest search on a Timeloop exercise's inputs, compared
# with the mapping timeloop-mapper found (its timeloop-mapper.stats.txt).
#   run_search_case.sh LOOPNEST SEARCH_QUALITY REFERENCE_DIR CASE_DIR OUT MODE [OPTION...] -- INPUT...
# MODE: same | delay-energy | edp (see tests/tools/search_quality.c), or
# map: the found mapping's map.txt equals Timeloop's. Inputs are relative to
# REFERENCE_DIR unless absolute. Exit 77 (skip) when the reference is absent.
set -u
loopnest=$1 quality=$2 reference=$3 case_dir=$4 out=$5 mode=$6
shift 6
options=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do options="$options $1"; shift; done
[ $# -gt 0 ] && shift
if [ ! -d "$reference/$case_dir" ]; then
  echo "reference data not found at $reference/$case_dir; skipping (set LOOPNEST_REFERENCE_DIR)"
  exit 77
fi
inputs=""
for input in "$@"; do
  case $input in
    /*) inputs="$inputs $input" ;;
    *) inputs="$inputs $reference/$input" ;;
  esac
done
rm -rf "$out" && mkdir -p "$out"
# shellcheck disable=SC2086
"$loopnest" search $inputs $options --quiet -o "$out" || exit 1
expected=$reference/$case_dir/timeloop-mapper
if [ "$mode" = map ]; then
  diff "$out/loopnest.map.txt" "$expected.map.txt" || exit 1
  mode=same
fi
"$quality" "$mode" "$expected.stats.txt" "$out/loopnest.json" "$out/loopnest.search.json"
