#!/bin/sh
# The optimal search on a Timeloop exercise: proven optimal (its
# certificate says so), the same best cycles and energy as the exhaustive
# search on the same inputs, and at least as good as timeloop-mapper's
# mapping (its timeloop-mapper.stats.txt).
#   run_optimal_case.sh LOOPNEST SEARCH_QUALITY REFERENCE_DIR CASE_DIR OUT MODE -- INPUT...
# MODE as in run_search_case.sh. Exit 77 (skip) when the reference is absent.
set -u
loopnest=$1 quality=$2 reference=$3 case_dir=$4 out=$5 mode=$6
shift 6
[ $# -gt 0 ] && [ "$1" = "--" ] && shift
if [ ! -d "$reference/$case_dir" ]; then
  echo "reference data not found at $reference/$case_dir; skipping (set LOOPNEST_REFERENCE_DIR)"
  exit 77
fi
inputs=""
for input in "$@"; do inputs="$inputs $reference/$input"; done
rm -rf "$out" && mkdir -p "$out/optimal" "$out/exhaustive"
# shellcheck disable=SC2086
"$loopnest" search $inputs --algorithm optimal --threads 1 --quiet -o "$out/optimal" || exit 1
# shellcheck disable=SC2086
"$loopnest" search $inputs --algorithm exhaustive --no-refine --threads 1 --quiet -o "$out/exhaustive" || exit 1
grep -q '"optimal": true' "$out/optimal/loopnest.search.json" || { echo "not proven optimal"; exit 1; }
best() { sed -n '/"best"/,$ s/.*"\(cycles\|energy_pj\)": \([^,]*\),*$/\1 \2/p' "$1" | head -n 2; }
best "$out/optimal/loopnest.search.json" >"$out/optimal.best"
best "$out/exhaustive/loopnest.search.json" >"$out/exhaustive.best"
echo "optimal:    $(tr '\n' ' ' <"$out/optimal.best")"
echo "exhaustive: $(tr '\n' ' ' <"$out/exhaustive.best")"
[ -s "$out/optimal.best" ] && cmp -s "$out/optimal.best" "$out/exhaustive.best" || { echo "optimal and exhaustive differ"; exit 1; }
expected=$reference/$case_dir/timeloop-mapper
"$quality" "$mode" "$expected.stats.txt" "$out/optimal/loopnest.json" "$out/optimal/loopnest.search.json"
