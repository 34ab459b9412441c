#!/bin/sh
# A .nest program's search against its YAML counterpart: both must find the
# same mapping with the same figures (energies from the built-in estimator,
# since neither gives an ERT).
#   run_search_pair.sh LOOPNEST REFERENCE_DIR OUT NEST_FILE -- YAML_INPUT...
# YAML inputs are relative to REFERENCE_DIR; exit 77 (skip) when it is absent.
set -u
loopnest=$1 reference=$2 out=$3 nest=$4
shift 4
[ "${1:-}" = "--" ] && shift
inputs=""
for input in "$@"; do
  [ -f "$reference/$input" ] || { echo "reference data not found at $reference/$input; skipping"; exit 77; }
  inputs="$inputs $reference/$input"
done
rm -rf "$out" && mkdir -p "$out"
"$loopnest" search "$nest" --quiet -o "$out/nest" >"$out/nest.log" 2>&1 || { cat "$out/nest.log"; exit 1; }
# shellcheck disable=SC2086
"$loopnest" search $inputs --quiet -o "$out/yaml" >"$out/yaml.log" 2>&1 || { cat "$out/yaml.log"; exit 1; }
diff "$out/nest/loopnest.map.txt" "$out/yaml/loopnest.map.txt" || exit 1
best() { sed -n '/"best"/,/}/p' "$1" | grep -E '"cycles"|"energy_pj"'; }
[ "$(best "$out/nest/loopnest.search.json")" = "$(best "$out/yaml/loopnest.search.json")" ] || {
  echo "the best mappings' figures differ:"; best "$out/nest/loopnest.search.json"; best "$out/yaml/loopnest.search.json"
  exit 1
}
best "$out/nest/loopnest.search.json"
